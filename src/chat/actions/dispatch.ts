// The 任务交办单's buttons: 签收 (sign for), 提出异议 (dispute, with a reason) — and the office's
// answer to a dispute (resolve: keep the assignment, proceed, or give it to another lead unit; the
// answer always reaches the unit). The card updates in place so nobody clicks twice. The text
// commands 签收 / 异议 / 异议处理 (commands/tasks.ts) run the same effects.
import type { CardActionResponse } from '../types.js';
import type { Db, Tx } from '../../db/client.js';
import type { Clock } from '../../clock.js';
import { recordAudit } from '../../db/repos/audit.js';
import { shanghaiDate } from '../../core/dates.js';
import { loadTask, transitionTask, type LedgerActor, type TaskRecord, type TransitionResult } from '../../ledger/actions.js';
import { recordCardIssue } from '../../ledger/office.js';
import { officeRecipients, unitPeople, type Recipient } from '../../ledger/recipients.js';
import { md } from '../../cards/markup.js';
import { dispatchCard, doneLine, noticeCard } from '../cards.js';
import { disputeCard } from '../office-cards.js';
import { refused, warn, type ActionSpec } from '../context.js';
import { card, sendTo } from '../say.js';
import { reasonSchema } from './forms.js';
import { dispatchBatchCard, loadBatch } from '../dispatch-batch.js';

export async function openMilestones(db: Db | Tx, taskId: number) {
  return db.milestone.findMany({ where: { taskId, doneDate: null }, orderBy: { dueDate: 'asc' }, select: { title: true, dueDate: true } });
}

/** Who gets a 任务交办单: the lead unit's liaisons and its group. */
export async function dispatchRecipients(db: Db | Tx, tenantId: number, unitId: number): Promise<Recipient[]> {
  const liaisons = await unitPeople(db, tenantId, unitId, ['LIAISON']);
  const unit = await db.unit.findUnique({ where: { id: unitId } });
  return [...liaisons, ...(unit?.chatId ? [{ receiveIdType: 'chat_id' as const, receiveId: unit.chatId, label: `${unit.name}工作群` }] : [])];
}

/** A fresh 任务交办单 to the lead unit (key `dispatch:<task>:<key>`), noted for the 14-day re-issue. */
export async function sendDispatchCard(tx: Db | Tx, task: TaskRecord, key: string, at: Date): Promise<number> {
  const n = await sendTo(tx, task.tenantId, await dispatchRecipients(tx, task.tenantId, task.leadUnitId), `dispatch:${task.id}:${key}`, card(dispatchCard(task, await openMilestones(tx, task.id))));
  await recordCardIssue(tx, task.tenantId, 'dispatch', task.id, shanghaiDate(at));
  return n;
}

/** The office hears of a dispute (with the answer form); noted for the re-issue. */
export async function disputeEffects(tx: Tx, task: TaskRecord, actor: LedgerActor, reason: string, r: TransitionResult): Promise<void> {
  await sendTo(tx, task.tenantId, await officeRecipients(tx, task.tenantId), `dispute:${task.id}:${r.at.getTime()}`, card(disputeCard(task, actor.name, reason)));
  await recordCardIssue(tx, task.tenantId, 'dispute', task.id, shanghaiDate(r.at));
}

/** A second click: the dispatch card as it stands, with who last changed the task. */
async function alreadyDispatch(db: Db, tenantId: number, task: TaskRecord, toast: string): Promise<CardActionResponse> {
  const last = await db.auditLog.findFirst({ where: { tenantId, entity: 'task', entityId: String(task.id), action: 'update' }, orderBy: { id: 'desc' } });
  const who = last?.actor.startsWith('person:') ? (await db.person.findUnique({ where: { id: Number(last.actor.slice(7)) } }))?.name ?? '—' : '—';
  const line = last ? doneLine(`当前状态：${task.status}`, who, last.at) : md`当前状态：${task.status}`;
  const colour = task.status === '有异议' ? 'orange' : task.status === '待签收' ? 'blue' : 'green';
  return { toast: { type: 'info', content: toast }, card: { type: 'raw', data: dispatchCard(task, await openMilestones(db, task.id), { text: line, colour }) } };
}

