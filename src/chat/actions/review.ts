// The 销号审核 card's buttons (office only): 同意销号 closes the task out, 退回 (with a reason)
// sends it back to 推进中. The lead unit's liaison and head are told either way. The text commands
// 销号 / 退回 (commands/tasks.ts) run the same reviewTask.
import { shanghaiDate } from '../../core/dates.js';
import { onTimeJudge } from '../../core/stats.js';
import { transitionTask, type TaskRecord } from '../../ledger/actions.js';
import { unitPeople } from '../../ledger/recipients.js';
import { md } from '../../cards/markup.js';
import { doneLine, noticeCard, reviewCard, type CompletionInfo } from '../cards.js';
import { refused, warn, type ActionContext, type ActionSpec, type ChatContext } from '../context.js';
import type { CardActionResponse } from '../types.js';
import { card, sendTo } from '../say.js';
import { reasonSchema } from './forms.js';

/** What the 销号审核 card shows of the latest completion report. */
export async function completionInfo(ctx: Pick<ChatContext, 'db' | 'calendar'>, task: TaskRecord): Promise<CompletionInfo> {
  const completion = await ctx.db.progressReport.findFirst({ where: { taskId: task.id, kind: '完成', withdrawnAt: null }, orderBy: { id: 'desc' }, include: { reporter: true } });
  const completedOn = completion ? shanghaiDate(completion.reportedAt) : task.status === '待销号' ? ((await ctx.db.task.findUnique({ where: { id: task.id }, select: { completedOn: true } }))?.completedOn ?? '—') : '—';
  return {
    text: completion?.text ?? '（由台账导入，未在机器人中报送完成情况）', reporter: completion?.reporter?.name ?? '—', completedOn,
    onTime: onTimeJudge(ctx.calendar)({ deadline: task.deadline, completedOn: completedOn === '—' ? null : completedOn, closedOn: null }),
  };
}

/** 同意销号 / 退回, whichever way the office asked. */
export async function reviewTask(ctx: ChatContext, task: TaskRecord, verdict: 'approve' | 'reject', reason?: string) {
  const { db, app, tenant, actor } = ctx;
  const verb = verdict === 'approve' ? '同意销号' : '退回';
  return transitionTask(db, app.clock, actor, task, verb, reason ? { reason } : {}, async (tx, r) => {
    const to = await unitPeople(tx, tenant.id, task.leadUnitId, ['LIAISON', 'UNIT_HEAD']);
    await sendTo(tx, tenant.id, to, `${verdict}:${task.id}:${r.at.getTime()}`, card(noticeCard(
      verdict === 'approve' ? `已销号：${task.code}` : `销号被退回：${task.code}`,
      md`**${task.title}**\n${verdict === 'approve' ? '改革办已审核同意销号。' : md`改革办退回了完成申请，请补充后重新报送。\n理由：${reason ?? ''}`}`,
      verdict === 'approve' ? 'green' : 'orange')));
  });
}

async function review(ctx: ActionContext, task: TaskRecord, verdict: 'approve' | 'reject'): Promise<CardActionResponse> {
  let reason: string | undefined;
  if (verdict === 'reject') {
    const r = reasonSchema.safeParse(ctx.action.formValue ?? {});
    if (!r.success) return warn(r.error.issues[0]!.message);
    reason = r.data.reason;
  }
  const info = await completionInfo(ctx, task);
  const out = await reviewTask(ctx, task, verdict, reason);
  if (!out.ok) {
    if (out.already) {
      const colour = task.status === '已销号' ? 'green' : task.status === '推进中' || task.status === '已调整' ? 'orange' : 'grey';
      return { toast: { type: 'info', content: `该事项当前为「${task.status}」，无需重复审核` }, card: { type: 'raw', data: reviewCard(task, info, { text: md`已处理 · 当前状态：${task.status}`, colour }) } };
    }
    return refused(out);
  }
  return { toast: { type: 'success', content: verdict === 'approve' ? '已销号' : '已退回' }, card: { type: 'raw', data: reviewCard(out.task, info, { text: doneLine(verdict === 'approve' ? '已同意销号' : '已退回', ctx.actor.name, out.at, reason), colour: verdict === 'approve' ? 'green' : 'orange' }) } };
}

export const approveAction: ActionSpec = { needsTask: true, handle: (ctx, task) => review(ctx, task, 'approve') };
export const rejectAction: ActionSpec = { needsTask: true, handle: (ctx, task) => review(ctx, task, 'reject') };
