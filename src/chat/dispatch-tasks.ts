// 任务交办单 for tasks waiting to be signed for.
import type { AppContext } from '../app.js';
import { loadTask } from '../ledger/actions.js';
import { unitPeople, type Recipient } from '../ledger/recipients.js';
import { enqueueMessage, type OutgoingContent } from '../outbox/index.js';
import { dispatchCard } from './cards.js';

/**
 * One 任务交办单 to each liaison of the lead unit (and the unit's group when it has one), for each
 * task still 待签收. Called after an import creates tasks; idempotent per task and recipient.
 * Returns how many messages were newly queued.
 */
export async function dispatchTasks(app: AppContext, tenantId: number, taskIds: number[]): Promise<number> {
  const db = app.db.prisma;
  let queued = 0;
  for (const id of taskIds) {
    const task = await loadTask(db, tenantId, id);
    if (!task || task.status !== '待签收') continue;
    const milestones = await db.milestone.findMany({ where: { taskId: id, doneDate: null }, orderBy: { dueDate: 'asc' }, select: { title: true, dueDate: true } });
    const content: OutgoingContent = { msgType: 'interactive', content: dispatchCard(task, milestones) };
    // 联合牵头: every lead unit gets the 任务交办单; any of them may sign for it.
    const to: Recipient[] = [];
    for (const unitId of [task.leadUnitId, ...(task.jointLeadUnitIds ?? [])]) {
      to.push(...(await unitPeople(db, tenantId, unitId, ['LIAISON'])));
      const unit = await db.unit.findUnique({ where: { id: unitId } });
      if (unit?.chatId) to.push({ receiveIdType: 'chat_id' as const, receiveId: unit.chatId, label: `${unit.name}工作群` });
    }
    for (const r of to) {
      const res = await enqueueMessage(db, { tenantId, dedupeKey: `dispatch:${id}:${r.receiveId}`, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId, message: content });
      if (res.created) queued++;
    }
  }
  return queued;
}
