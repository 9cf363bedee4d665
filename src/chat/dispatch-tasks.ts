// 任务交办单 for tasks waiting to be signed for — and the 销号审核 card for a task loaded already
// 待销号 (its completion was reported before the ledger reached the bot: it gets a review card like
// any other).
import type { AppContext } from '../app.js';
import { shanghaiDate } from '../core/dates.js';
import { loadTask } from '../ledger/actions.js';
import { recordCardIssue } from '../ledger/office.js';
import { officeRecipients } from '../ledger/recipients.js';
import { enqueueMessage, type OutgoingContent } from '../outbox/index.js';
import { dispatchRecipients, openMilestones } from './actions/dispatch.js';
import { completionInfo } from './actions/review.js';
import { dispatchCard, reviewCard } from './cards.js';

/**
 * One 任务交办单 to each liaison of the lead unit (and the unit's group when it has one), for each
 * task still 待签收; one 销号审核 to the office for each task 待销号 that has had none. Called after
 * an import creates tasks; idempotent per task and recipient. Returns how many messages were newly queued.
 */
export async function dispatchTasks(app: AppContext, tenantId: number, taskIds: number[]): Promise<number> {
  const db = app.db.prisma;
  const today = shanghaiDate(app.clock.now());
  let queued = 0;
  for (const id of taskIds) {
    const task = await loadTask(db, tenantId, id);
    if (!task) continue;
    if (task.status === '待销号') {
      if (await db.cardIssue.findUnique({ where: { tenantId_kind_subjectId: { tenantId, kind: 'review', subjectId: id } } })) continue;
      const calendar = await app.calendars.calendarFor(tenantId);
      const content: OutgoingContent = { msgType: 'interactive', content: reviewCard(task, await completionInfo({ db, calendar }, task)) };
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
    const content: OutgoingContent = { msgType: 'interactive', content: dispatchCard(task, await openMilestones(db, id)) };
    let created = 0;
    for (const r of await dispatchRecipients(db, tenantId, task.leadUnitId)) {
      const res = await enqueueMessage(db, { tenantId, dedupeKey: `dispatch:${id}:${r.receiveId}`, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId, message: content });
      if (res.created) created++;
    }
    // Noted for the re-issue before Feishu's 14-day limit (src/jobs/plans/reissue.ts).
    if (created) await recordCardIssue(db, tenantId, 'dispatch', id, today);
    queued += created;
  }
  return queued;
}
