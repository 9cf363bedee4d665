// 储备库 (list), 深改委议题 <编号> <会议> (tag), 议题清单 [会议] (the meeting's list), 风控 <编号>
// (the review form; a task code reviews a task the office flagged 需风控), 立项 <编号> (the form).
import { md, txt } from '../../../cards/markup.js';
import { checkLoopPermission } from '../../../core/loop/permissions.js';
import { canLaunch, canReview } from '../../../core/loop/risk.js';
import { findByNumber } from '../../../loop/common.js';
import { listReserve, loadReserve, reviewsOf, tagTopic, TOPIC_TAG } from '../../../loop/reserve.js';
import { topicsWorkbook } from '../../../loop/excel.js';
import { enqueueFile } from '../../../outbox/index.js';
import { findTaskByCode } from '../../../ledger/actions.js';
import type { CommandHandler, MessageContext } from '../../context.js';
import { card, text } from '../../say.js';
import { refusedCommand } from '../report.js';
import { launchFormCard, reserveListCard, riskFormCard } from './cards.js';
import { activeUnits } from './effects.js';

const isOffice = (ctx: MessageContext) => ctx.actor.roles.includes('ADMIN');

async function findItem(ctx: MessageContext, typed: string) {
  const found = await findByNumber(ctx.db, 'reserve', ctx.tenant.id, typed, Number(ctx.today.slice(0, 4)));
  return found.ok ? { ok: true as const, item: (await loadReserve(ctx.db, ctx.tenant.id, found.id))! } : found;
}

export const reserveCommand: CommandHandler<'reserve'> = async (ctx) => {
  const view = checkLoopPermission(ctx.actor, 'viewAssessment'); // the office and the county leaders
  if (!view.ok) return refusedCommand('储备库', '', '议题储备库只向县委改革办和县级领导提供。');
  const items = await listReserve(ctx.db, ctx.tenant.id);
  return { ok: true, reply: card(reserveListCard(items, isOffice(ctx))), summary: md`✓ 储备库：${items.length} 项` };
};

export const topicCommand: CommandHandler<'topic'> = async (ctx, c) => {
  const found = await findItem(ctx, c.codeText);
  if (!found.ok) return refusedCommand('深改委议题', c.codeText, found.reason);
  const meeting = c.text.trim().slice(0, 40);
  const out = await tagTopic(ctx.db, ctx.app.clock, ctx.actor, found.item, meeting);
  if (!out.ok) return refusedCommand('深改委议题', c.codeText, out.reason);
  const said = out.changed ? `已列为「${meeting}」深改委议题` : `此前已列为「${meeting}」深改委议题`;
  return { ok: true, reply: text(txt`${out.item.number}「${out.item.title}」${said}。发送「议题清单 ${meeting}」查看该次会议的议题清单。`), summary: md`✓ 深改委议题 ${out.item.number}：${said}` };
};

export const topicListCommand: CommandHandler<'topicList'> = async (ctx, c) => {
  const view = checkLoopPermission(ctx.actor, 'viewAssessment');
  if (!view.ok) return refusedCommand('议题清单', '', '议题清单只向县委改革办和县级领导提供。');
  if (c.text === null) {
    const meetings = [...new Set((await ctx.db.reserveItem.findMany({ where: { tenantId: ctx.tenant.id, tags: { contains: TOPIC_TAG } }, select: { meeting: true } })).map((r) => r.meeting).filter(Boolean))];
    const reply = meetings.length ? txt`已列入深改委议题的会议：${meetings.join('、')}。发送「议题清单 <会议>」查看。` : txt`还没有列入深改委议题的储备库议题。用「深改委议题 CB-2026-001 第十次会议」标记。`;
    return { ok: true, reply: text(reply), summary: md`✓ 议题清单：${meetings.length} 次会议` };
  }
  const meeting = c.text.trim();
  const items = await listReserve(ctx.db, ctx.tenant.id, { meeting });
  // The same list as the office prints it (Excel, the writer behind `taizhang loop-export topics`),
  // as a file in this chat: once per message (the outbox's dedupe key).
  if (items.length) {
    await enqueueFile(ctx.db, { tenantId: ctx.tenant.id, dedupeKey: `file:${ctx.sourceRef}`, kind: 'reply', receiveId: ctx.msg.messageId, fileName: `${safeFileName(meeting)}议题清单.xlsx`, bytes: await topicsWorkbook(meeting, items) });
  }
  return { ok: true, reply: card(reserveListCard(items, isOffice(ctx), `深改委议题清单：${meeting}`)), summary: md`✓ 议题清单 ${meeting}：${items.length} 项${items.length ? '，Excel 随后发出' : ''}` };
};

export const riskCommand: CommandHandler<'risk'> = async (ctx, c) => {
  const allowed = checkLoopPermission(ctx.actor, 'review');
  if (!allowed.ok) return refusedCommand('风控', c.codeText, allowed.reason);
  const found = await findItem(ctx, c.codeText);
  if (found.ok) {
    const state = canReview(found.item.status);
    if (!state.ok) return refusedCommand('风控', found.item.number, state.reason);
    return { ok: true, reply: card(riskFormCard({ number: found.item.number, title: found.item.title, id: found.item.id, reviews: found.item.reviews })), summary: md`✓ 风控 ${found.item.number}：已发出审查表` };
  }
  // A ledger task the office flags 需风控: reviewed into its history.
  const task = await findTaskByCode(ctx.db, ctx.tenant.id, c.codeText);
  if (!task.ok) return refusedCommand('风控', c.codeText, `没有找到编号为「${c.codeText}」的储备库议题或台账事项。`);
  const reviews = await reviewsOf(ctx.db, ctx.tenant.id, { taskId: task.task.id });
  return { ok: true, reply: card(riskFormCard({ number: task.task.code, title: task.task.title, taskId: task.task.id, reviews })), summary: md`✓ 风控 ${task.task.code}：已发出审查表` };
};

export const launchCommand: CommandHandler<'launch'> = async (ctx, c) => {
  const allowed = checkLoopPermission(ctx.actor, 'launch');
  if (!allowed.ok) return refusedCommand('立项', c.codeText, allowed.reason);
  const found = await findItem(ctx, c.codeText);
  if (!found.ok) return refusedCommand('立项', c.codeText, found.reason);
  const state = canLaunch(found.item.status);
  if (!state.ok) return refusedCommand('立项', found.item.number, state.reason + (found.item.taskCode ? `（${found.item.taskCode}）` : ''));
  return { ok: true, reply: card(launchFormCard(found.item, await activeUnits(ctx.db, ctx.tenant.id))), summary: md`✓ 立项 ${found.item.number}：已发出立项表` };
};

/** A typed name as a file name: no path separators or characters Windows refuses. */
export function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 60) || '议题清单';
}
