// The office's and leaders' text commands on a task:
//   延期 <编号> <新时限> <理由>   the lead unit asks for a new 完成时限; the office gets a 延期审批 card
//   暂缓 <编号> <理由> / 恢复 <编号>   the office pauses or resumes; the unit and leaders are told
//   批示 <编号> <内容>            a county leader on an item they lead; to the unit and the office
import { md, txt, type Md } from '../../cards/markup.js';
import { dateProblem } from '../../core/calendar-entry.js';
import { checkPermission } from '../../core/permissions.js';
import { transitionTask, type TaskRecord } from '../../ledger/actions.js';
import { instructTask, pendingExtension } from '../../ledger/office.js';
import { officeRecipients, personRecipients, unitPeople, type Recipient } from '../../ledger/recipients.js';
import type { Tx } from '../../db/client.js';
import { askExtension, decide, readDate } from '../actions/extension.js';
import { noticeCard } from '../cards.js';
import type { CommandHandler, MessageContext } from '../context.js';
import { taskFormCard } from '../office-cards.js';
import { card, sendTo } from '../say.js';
import { refusedCommand } from './report.js';
import { done, withTask } from './tasks.js';

export const extendCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => withTask(ctx, '延期', c.codeText, async (task) => {
  const m = /^(\S+)\s*(.*)$/s.exec(c.text.trim());
  const date = m ? readDate(m[1]!) : null;
  // Something date-shaped that is no date (2027-02-30): say so, as 日历 does.
  if (!date && m && /^[0-9０-９]/.test(m[1]!)) return refusedCommand('延期', task.code, dateProblem(m[1]!));
  if (!date) return refusedCommand('延期', task.code, `请先写新的完成时限，再写理由。示例：延期 ${task.code} 2027-03-31 用地报批未完成`);
  const reason = m![2]!.trim();
  if (reason.length < 2) return refusedCommand('延期', task.code, `请写明延期理由。示例：延期 ${task.code} ${date} 用地报批未完成`);
  const out = await askExtension(ctx, task, date, reason, ctx.sourceRef);
  if (!out.ok) return refusedCommand('延期', task.code, out.reason);
  return done('延期', task.code, out.duplicate ? `这份延期申请此前已提交（延至 ${out.request.toDeadline}）。` : `已向改革办申请将 ${task.code} 的完成时限由 ${task.deadline ?? '—'} 延至 ${date}，审批结果会通知您。`);
});

/** 同意延期 <编号> / 驳回延期 <编号> <理由>: the office decides the request waiting on the task. */
async function decideCommand(ctx: MessageContext, codeText: string, verdict: '已同意' | '已驳回', reason: string | null) {
  const label = verdict === '已同意' ? '同意延期' : '驳回延期';
  return withTask(ctx, label, codeText, async (task) => {
    const allowed = checkPermission(ctx.actor, task, 'decideExtension');
    if (!allowed.ok) return refusedCommand(label, task.code, allowed.reason);
    const req = await pendingExtension(ctx.db, ctx.tenant.id, task.id);
    if (!req) return refusedCommand(label, task.code, `${task.code} 没有等待审批的延期申请。`);
    const out = await decide(ctx, req, verdict, reason);
    if (!out.ok) return refusedCommand(label, task.code, out.reason);
    return done(label, task.code, verdict === '已同意' ? `已同意 ${task.code} 延期，完成时限由 ${req.fromDeadline ?? '—'} 改为 ${req.toDeadline}；已告知${task.leadUnitName}和领衔领导。` : `已驳回 ${task.code} 的延期申请，已告知${task.leadUnitName}。理由：${reason ?? ''}`);
  });
}
export const approveExtensionCommand = (ctx: MessageContext, c: { codeText: string }) => decideCommand(ctx, c.codeText, '已同意', null);
export const rejectExtensionCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => decideCommand(ctx, c.codeText, '已驳回', c.text);

/** The lead unit's liaisons and head, its co-units' liaisons and the lead leaders: who hears of a change. */
export async function concerned(tx: Tx, task: TaskRecord): Promise<Recipient[]> {
  const all = [
    ...(await unitPeople(tx, task.tenantId, task.leadUnitId, ['LIAISON', 'UNIT_HEAD'])),
    ...(await Promise.all(task.coUnitIds.map((u) => unitPeople(tx, task.tenantId, u, ['LIAISON'])))).flat(),
    ...(await personRecipients(tx, task.tenantId, [...task.leadLeaderIds])),
  ];
  return all.filter((r, i) => all.findIndex((o) => o.receiveId === r.receiveId) === i);
}

