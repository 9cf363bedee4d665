// The 销号审核 card's buttons (office only): 同意销号 closes the task out, 退回 (with a reason)
// sends it back to 推进中. The lead unit's liaison and head are told either way.
import { shanghaiDate } from '../../core/dates.js';
import { onTimeJudge } from '../../core/stats.js';
import { transitionTask, type TaskRecord } from '../../ledger/actions.js';
import { unitPeople } from '../../ledger/recipients.js';
import { md } from '../../cards/markup.js';
import { doneLine, noticeCard, reviewCard } from '../cards.js';
import { refused, warn, type ActionContext, type ActionSpec } from '../context.js';
import type { CardActionResponse } from '../types.js';
import { card, sendTo } from '../say.js';
import { reasonSchema } from './forms.js';
import { evidenceOf, reviewSetting } from '../../ledger/evidence.js';

async function review(ctx: ActionContext, task: TaskRecord, verdict: 'approve' | 'reject'): Promise<CardActionResponse> {
  const { db, app, tenant, actor, action } = ctx;
  let reason: string | undefined;
  if (verdict === 'reject') {
    const r = reasonSchema.safeParse(action.formValue ?? {});
    if (!r.success) return warn(r.error.issues[0]!.message);
    reason = r.data.reason;
  }
  const completion = await db.progressReport.findFirst({ where: { taskId: task.id, kind: '完成', withdrawnAt: null }, orderBy: { id: 'desc' }, include: { reporter: true } });
  const evidence = completion ? await evidenceOf(db, completion.id) : [];
  const { requireEvidence } = await reviewSetting(db, tenant.id);
  const info = {
    text: completion?.text ?? '—', reporter: completion?.reporter?.name ?? '—',
    completedOn: completion ? shanghaiDate(completion.reportedAt) : '—',
    onTime: onTimeJudge(ctx.calendar)({ deadline: task.deadline, completedOn: completion ? shanghaiDate(completion.reportedAt) : null, closedOn: null }),
    evidence, requireEvidence: requireEvidence ?? false,
  };
  // The office's own rule: no 销号 without 佐证材料 (setting "review").
  if (verdict === 'approve' && requireEvidence && evidence.length === 0 && task.status === '待销号') {
    return refused({ reason: '按本县设置，须附佐证材料后才能销号：请牵头单位回复完成回执附上文件或图片，或退回补充' });
  }
  const verb = verdict === 'approve' ? '同意销号' : '退回';
  const out = await transitionTask(db, app.clock, actor, task, verb, reason ? { reason } : {}, async (tx, r) => {
    const to = await unitPeople(tx, tenant.id, task.leadUnitId, ['LIAISON', 'UNIT_HEAD']);
    await sendTo(tx, tenant.id, to, `${verdict}:${task.id}:${r.at.getTime()}`, card(noticeCard(
      verdict === 'approve' ? `已销号：${task.code}` : `销号被退回：${task.code}`,
      md`**${task.title}**\n${verdict === 'approve' ? '改革办已审核同意销号。' : md`改革办退回了完成申请，请补充后重新报送。\n理由：${reason ?? ''}`}`,
      verdict === 'approve' ? 'green' : 'orange')));
  });
  if (!out.ok) {
    if (out.already) {
      const colour = task.status === '已销号' ? 'green' : task.status === '推进中' || task.status === '已调整' ? 'orange' : 'grey';
      return { toast: { type: 'info', content: `该事项当前为「${task.status}」，无需重复审核` }, card: { type: 'raw', data: reviewCard(task, info, { text: md`已处理 · 当前状态：${task.status}`, colour }) } };
    }
    return refused(out);
  }
  return { toast: { type: 'success', content: verb === '同意销号' ? '已销号' : '已退回' }, card: { type: 'raw', data: reviewCard(out.task, info, { text: doneLine(verb === '同意销号' ? '已同意销号' : '已退回', actor.name, out.at, reason), colour: verdict === 'approve' ? 'green' : 'orange' }) } };
}

export const approveAction: ActionSpec = { needsTask: true, handle: (ctx, task) => review(ctx, task, 'approve') };
export const rejectAction: ActionSpec = { needsTask: true, handle: (ctx, task) => review(ctx, task, 'reject') };
