// 任务交办单 for tasks waiting to be signed for: ONE card per recipient for the tasks of one call
// (one import), listing them all with a 签收 each and 「全部签收」 (dispatch-batch.ts); a recipient
// with a single task gets that task's own card.
import type { AppContext } from '../app.js';
import { loadTask } from '../ledger/actions.js';
import { unitPeople, type Recipient } from '../ledger/recipients.js';
import { enqueueMessage, type OutgoingContent } from '../outbox/index.js';
import { dispatchCard } from './cards.js';
import { dispatchBatchCard, MAX_DISPATCH_BATCH } from './dispatch-batch.js';
import type { TaskRecord } from '../ledger/actions.js';
import { createHash } from 'node:crypto';

/**
 * One 任务交办单 to each liaison of the lead unit (and the unit's group when it has one), for each
 * task still 待签收. Called after an import creates tasks; idempotent per task and recipient.
 * Returns how many messages were newly queued.
 */
export async function dispatchTasks(app: AppContext, tenantId: number, taskIds: number[]): Promise<number> {
  const db = app.db.prisma;
  // Who gets which tasks: the lead unit's liaisons and the unit's group.
  const byRecipient = new Map<string, { r: Recipient; unitName: string; tasks: TaskRecord[] }>();
  for (const id of taskIds) {
    const task = await loadTask(db, tenantId, id);
    if (!task || task.status !== '待签收') continue;
    // 联合牵头: every lead unit gets the 任务交办单; any of them may sign for it.
    const to: { r: Recipient; unitName: string }[] = [];
    for (const unitId of [task.leadUnitId, ...(task.jointLeadUnitIds ?? [])]) {
      const unit = await db.unit.findUnique({ where: { id: unitId } });
      const unitName = unit?.name ?? task.leadUnitName;
      for (const r of await unitPeople(db, tenantId, unitId, ['LIAISON'])) to.push({ r, unitName });
      if (unit?.chatId) to.push({ r: { receiveIdType: 'chat_id' as const, receiveId: unit.chatId, label: `${unit.name}工作群` }, unitName });
    }
    for (const { r, unitName } of to) {
      const key = `${r.receiveIdType}:${r.receiveId}`;
      let entry = byRecipient.get(key);
      if (!entry) byRecipient.set(key, (entry = { r, unitName, tasks: [] }));
      entry.tasks.push(task);
    }
  }
  let queued = 0;
  for (const { r, unitName, tasks } of byRecipient.values()) {
    for (let i = 0; i < tasks.length; i += MAX_DISPATCH_BATCH) {
      const part = tasks.slice(i, i + MAX_DISPATCH_BATCH);
      let content: OutgoingContent;
      let dedupeKey: string;
      if (part.length === 1) {
        const task = part[0]!;
        const milestones = await db.milestone.findMany({ where: { taskId: task.id, doneDate: null }, orderBy: { dueDate: 'asc' }, select: { title: true, dueDate: true } });
        content = { msgType: 'interactive', content: dispatchCard(task, milestones) };
        dedupeKey = `dispatch:${task.id}:${r.receiveId}`;
      } else {
        content = { msgType: 'interactive', content: dispatchBatchCard(part, unitName) };
        // Exactly once per (recipient, set of tasks): the same import dispatched again says nothing twice.
        const ids = part.map((t) => t.id).sort((a, b) => a - b).join(',');
        dedupeKey = `dispatch:batch:${r.receiveId}:${createHash('sha256').update(ids).digest('hex').slice(0, 16)}`;
      }
      const res = await enqueueMessage(db, { tenantId, dedupeKey, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId, message: content });
      if (res.created) queued++;
    }
  }
  return queued;
}
