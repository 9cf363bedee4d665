// Keeps each task's stored colour (Task.level/levelOn/onTime) current for a day. Colours are
// derived from the deadline, milestones, last report and the calendar; they change when the day
// changes or the task is written. Writers clear levelOn (invalidateLevels); refreshLevels
// recomputes exactly the stale rows and writes them back in bulk.
import type { DbOrTx } from '../db/client.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { onTimeJudge } from '../core/stats.js';
import { computeSupervision, DEFAULT_THRESHOLDS, type SupervisionThresholds } from '../core/supervision.js';
import type { IsoDate, SupervisionLevel } from '../core/types.js';
import { loadLedgerTasks } from './overview.js';

const PAGE = 900;
/** Ids per UPDATE … IN (…): under SQLite's bound-parameter limit. */
const ID_CHUNK = 900;

/** Marks tasks (or the whole tenant, e.g. after thresholds change) for recomputation. */
export async function invalidateLevels(db: DbOrTx, tenantId: number, taskIds?: number[]): Promise<void> {
  await db.task.updateMany({ where: { tenantId, ...(taskIds ? { id: { in: taskIds } } : {}) }, data: { levelOn: null } });
}

export async function refreshLevels(
  db: DbOrTx,
  tenantId: number,
  opts: { today: IsoDate; calendar: WorkingCalendar; thresholds?: SupervisionThresholds },
): Promise<{ refreshed: number }> {
  const judge = onTimeJudge(opts.calendar);
  // Bucket by the new (level, onTime) so each bucket is a few UPDATE … WHERE id IN (…).
  const buckets = new Map<string, number[]>();
  let refreshed = 0;
  for (let afterId = 0; ; ) {
    const tasks = await loadLedgerTasks(db, tenantId, { staleFor: opts.today, afterId, take: PAGE }, { coUnits: false, doneMilestones: false });
    if (tasks.length === 0) break;
    afterId = tasks[tasks.length - 1]!.id;
    refreshed += tasks.length;
    for (const t of tasks) {
      const level = computeSupervision(t, opts.today, opts.calendar, opts.thresholds ?? DEFAULT_THRESHOLDS).level;
      const onTime = t.status === '已销号' ? judge(t) : null;
      const key = `${level}|${onTime}`;
      let list = buckets.get(key);
      if (!list) buckets.set(key, (list = []));
      list.push(t.id);
    }
  }
  for (const [key, ids] of buckets) {
    const [level, onTimeText] = key.split('|') as [SupervisionLevel, string];
    const onTime = onTimeText === 'null' ? null : onTimeText === 'true';
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      await db.task.updateMany({ where: { id: { in: ids.slice(i, i + ID_CHUNK) } }, data: { level, onTime, levelOn: opts.today } });
    }
  }
  return { refreshed };
}
