// 简报 (office only): compiles this month's 推广动态简报 — a card with progress by batch, local
// adjustments, common problems and who has not reported, and the Word document as a file (through
// the outbox: once per message).
import { md, txt } from '../../../cards/markup.js';
import { monthContaining } from '../../../core/periods.js';
import { summariseBrief } from '../../../documents/brief.js';
import { generateDocument, loadBriefPlans } from '../../../documents/generate.js';
import { enqueueFile } from '../../../outbox/index.js';
import { noticeCard } from '../../cards.js';
import type { CommandHandler } from '../../context.js';
import { card, text } from '../../say.js';

export const briefCommand: CommandHandler<'brief'> = async (ctx) => {
  const { db, app, tenant, actor, sourceRef, today } = ctx;
  if (!actor.roles.includes('ADMIN')) {
    const reason = '只有县委改革办可以编发推广动态简报。';
    return { ok: false, reply: text(txt`${reason}`), summary: md`✗ 简报：${reason}` };
  }
  const month = monthContaining(today);
  const units = new Map((await db.unit.findMany({ where: { tenantId: tenant.id }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const plans = await loadBriefPlans(db, tenant.id, month.key, (id) => units.get(id) ?? `单位#${id}`);
  if (!plans.length) return { ok: false, reply: text(txt`还没有推广方案，无法编发简报。`), summary: md`✗ 简报：暂无推广方案` };
  const s = summariseBrief(plans);
  const doc = await generateDocument(db, 'brief', { tenantId: tenant.id, issuer: tenant.name, at: app.clock.now(), calendar: ctx.calendar });
  await enqueueFile(db, { tenantId: tenant.id, dedupeKey: `file:${sourceRef}`, kind: 'reply', receiveId: ctx.msg.messageId, fileName: doc.fileName, bytes: doc.buffer });
  const batches = s.byBatch.map((b) => md`· ${b.batch}：${b.units} 个单位，已报送 ${b.reported} 个`).reduce((a, b) => md`${a}\n${b}`, md``);
  const adaptations = s.adaptations.slice(0, 10).map((a) => md`· ${a.unitName}：${a.text}`).reduce((a, b) => md`${a}\n${b}`, md``);
  const problems = s.problems.slice(0, 10).map((p) => md`· ${p.unitName}：${p.text}`).reduce((a, b) => md`${a}\n${b}`, md``);
  const missing = s.missing.map((m) => m.unitName).join('、');
  return {
    ok: true,
    reply: card(noticeCard(`推广动态简报 · ${month.label}`, md`推广方案 ${plans.length} 项，推广单位 ${s.units} 个，已报送 ${s.reported} 个。\n\n**分批次进展**${batches}\n\n**适应性调整**${s.adaptations.length ? adaptations : md`\n本期无`}\n\n**共性问题**${s.problems.length ? problems : md`\n本期无`}${missing ? md`\n\n**未报送**：${missing}` : md``}\n\n<font color='grey'>Word 文件「${doc.fileName}」随后发出。</font>`, 'blue')),
    summary: md`简报 ${month.label}：已报送 ${s.reported}/${s.units}`,
  };
};
