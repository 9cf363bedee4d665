// 案例汇编 [季度] (office only): the quarter's 典型案例汇编 — a card listing the selected cases (unit,
// rating, linked tasks) and the Word document as a file (through the outbox: once per message).
// Without a quarter: this quarter (src/core/document-periods.ts); `案例汇编 2026Q3` names one.
import { md, txt, type Md } from '../../../cards/markup.js';
import { documentPeriod } from '../../../core/document-periods.js';
import { generateDocument } from '../../../documents/generate.js';
import { enqueueFile } from '../../../outbox/index.js';
import { loadCaseLinks } from '../../../pilot/case-links.js';
import type { CommandHandler, CommandResult } from '../../context.js';
import { noticeCard } from '../../cards.js';
import { card, text } from '../../say.js';

const refuse = (reason: string): CommandResult => ({ ok: false, reply: text(txt`${reason}`), summary: md`✗ 案例汇编：${reason}` });

export const caseBookCommand: CommandHandler<'caseBook'> = async (ctx, command) => {
  const { db, app, tenant, actor, sourceRef, today } = ctx;
  if (!actor.roles.includes('ADMIN')) return refuse('只有县委改革办可以编印典型案例汇编。');
  const chosen = documentPeriod('cases', today, command.text);
  if (!chosen.ok) return refuse(chosen.reason);
  const quarter = chosen.period;
  const cases = await db.typicalCase.findMany({ where: { tenantId: tenant.id, quarter: quarter.key.replace('-', ''), selected: true }, orderBy: [{ rating: 'asc' }, { id: 'asc' }] });
  if (!cases.length) return refuse(`${quarter.label}还没有入选汇编的案例：在案例点评卡片上「点评并入选汇编」后再编印。`);
  const units = new Map((await db.unit.findMany({ where: { tenantId: tenant.id, id: { in: cases.map((c) => c.unitId) } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const links = await loadCaseLinks(db, tenant.id, cases);
  const doc = await generateDocument(db, 'cases', { tenantId: tenant.id, issuer: tenant.name, at: app.clock.now(), calendar: ctx.calendar, period: quarter.key });
  await enqueueFile(db, { tenantId: tenant.id, dedupeKey: `file:${sourceRef}`, kind: 'reply', receiveId: ctx.msg.messageId, fileName: doc.fileName, bytes: doc.buffer });
  const list = cases.slice(0, 30).reduce<Md>((acc, c, i) => {
    const tasks = links.get(c.id)?.tasks.map((t) => t.code).join('、');
    return md`${acc}\n${i + 1}. **${c.title}**（${units.get(c.unitId) ?? '—'}，评级 ${c.rating ?? '—'}${tasks ? `，关联 ${tasks}` : ''}）`;
  }, md``);
  return {
    ok: true,
    reply: card(noticeCard(`典型案例汇编 · ${quarter.label}`, md`入选案例 ${cases.length} 个：${list}${cases.length > 30 ? md`\n等 ${cases.length} 个` : md``}\n\n<font color='grey'>Word 文件「${doc.fileName}」随后发出。</font>`, 'blue')),
    summary: md`案例汇编 ${quarter.label}：${cases.length} 个案例`,
  };
};
