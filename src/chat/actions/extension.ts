// 延期: 申请延期 (on a reminder or my-tasks card) opens a form — new 完成时限 and reason; 提交 sends the
// office a 延期审批 card with 同意 / 驳回 (+ reason). On approval the deadline moves (reminders and
// colours follow it), the lead unit and the lead leaders are told; on rejection the unit hears why.
// The text command 延期 <编号> <新时限> <理由> (commands/office.ts) runs the same askExtension.
import { md } from '../../cards/markup.js';
import { shanghaiDate } from '../../core/dates.js';
import { checkPermission } from '../../core/permissions.js';
import { checkRequest } from '../../core/status.js';
import { parseEntryDate } from '../../core/calendar-entry.js';
import { loadTask, type TaskRecord } from '../../ledger/actions.js';
import { decideExtension, loadExtension, recordCardIssue, requestExtension, type ExtensionRecord } from '../../ledger/office.js';
import { officeRecipients, personRecipients, unitPeople } from '../../ledger/recipients.js';
import { doneLine, noticeCard } from '../cards.js';
import { extensionFormCard, extensionReviewCard } from '../office-cards.js';
import { refused, warn, type ActionSpec, type ChatContext } from '../context.js';
import { card, sendTo } from '../say.js';
import { clickKey, showPrivately } from './progress.js';

/** '2027-03-31', '2027/3/31', '2027年3月31日' → ISO, or null. */
export function readDate(text: string): string | null {
  return parseEntryDate(text.trim());
}

/** 延期申请, whichever way it was asked; the office gets the 延期审批 card in the same transaction. */
export async function askExtension(ctx: ChatContext, task: TaskRecord, toDeadline: string, reason: string, sourceRef: string) {
  return requestExtension(ctx.db, ctx.app.clock, ctx.actor, task, { toDeadline, reason, sourceRef }, async (tx, r) => {
    await sendTo(tx, task.tenantId, await officeRecipients(tx, task.tenantId), `extension:${r.request.id}`, card(extensionReviewCard(task, r.request)));
    await recordCardIssue(tx, task.tenantId, 'extension', r.request.id, shanghaiDate(r.at));
  });
}

/** 同意 / 驳回, whichever way the office decided: the unit (and on approval the lead leaders) are told. */
export async function decide(ctx: ChatContext, req: ExtensionRecord, verdict: '已同意' | '已驳回', reason: string | null) {
  return decideExtension(ctx.db, ctx.app.clock, ctx.actor, req, verdict, reason, async (tx, r) => {
    const unit = await unitPeople(tx, r.task.tenantId, r.task.leadUnitId, ['LIAISON', 'UNIT_HEAD']);
    const requester = await personRecipients(tx, r.task.tenantId, [req.requesterId]);
    const to = [...unit, ...requester.filter((p) => !unit.some((u) => u.receiveId === p.receiveId))];
    if (verdict === '已同意') {
      const body = md`**${r.task.title}**\n改革办已同意延期：完成时限由 ${req.fromDeadline ?? '—'} 调整为 **${req.toDeadline}**。\n理由：${req.reason}\n临期提醒和督办按新的完成时限计算。`;
      await sendTo(tx, r.task.tenantId, to, `extension-approved:${req.id}`, card(noticeCard(`延期已同意：${r.task.code}`, body, 'green')));
      await sendTo(tx, r.task.tenantId, await personRecipients(tx, r.task.tenantId, [...r.task.leadLeaderIds]), `extension-approved-leader:${req.id}`, card(noticeCard(`领衔事项延期：${r.task.code}`, body, 'blue')));
    } else {
      await sendTo(tx, r.task.tenantId, to, `extension-rejected:${req.id}`, card(noticeCard(`延期未同意：${r.task.code}`,
        md`**${r.task.title}**\n改革办未同意延期至 ${req.toDeadline}，完成时限仍为 ${req.fromDeadline ?? '—'}。\n理由：${reason ?? ''}`, 'orange')));
    }
  });
}

export const extensionAction: ActionSpec = {
  needsTask: true,
  async handle(ctx, task) {
    const allowed = checkPermission(ctx.actor, task, 'extend');
    if (!allowed.ok) return refused(allowed);
    const state = checkRequest(task.status, '申请延期');
    if (!state.ok) return refused(state);
    return showPrivately(ctx, extensionFormCard(task), undefined, 'extension-form', '延期申请表');
  },
};

export const submitExtensionAction: ActionSpec = {
  needsTask: true,
  async handle(ctx, task) {
    const form = ctx.action.formValue ?? {};
    const date = typeof form['date'] === 'string' ? readDate(form['date']) : null;
    if (!date) return warn('请填写新的完成时限，如 2027-03-31');
    const reason = typeof form['reason'] === 'string' ? form['reason'].trim().slice(0, 500) : '';
    if (reason.length < 2) return warn('请填写延期理由（至少 2 个字）');
    const out = await askExtension(ctx, task, date, reason, `card:${clickKey(ctx)}`);
    if (!out.ok) return refused(out);
    const done = { text: doneLine(out.duplicate ? '此前已提交' : `已申请延至 ${date}`, ctx.actor.name, out.at, reason), colour: 'green' as const };
    return { toast: { type: out.duplicate ? 'info' : 'success', content: out.duplicate ? '这份延期申请此前已提交' : '延期申请已提交改革办' }, card: { type: 'raw', data: noticeCard(`延期申请已提交：${task.code}`, md`**${task.title}**\n${done.text}\n改革办审批后会通知您。`, 'green') } };
  },
};

async function decideAction(ctx: Parameters<ActionSpec['handle']>[0], verdict: '已同意' | '已驳回') {
  const req = ctx.value.r ? await loadExtension(ctx.db, ctx.tenant.id, ctx.value.r) : null;
  if (!req) return refused({ reason: '该延期申请不存在或已删除' });
  let reason: string | null = null;
  if (verdict === '已驳回') {
    const r = typeof ctx.action.formValue?.['reason'] === 'string' ? (ctx.action.formValue['reason'] as string).trim() : '';
    if (r.length < 2) return warn('请填写驳回理由（至少 2 个字）');
    reason = r.slice(0, 500);
  }
  const task = await loadTask(ctx.db, ctx.tenant.id, req.taskId);
  if (!task) return refused({ reason: '该事项不存在或已删除' });
  const out = await decide(ctx, req, verdict, reason);
  if (!out.ok) {
    if (out.already) return { toast: { type: 'info' as const, content: out.reason }, card: { type: 'raw' as const, data: extensionReviewCard(task, req, { text: md`已处理 · ${req.status}`, colour: req.status === '已同意' ? 'green' : 'orange' }) } };
    return refused(out);
  }
  return {
    toast: { type: 'success' as const, content: verdict === '已同意' ? `已同意，完成时限改为 ${req.toDeadline}` : '已驳回' },
    card: { type: 'raw' as const, data: extensionReviewCard(out.task, out.request, { text: doneLine(verdict === '已同意' ? '已同意延期' : '已驳回', ctx.actor.name, out.at, reason), colour: verdict === '已同意' ? 'green' : 'orange' }) },
  };
}

export const approveExtensionAction: ActionSpec = { needsTask: false, handle: (ctx) => decideAction(ctx, '已同意') };
export const rejectExtensionAction: ActionSpec = { needsTask: false, handle: (ctx) => decideAction(ctx, '已驳回') };