async function statusChange(ctx: MessageContext, task: TaskRecord, action: '暂缓' | '恢复' | '撤销', reason: string | null) {
  const label = action;
  const out = await transitionTask(ctx.db, ctx.app.clock, ctx.actor, task, action, reason ? { reason } : {}, async (tx, r) => {
    const body: Md = md`**${task.title}**\n改革办将该事项由「${r.from}」调整为「${r.to}」。${reason ? md`\n理由：${reason}` : ''}${action === '暂缓' ? '\n暂缓期间不发临期提醒和逾期预警。' : action === '撤销' ? '\n该事项不再推进，不计入台账统计。' : '\n请按完成时限推进，按时报送进展。'}`;
    await sendTo(tx, task.tenantId, await concerned(tx, task), `${{ 暂缓: 'paused', 恢复: 'resumed', 撤销: 'cancelled' }[action]}:${task.id}:${r.at.getTime()}`, card(noticeCard(`事项${action === '撤销' ? '已撤销' : action}：${task.code}`, body, action === '恢复' ? 'blue' : 'grey')));
  });
  if (!out.ok) return refusedCommand(label, task.code, out.reason);
  return done(label, task.code, `${task.code} 已由「${out.from}」调整为「${out.to}」，已告知牵头单位、配合单位和领衔领导。`);
}

export const pauseCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => withTask(ctx, '暂缓', c.codeText, (task) => statusChange(ctx, task, '暂缓', c.text));
export const cancelCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => withTask(ctx, '撤销', c.codeText, (task) => statusChange(ctx, task, '撤销', c.text));
export const resumeCommand = (ctx: MessageContext, c: { codeText: string }) => withTask(ctx, '恢复', c.codeText, (task) => statusChange(ctx, task, '恢复', null));

export const instructCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => withTask(ctx, '批示', c.codeText, async (task) => {
  const out = await instructTask(ctx.db, ctx.app.clock, ctx.actor, task, c.text, ctx.sourceRef, async (tx, r) => {
    const body = md`**${task.title}**\n${ctx.actor.name}批示：${c.text}`;
    await sendTo(tx, task.tenantId, await unitPeople(tx, task.tenantId, task.leadUnitId, ['LIAISON', 'UNIT_HEAD']), `instruction:${r.id}`, card(noticeCard(`领导批示：${task.code}`, md`${body}\n请认真落实，并在进展中报送落实情况。`, 'red')));
    await sendTo(tx, task.tenantId, await officeRecipients(tx, task.tenantId), `instruction-office:${r.id}`, card(noticeCard(`领导批示：${task.code}`, md`${body}\n牵头单位：${task.leadUnitName}`, 'blue')));
  });
  if (!out.ok) return refusedCommand('批示', task.code, out.reason);
  return { ok: true, reply: { msgType: 'text', content: { text: txt`${out.duplicate ? '这条批示此前已记录。' : `批示已记录，已送${task.leadUnitName}和改革办。`}`.source } }, summary: md`✓ 批示 ${task.code}` };
});

/** 调整 <编号> (office): the form with the task's fields; 新增事项 (office): the empty form. */
export const adjustCommand = (ctx: MessageContext, c: { codeText: string }) => withTask(ctx, '调整', c.codeText, async (task) => {
  const allowed = checkPermission(ctx.actor, task, 'edit');
  if (!allowed.ok) return refusedCommand('调整', task.code, allowed.reason);
  if (task.status === '已销号') return refusedCommand('调整', task.code, '该事项当前状态为"已销号"，不能调整。');
  const milestones = (await ctx.db.milestone.findMany({ where: { taskId: task.id, doneDate: null }, orderBy: { dueDate: 'asc' } })).map((m) => `${m.title} ${m.dueDate}`).join('\n');
  return { ok: true, reply: card(taskFormCard({ ...task, milestones })), summary: md`调整 ${task.code}：见表单` };
});

export const newTaskCommand: CommandHandler<'newTask'> = async (ctx) => {
  if (!ctx.actor.roles.includes('ADMIN')) return { ok: false, reply: { msgType: 'text', content: { text: txt`只有改革办可以新增事项。`.source } }, summary: md`✗ 新增事项：只有改革办可以新增` };
  return { ok: true, reply: card(taskFormCard(null)), summary: md`新增事项：见表单` };
};
