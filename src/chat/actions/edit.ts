// The 调整 and 新增事项 forms (office only). 提交调整 writes what changed (before → after, reason) and
// tells the lead unit, co-units and lead leaders concerned — old and new — what changed; a new lead
// unit of a task still 待签收 gets its 任务交办单. 新增 puts the task in the ledger (待签收) and sends
// the 任务交办单. A second click changes nothing (nothing left to change; the code is taken).
import { joinMd, md } from '../../cards/markup.js';
import type { Tx } from '../../db/client.js';
import { createTask, editTask, type EditInput, type Edited } from '../../ledger/edit.js';
import { loadTask } from '../../ledger/actions.js';
import { personRecipients, unitPeople, type Recipient } from '../../ledger/recipients.js';
import { doneLine, noticeCard } from '../cards.js';
import { taskFormCard } from '../office-cards.js';
import { refused, type ActionSpec, type ChatContext } from '../context.js';
import { card, sendTo } from '../say.js';
import { sendDispatchCard } from './dispatch.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Everyone concerned before or after the change: lead units' liaisons and heads, co-units' liaisons, lead leaders. */
async function concernedEither(tx: Tx, r: Edited): Promise<Recipient[]> {
  const t = [r.before, r.task];
  const all = [
    ...(await Promise.all(t.map((x) => unitPeople(tx, x.tenantId, x.leadUnitId, ['LIAISON', 'UNIT_HEAD'])))).flat(),
    ...(await Promise.all([...new Set(t.flatMap((x) => x.coUnitIds))].map((u) => unitPeople(tx, r.task.tenantId, u, ['LIAISON'])))).flat(),
    ...(await personRecipients(tx, r.task.tenantId, [...new Set(t.flatMap((x) => x.leadLeaderIds))])),
  ];
  return all.filter((x, i) => all.findIndex((o) => o.receiveId === x.receiveId) === i);
}

export async function editEffects(tx: Tx, r: Edited, reason: string) {
  const lines = joinMd(r.changes.map((c) => md`· ${c.field}：${c.before} → **${c.after}**`));
  await sendTo(tx, r.task.tenantId, await concernedEither(tx, r), `edited:${r.task.id}:${r.at.getTime()}`, card(noticeCard(`事项调整：${r.task.code}`,
    md`**${r.task.title}**\n改革办调整了该事项：\n${lines}\n理由：${reason}`, 'blue')));
  if (r.newLeadUnit && r.task.status === '待签收') await sendDispatchCard(tx, r.task, `edit-${r.at.getTime()}`, r.at);
}

export async function submitEdit(ctx: ChatContext, taskId: number, form: Record<string, unknown>) {
  const task = await loadTask(ctx.db, ctx.tenant.id, taskId);
  if (!task) return { ok: false as const, reason: '该事项不存在或已删除' };
  const reason = str(form['reason'])?.trim() ?? '';
  // A field the form did not send is left alone; an emptied one is emptied.
  const input: EditInput = { reason };
  for (const k of ['deadline', 'leadUnit', 'coUnits', 'leaders', 'owner', 'milestones'] as const) {
    const v = str(form[k]);
    if (v !== undefined) input[k] = v.slice(0, 1000);
  }
  return editTask(ctx.db, ctx.app.clock, ctx.actor, task, input, (tx, r) => editEffects(tx, r, reason));
}

export const submitEditAction: ActionSpec = {
  needsTask: true,
  async handle(ctx, task) {
    const out = await submitEdit(ctx, task.id, ctx.action.formValue ?? {});
    if (!out.ok) return refused(out);
    const text = joinMd([...out.changes.map((c) => md`${c.field}：${c.before} → ${c.after}`), doneLine('已调整', ctx.actor.name, out.at)]);
    return { toast: { type: 'success', content: `已调整 ${out.changes.length} 项，已告知相关单位和领导` }, card: { type: 'raw', data: taskFormCard({ ...out.task, milestones: '' }, { text, colour: 'green' }) } };
  },
};

export const submitNewTaskAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const f = ctx.action.formValue ?? {};
    const out = await createTask(ctx.db, ctx.app.clock, ctx.actor, {
      code: str(f['code']) ?? '', title: str(f['title']) ?? '', leadUnit: str(f['leadUnit']) ?? '', deadline: str(f['deadline']) ?? '',
      category: str(f['category']) ?? '', coUnits: str(f['coUnits']) ?? '', leaders: str(f['leaders']) ?? '', owner: str(f['owner']) ?? '', deliverable: str(f['deliverable']) ?? '',
    }, (tx, r) => sendDispatchCard(tx, r.task, 'new', r.at).then(() => undefined));
    if (!out.ok) return refused(out);
    return { toast: { type: 'success', content: `已新增 ${out.task.code}，任务交办单已发给${out.task.leadUnitName}` }, card: { type: 'raw', data: taskFormCard(null, { text: md`已新增 **${out.task.code}** ${out.task.title}\n牵头单位：${out.task.leadUnitName}　完成时限：${out.task.deadline ?? '—'}\n${doneLine('已新增', ctx.actor.name, out.at)}`, colour: 'green' }) } };
  },
};
