// The 任务交办单's buttons: 签收 (sign for), 提出异议 (dispute, with a reason) — and the office's
// answer to a dispute (resolve). The card updates in place so nobody clicks twice.
import type { CardActionResponse } from '../types.js';
import type { Db } from '../../db/client.js';
import { transitionTask, type TaskRecord } from '../../ledger/actions.js';
import { officeRecipients, unitPeople } from '../../ledger/recipients.js';
import { button } from '../../cards/render.js';
import { md } from '../../cards/markup.js';
import { dispatchCard, doneLine, noticeCard } from '../cards.js';
import { refused, warn, type ActionSpec } from '../context.js';
import { card, sendTo } from '../say.js';
import { reasonSchema } from './forms.js';
import { dispatchBatchCard, loadBatch } from '../dispatch-batch.js';

export async function openMilestones(db: Db, taskId: number) {
  return db.milestone.findMany({ where: { taskId, doneDate: null }, orderBy: { dueDate: 'asc' }, select: { title: true, dueDate: true } });
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
    const out = await transitionTask(db, app.clock, actor, task, '提出异议', { reason: reason.data.reason }, async (tx, r) => {
      await sendTo(tx, tenant.id, await officeRecipients(tx, tenant.id), `dispute:${task.id}:${r.at.getTime()}`, card(noticeCard(`交办异议：${task.code}`,
        md`**${task.title}**\n${task.leadUnitName} · ${actor.name} 提出异议\n理由：${reason.data.reason}`, 'orange', [
          button('维持交办（重新交办）', { a: 'resolve', t: task.id, to: '待签收' }, 'primary'),
          button('按推进中处理', { a: 'resolve', t: task.id, to: '推进中' }),
        ])));
    });
    if (!out.ok) return out.already ? await alreadyDispatch(db, tenant.id, task, '该事项已提出异议，等待改革办处理') : refused(out);
    return { toast: { type: 'success', content: '异议已提交改革办' }, card: { type: 'raw', data: dispatchCard(out.task, await openMilestones(db, task.id), { text: doneLine('已提出异议', actor.name, out.at, reason.data.reason), colour: 'orange' }) } };
  },
};

export const resolveAction: ActionSpec = {
  needsTask: true,
  async handle({ db, app, tenant, actor, value }, task) {
    const out = await transitionTask(db, app.clock, actor, task, '解决异议', { ...(value.to ? { target: value.to } : {}) }, async (tx, r) => {
      const to = (await Promise.all([task.leadUnitId, ...(task.jointLeadUnitIds ?? [])].map((u) => unitPeople(tx, tenant.id, u, ['LIAISON'])))).flat();
      if (r.to === '待签收') {
        await sendTo(tx, tenant.id, to, `dispatch:${task.id}:${r.at.getTime()}`, card(dispatchCard(r.task, await openMilestones(db, task.id))));
      } else {
        await sendTo(tx, tenant.id, to, `resolved:${task.id}:${r.at.getTime()}`, card(noticeCard(`异议已处理：${task.code}`, md`**${task.title}**\n改革办已按「${r.to}」处理，请按计划推进并按时报送进展。`, 'blue')));
      }
    });
    if (!out.ok) return refused(out);
    return { toast: { type: 'success', content: `已处理：${out.to}` }, card: { type: 'raw', data: noticeCard(`交办异议：${task.code}`, md`**${task.title}**\n${doneLine(`已处理为「${out.to}」`, actor.name, out.at)}`, 'green') } };
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
