// The card actions as text commands, so nothing depends on a card younger than Feishu's 14 days:
//   签收 <编号> / 异议 <编号> <理由>        the lead unit, on a 待签收 task
//   异议处理 <编号> 维持|推进|改由 <单位> <答复>   the office answers a dispute
//   销号 <编号> / 退回 <编号> <理由>        the office, on a 待销号 task
//   交办单 <编号>                          a fresh 任务交办单 (lead unit or office)
//   撤回 <编号>                            the lead unit withdraws its completion awaiting review
// Each runs the same ledger action and effects as its button; a repeat is refused by the state.
import { md, txt } from '../../cards/markup.js';
import { findTaskByCode, transitionTask, type TaskRecord } from '../../ledger/actions.js';
import { checkPermission } from '../../core/permissions.js';
import { officeRecipients } from '../../ledger/recipients.js';
import { disputeEffects, resolveDispute, sendDispatchCard } from '../actions/dispatch.js';
import { completionInfo, reviewTask } from '../actions/review.js';
import { cancelOrLocate } from '../../outbox/index.js';
import { withdrawCompletion } from '../../ledger/office.js';
import { doneLine, noticeCard, reviewCard } from '../cards.js';
import type { CommandResult, MessageContext } from '../context.js';
import { card, patchCard, sendTo, text } from '../say.js';
import { refusedCommand } from './report.js';

export function done(label: string, code: string, said: string): CommandResult {
  return { ok: true, reply: text(txt`${said}`), summary: md`✓ ${label} ${code}：${said}` };
}

/** Finds the task or answers why not. */
export async function withTask(ctx: MessageContext, label: string, codeText: string, run: (task: TaskRecord) => Promise<CommandResult>): Promise<CommandResult> {
  const found = await findTaskByCode(ctx.db, ctx.tenant.id, codeText);
  if (!found.ok) return refusedCommand(label, codeText, found.reason);
  return run(found.task);
}

export const signCommand = (ctx: MessageContext, c: { codeText: string }) => withTask(ctx, '签收', c.codeText, async (task) => {
  const out = await transitionTask(ctx.db, ctx.app.clock, ctx.actor, task, '签收');
  if (!out.ok) return refusedCommand('签收', task.code, out.reason);
  return done('签收', task.code, `已签收 ${task.code}「${task.title}」，请按完成时限（${task.deadline ?? '—'}）推进，按时报送进展。`);
});

export const disputeCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => withTask(ctx, '异议', c.codeText, async (task) => {
  const out = await transitionTask(ctx.db, ctx.app.clock, ctx.actor, task, '提出异议', { reason: c.text }, (tx, r) => disputeEffects(tx, task, ctx.actor, c.text, r));
  if (!out.ok) return refusedCommand('异议', task.code, out.reason);
  return done('异议', task.code, `已对 ${task.code} 提出异议，改革办处理后会通知您。理由：${c.text}`);
});

/** 异议处理 <编号> 维持|推进|改由 <单位> <答复>. */
export const resolveDisputeCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => withTask(ctx, '异议处理', c.codeText, async (task) => {
  const m = /^(维持|重新交办|推进|推进中|改由)\s*(.*)$/s.exec(c.text.trim());
  if (!m) return refusedCommand('异议处理', task.code, `请写明处理方式：维持（重新交办）、推进（按推进中处理）或「改由 单位名称」，再写答复。示例：异议处理 ${task.code} 改由 县大数据中心 该事项由大数据中心牵头更合适`);
  let rest = m[2]!.trim();
  let newUnitName: string | null = null;
  if (m[1] === '改由') {
    const u = /^(\S+)\s*(.*)$/s.exec(rest);
    if (!u) return refusedCommand('异议处理', task.code, '请写明改由哪个单位牵头。');
    newUnitName = u[1]!.replace(/牵头$/, '');
    rest = u[2]!.trim();
  }
  const to = m[1] === '推进' || m[1] === '推进中' ? '推进中' : '待签收';
  const out = await resolveDispute(ctx.db, ctx.app.clock, ctx.actor, task, { to, answer: rest, newUnitName });
  if (!out.ok) return refusedCommand('异议处理', task.code, out.reason);
  return done('异议处理', task.code, out.newUnit ? `已改由${out.newUnit.name}牵头，任务交办单已发出；已告知原牵头单位。答复：${out.answer}` : `已处理为「${out.to}」，已告知${task.leadUnitName}。答复：${out.answer}`);
});

export const closeCommand = (ctx: MessageContext, c: { codeText: string }) => withTask(ctx, '销号', c.codeText, async (task) => {
  const out = await reviewTask(ctx, task, 'approve');
  if (!out.ok) return refusedCommand('销号', task.code, out.reason);
  return done('销号', task.code, `已同意 ${task.code} 销号，已通知${task.leadUnitName}。`);
});

export const sendBackCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => withTask(ctx, '退回', c.codeText, async (task) => {
  const out = await reviewTask(ctx, task, 'reject', c.text);
  if (!out.ok) return refusedCommand('退回', task.code, out.reason);
  return done('退回', task.code, `已退回 ${task.code} 的完成申请，已通知${task.leadUnitName}。理由：${c.text}`);
});

export const redispatchCommand = (ctx: MessageContext, c: { codeText: string }) => withTask(ctx, '交办单', c.codeText, async (task) => {
  const allowed = checkPermission(ctx.actor, task, 'redispatch');
  if (!allowed.ok) return refusedCommand('交办单', task.code, allowed.reason);
  if (task.status !== '待签收') return refusedCommand('交办单', task.code, `该事项当前状态为"${task.status}"，不需要签收，无需重发任务交办单。发送「查看 ${task.code}」可查看详情。`);
  const n = await ctx.db.$transaction((tx) => sendDispatchCard(tx, task, ctx.sourceRef, ctx.app.clock.now()));
  return done('交办单', task.code, n ? `已向${task.leadUnitName}重新发送 ${task.code} 的任务交办单，请在卡片上签收（或发送「签收 ${task.code}」）。` : `${task.leadUnitName}没有登记飞书账号的联络员或工作群，交办单无法送达，请补充人员信息。`);
});

export const withdrawCommand = (ctx: MessageContext, c: { codeText: string }) => withTask(ctx, '撤回', c.codeText, async (task) => {
  const info = await completionInfo(ctx, task);
  const out = await withdrawCompletion(ctx.db, ctx.app.clock, ctx.actor, task, async (tx, r) => {
    await sendTo(tx, task.tenantId, await officeRecipients(tx, task.tenantId), `completion-withdrawn:${task.id}:${r.at.getTime()}`, card(noticeCard(`完成报告已撤回：${task.code}`,
      md`**${task.title}**\n${task.leadUnitName} · ${ctx.actor.name} 撤回了完成报告，事项恢复为「${r.to}」，无需审核销号。`, 'grey')));
    // The office's 销号审核 card turns grey (one not sent yet never goes).
    if (r.reportId !== null) {
      for (const row of await cancelOrLocate(tx, task.tenantId, { prefixes: [`review:${r.reportId}:`] })) {
        if (row.state !== 'sent' || !row.feishuMessageId) continue;
        await patchCard(tx, task.tenantId, row.feishuMessageId, `withdrawn-patch:${row.id}`, reviewCard(task, info, { text: doneLine('牵头单位已撤回完成报告', ctx.actor.name, r.at), colour: 'grey' }));
      }
    }
  });
  if (!out.ok) return refusedCommand('撤回', task.code, out.reason);
  return done('撤回', task.code, `已撤回 ${task.code} 的完成报告，事项恢复为「${out.to}」；已告知改革办。`);
});
