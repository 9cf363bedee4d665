// 简报 [月份] (office only): compiles the month's 推广动态简报 — a card with progress by batch, local
// adjustments, common problems and who has not reported, and the Word document as a file (through
// the outbox: once per message). Without a month: this month (src/core/document-periods.ts).
import { md, txt } from '../../../cards/markup.js';
import { documentPeriod } from '../../../core/document-periods.js';
import { summariseBrief } from '../../../documents/brief.js';
import { generateDocument, loadBriefPlans } from '../../../documents/generate.js';
import { enqueueFile } from '../../../outbox/index.js';
import { briefCard } from '../../../pilot/brief-card.js';
import type { CommandHandler } from '../../context.js';
import { card, text } from '../../say.js';

export const briefCommand: CommandHandler<'brief'> = async (ctx, command) => {
  const { db, app, tenant, actor, sourceRef, today } = ctx;
  if (!actor.roles.includes('ADMIN')) {
    const reason = '只有县委改革办可以编发推广动态简报。';
    return { ok: false, reply: text(txt`${reason}`), summary: md`✗ 简报：${reason}` };
  }
  const chosen = documentPeriod('brief', today, command.text);
  if (!chosen.ok) return { ok: false, reply: text(txt`${chosen.reason}`), summary: md`✗ 简报：${chosen.reason}` };
  const month = chosen.period;
  const units = new Map((await db.unit.findMany({ where: { tenantId: tenant.id }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const plans = await loadBriefPlans(db, tenant.id, month.key, (id) => units.get(id) ?? `单位#${id}`);
  if (!plans.length) return { ok: false, reply: text(txt`还没有推广方案，无法编发简报。`), summary: md`✗ 简报：暂无推广方案` };
  const s = summariseBrief(plans);
  const doc = await generateDocument(db, 'brief', { tenantId: tenant.id, issuer: tenant.name, at: app.clock.now(), calendar: ctx.calendar, period: month.key });
  await enqueueFile(db, { tenantId: tenant.id, dedupeKey: `file:${sourceRef}`, kind: 'reply', receiveId: ctx.msg.messageId, fileName: doc.fileName, bytes: doc.buffer });
  return {
    ok: true,
    reply: card(briefCard(month.label, plans.length, s, doc.fileName)),
    summary: md`简报 ${month.label}：已报送 ${s.reported}/${s.units}`,
  };
};
