// 任务交办单 for tasks waiting to be signed for: ONE card per recipient for the tasks of one call
// (one import), listing them all with a 签收 each and 「全部签收」 (dispatch-batch.ts); a recipient
// with a single task gets that task's own card. And the 销号审核 card for a task loaded already
// 待销号 (its completion was reported before the ledger reached the bot: a review card like any other).
import type { AppContext } from '../app.js';
import { shanghaiDate } from '../core/dates.js';
import { loadTask } from '../ledger/actions.js';
import { recordCardIssue } from '../ledger/office.js';
import { officeRecipients, unitPeople, type Recipient } from '../ledger/recipients.js';
import { enqueueMessage, type OutgoingContent } from '../outbox/index.js';
import { dispatchCard, reviewCard } from './cards.js';
import { dispatchBatchCard, MAX_DISPATCH_BATCH } from './dispatch-batch.js';
import type { TaskRecord } from '../ledger/actions.js';
import { createHash } from 'node:crypto';
import { completionInfo } from './actions/review.js';

/**
 * One 任务交办单 to each liaison of the lead unit (and the unit's group when it has one), for each
 * task still 待签收; one 销号审核 to the office for each task 待销号 that has had none. Called after
 * an import creates tasks; idempotent per task and recipient. Returns how many messages were newly queued.
 */
export async function dispatchTasks(app: AppContext, tenantId: number, taskIds: number[]): Promise<number> {
  const db = app.db.prisma;
  const today = shanghaiDate(app.clock.now());
  let queued = 0;
  // Who gets which tasks: the lead units' liaisons and the units' groups.
  // A liaison of two units (兼职) is one recipient: one card listing both units' tasks.
  const byRecipient = new Map<string, { r: Recipient; unitNames: Set<string>; tasks: TaskRecord[] }>();
  for (const id of taskIds) {
    const task = await loadTask(db, tenantId, id);
    if (!task) continue;
    if (task.status === '待销号') {
      if (await db.cardIssue.findUnique({ where: { tenantId_kind_subjectId: { tenantId, kind: 'review', subjectId: id } } })) continue;
      const calendar = await app.calendars.calendarFor(tenantId);
      const content: OutgoingContent = { msgType: 'interactive', content: reviewCard(task, await completionInfo({ db, calendar, tenant: { id: tenantId } }, task)) };
      await db.$transaction(async (tx) => {
        for (const r of await officeRecipients(tx, tenantId)) {
          const res = await enqueueMessage(tx, { tenantId, dedupeKey: `review-loaded:${id}:${r.receiveId}`, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId, message: content });
          if (res.created) queued++;
        }
        await recordCardIssue(tx, tenantId, 'review', id, today);
      });
      continue;
    }
    if (task.status !== '待签收') continue;
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
      if (!entry) byRecipient.set(key, (entry = { r, unitNames: new Set(), tasks: [] }));
      entry.unitNames.add(unitName);
      if (!entry.tasks.includes(task)) entry.tasks.push(task);
    }
  }
  const dispatched = new Set<number>();
  for (const { r, unitNames, tasks } of byRecipient.values()) {
    const unitName = [...unitNames].join('、');
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
      if (res.created) {
        queued++;
        for (const t of part) dispatched.add(t.id);
      }
    }
  }
  // Noted for the re-issue before Feishu's 14-day limit (src/jobs/plans/reissue.ts).
  for (const id of dispatched) await recordCardIssue(db, tenantId, 'dispatch', id, today);
  return queued;
}