export const signAction: ActionSpec = {
  needsTask: true,
  async handle({ db, app, tenant, actor }, task) {
    const out = await transitionTask(db, app.clock, actor, task, '签收');
    if (!out.ok) return out.already ? await alreadyDispatch(db, tenant.id, task, '该事项已签收，无需重复操作') : refused(out);
    return { toast: { type: 'success', content: '已签收' }, card: { type: 'raw', data: dispatchCard(out.task, await openMilestones(db, task.id), { text: doneLine('已签收', actor.name, out.at), colour: 'green' }) } };
  },
};

export const disputeAction: ActionSpec = {
  needsTask: true,
  async handle({ db, app, tenant, actor, action }, task) {
    const reason = reasonSchema.safeParse(action.formValue ?? {});
    if (!reason.success) return warn(reason.error.issues[0]!.message);
    const out = await transitionTask(db, app.clock, actor, task, '提出异议', { reason: reason.data.reason }, (tx, r) => disputeEffects(tx, task, actor, reason.data.reason, r));
    if (!out.ok) return out.already ? await alreadyDispatch(db, tenant.id, task, '该事项已提出异议，等待改革办处理') : refused(out);
    return { toast: { type: 'success', content: '异议已提交改革办' }, card: { type: 'raw', data: dispatchCard(out.task, await openMilestones(db, task.id), { text: doneLine('已提出异议', actor.name, out.at, reason.data.reason), colour: 'orange' }) } };
  },
};

const DEFAULT_ANSWER = { 待签收: '经研究，维持原交办，请签收后抓好落实。', 推进中: '经研究，请按计划推进并按时报送进展。' } as const;

export type Resolution = { to: '待签收' | '推进中'; answer: string; newUnitName?: string | null };

/**
 * 解决异议: keep (re-dispatch), proceed, or — with a new unit — give the task to that unit (its
 * 任务交办单 goes out; the former unit is told). The answer always reaches the unit(s).
 */
export async function resolveDispute(db: Db, clock: Clock, actor: LedgerActor, task: TaskRecord, res: Resolution) {
  let newUnit: { id: number; name: string } | null = null;
  if (res.newUnitName?.trim()) {
    const name = res.newUnitName.trim();
    const units = await db.unit.findMany({ where: { tenantId: task.tenantId, active: true }, select: { id: true, name: true } });
    newUnit = units.find((u) => u.name === name) ?? units.find((u) => u.name.includes(name)) ?? null;
    if (!newUnit) return { ok: false as const, reason: `没有找到名称含「${name}」的单位。` };
    if (newUnit.id === task.leadUnitId) newUnit = null;
  }
  const to = newUnit ? '待签收' : res.to;
  const answer = res.answer.trim() || (newUnit ? `经研究，改由${newUnit.name}牵头。` : DEFAULT_ANSWER[to]);
  return transitionTask(db, clock, actor, task, '解决异议', { target: to, reason: answer }, async (tx, r) => {
    const formerLiaisons = await unitPeople(tx, task.tenantId, task.leadUnitId, ['LIAISON']);
    if (newUnit) {
      await tx.task.update({ where: { id: task.id }, data: { leadUnitId: newUnit.id } });
      await recordAudit(tx, [{ tenantId: task.tenantId, actor: `person:${actor.personId}`, entity: 'task', entityId: task.id, action: 'update', at: r.at, before: { leadUnit: task.leadUnitName }, after: { leadUnit: newUnit.name, reason: answer } }]);
      const moved = (await loadTask(tx, task.tenantId, task.id))!;
      await sendTo(tx, task.tenantId, formerLiaisons, `resolved:${task.id}:${r.at.getTime()}`, card(noticeCard(`异议已处理：${task.code}`,
        md`**${task.title}**\n改革办答复：${answer}\n该事项改由 **${newUnit.name}** 牵头（原牵头单位：${task.leadUnitName}）。`, 'blue')));
      await sendTo(tx, task.tenantId, await unitPeople(tx, task.tenantId, newUnit.id, ['LIAISON']), `reassigned:${task.id}:${r.at.getTime()}`, card(noticeCard(`新交办：${task.code}`,
        md`**${task.title}**\n改革办将该事项改由贵单位牵头（原牵头单位：${task.leadUnitName}）。\n改革办说明：${answer}\n请在随后的任务交办单上签收。`, 'blue')));
      await sendDispatchCard(tx, moved, `${r.at.getTime()}`, r.at);
    } else if (to === '待签收') {
      await sendTo(tx, task.tenantId, formerLiaisons, `resolved:${task.id}:${r.at.getTime()}`, card(noticeCard(`异议已处理：${task.code}`, md`**${task.title}**\n改革办答复：${answer}\n请在重新发送的任务交办单上签收。`, 'blue')));
      await sendDispatchCard(tx, r.task, `${r.at.getTime()}`, r.at);
    } else {
      await sendTo(tx, task.tenantId, formerLiaisons, `resolved:${task.id}:${r.at.getTime()}`, card(noticeCard(`异议已处理：${task.code}`, md`**${task.title}**\n改革办答复：${answer}\n改革办已按「推进中」处理，请按计划推进并按时报送进展。`, 'blue')));
    }
  }).then((out) => (out.ok ? { ...out, answer, newUnit } : out));
}

