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
import { evidenceOf, reviewSetting } from '../../ledger/evidence.js';

/** What the 销号审核 card shows of the latest completion report, with its 佐证材料. */
export async function completionInfo(ctx: Pick<ChatContext, 'db' | 'calendar'> & { tenant: { id: number } }, task: TaskRecord): Promise<CompletionInfo> {
  const completion = await ctx.db.progressReport.findFirst({ where: { taskId: task.id, kind: '完成', withdrawnAt: null }, orderBy: { id: 'desc' }, include: { reporter: true } });
  const completedOn = completion ? shanghaiDate(completion.reportedAt) : task.status === '待销号' ? ((await ctx.db.task.findUnique({ where: { id: task.id }, select: { completedOn: true } }))?.completedOn ?? '—') : '—';
  const evidence = completion ? await evidenceOf(ctx.db, completion.id) : [];
  const { requireEvidence } = await reviewSetting(ctx.db, ctx.tenant.id);
  return {
    text: completion?.text ?? '（由台账导入，未在机器人中报送完成情况）', reporter: completion?.reporter?.name ?? '—', completedOn,
    onTime: onTimeJudge(ctx.calendar)({ deadline: task.deadline, completedOn: completedOn === '—' ? null : completedOn, closedOn: null }),
    evidence, requireEvidence: requireEvidence ?? false,
  };
}

/** 同意销号 / 退回, whichever way the office asked (card or text: the same rules). */
export async function reviewTask(ctx: ChatContext, task: TaskRecord, verdict: 'approve' | 'reject', reason?: string) {
  const { db, app, tenant, actor } = ctx;
  // The office's own rule: no 销号 without 佐证材料 (setting "review").
  if (verdict === 'approve' && task.status === '待销号') {
    const info = await completionInfo(ctx, task);
    if (info.requireEvidence && (info.evidence ?? []).length === 0) {
      return { ok: false as const, reason: '按本县设置，须附佐证材料后才能销号：请牵头单位回复完成回执附上文件或图片，或退回补充' };
    }
  }
  const verb = verdict === 'approve' ? '同意销号' : '退回';
  return transitionTask(db, app.clock, actor, task, verb, reason ? { reason } : {}, async (tx, r) => {
    const to = (await Promise.all([task.leadUnitId, ...(task.jointLeadUnitIds ?? [])].map((u) => unitPeople(tx, tenant.id, u, ['LIAISON', 'UNIT_HEAD'])))).flat();
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