export const resolveAction: ActionSpec = {
  needsTask: true,
  async handle({ db, app, actor, value, action }, task) {
    const form = action.formValue ?? {};
    const answer = typeof form['answer'] === 'string' ? form['answer'].slice(0, 500) : '';
    const unit = typeof form['unit'] === 'string' ? form['unit'].slice(0, 50) : '';
    const to = value.to === '待签收' || value.to === '推进中' ? value.to : null;
    if (!to) return refused({ reason: '解决异议时请选择处理结果：重新交办（待签收）或直接推进（推进中）。' });
    const out = await resolveDispute(db, app.clock, actor, task, { to, answer, newUnitName: unit });
    if (!out.ok) return refused(out);
    const what = out.newUnit ? `已改由${out.newUnit.name}牵头` : `已处理为「${out.to}」`;
    return { toast: { type: 'success', content: out.newUnit ? what : `已处理：${out.to}` }, card: { type: 'raw', data: noticeCard(`交办异议：${task.code}`, md`**${task.title}**\n${doneLine(what, actor.name, out.at)}\n答复：${out.answer}`, 'green') } };
  },
};

/** 签收 on a batch 任务交办单: signs one task, then the whole card is shown as it now stands. */
export const signBatchAction: ActionSpec = {
  needsTask: true,
  async handle({ db, app, tenant, actor, value }, task) {
    const out = await transitionTask(db, app.clock, actor, task, '签收');
    if (!out.ok && !out.already) return refused(out);
    const tasks = await loadBatch(db, tenant.id, value.ts ?? [task.id]);
    return {
      toast: out.ok ? { type: 'success', content: `已签收 ${task.code}` } : { type: 'info', content: '该事项已签收，无需重复操作' },
      card: { type: 'raw', data: dispatchBatchCard(tasks, task.leadUnitName) },
    };
  },
};

/** 「全部签收」: every task of the card still waiting, each checked (permission, state) and audited as a single 签收. */
export const signAllAction: ActionSpec = {
  needsTask: false,
  async handle({ db, app, tenant, actor, value }) {
    const tasks = await loadBatch(db, tenant.id, value.ts ?? []);
    if (tasks.length === 0) return refused({ reason: '该交办单中的事项不存在或已删除' });
    let signed = 0;
    const problems: string[] = [];
    for (const t of tasks) {
      if (t.status !== '待签收') continue;
      const out = await transitionTask(db, app.clock, actor, t, '签收');
      if (out.ok) signed++;
      else if (!out.already) problems.push(`${t.code}：${out.reason}`);
    }
    const now = await loadBatch(db, tenant.id, value.ts ?? []);
    const toast = problems.length
      ? { type: signed ? ('warning' as const) : ('error' as const), content: `${signed ? `已签收 ${signed} 项；` : ''}${problems.slice(0, 3).join('；')}` }
      : signed ? { type: 'success' as const, content: `已全部签收（${signed} 项）` } : { type: 'info' as const, content: '这些事项都已签收，无需重复操作' };
    return { toast, card: { type: 'raw', data: dispatchBatchCard(now, tasks[0]!.leadUnitName) } };
  },
};
