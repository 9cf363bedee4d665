// Keeps each task's stored colour (Task.level/levelOn/onTime) current for a day. Colours are
// derived from the deadline, milestones, last report and the calendar; they change when the day
// changes or the task is written. Writers clear levelOn (invalidateLevels); refreshLevels
// recomputes exactly the stale rows and writes them back.
//
// Memory does not grow with the ledger: the stale rows are read in pages of PAGE (keyset on id),
// with only the columns the colour depends on and the unfinished milestones of the page's id
// range, and each page is written back by ONE UPDATE before the next is read. The first summary
// of a day over 100,000 tasks holds one page at a time.
//
// No long id lists: through Prisma an `id IN (…900 ids…)` costs megabytes of garbage per query
// (the first summary over 100,000 tasks allocated ~1.2 GB that way, and the heap grew with it).
// The UPDATE instead gets the page's new values as one string, two characters per id from the
// page's first id (level, onTime; '.' = not in this page), read back with substr() — the same
// SQL on SQLite and PostgreSQL.
import type { DbOrTx } from '../db/client.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDate } from '../core/dates.js';
import { onTimeJudge } from '../core/stats.js';
import { computeSupervision, DEFAULT_THRESHOLDS, type SupervisionThresholds } from '../core/supervision.js';
import type { IsoDate, SupervisionLevel, TaskStatus } from '../core/types.js';

/** Tasks per page. */
const PAGE = 900;
/** The most ids one UPDATE's string covers (2 characters each). */
const MAX_SPAN = 20_000;
const LEVEL_CODE: Record<SupervisionLevel, string> = { none: 'n', blue: 'b', yellow: 'y', red: 'r' };

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
  const thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
  let refreshed = 0;
  for (let afterId = 0; ; ) {
    const tasks = await db.task.findMany({
      where: { tenantId, id: { gt: afterId }, OR: [{ levelOn: null }, { levelOn: { not: opts.today } }] },
      select: { id: true, status: true, deadline: true, startDate: true, completedOn: true, closedOn: true, lastReportAt: true, lastPercent: true, createdAt: true },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    if (tasks.length === 0) break;
    const lastId = tasks[tasks.length - 1]!.id;
    refreshed += tasks.length;
    // Unfinished milestones of the page's id range (a few of them belong to tasks not in the page).
    const milestones = await db.milestone.findMany({
      where: { taskId: { gt: afterId, lte: lastId }, doneDate: null },
      select: { taskId: true, title: true, dueDate: true, doneDate: true },
    });
    afterId = lastId;
    const milestonesOf = new Map<number, typeof milestones>();
    for (const m of milestones) {
      const list = milestonesOf.get(m.taskId);
      if (list) list.push(m);
      else milestonesOf.set(m.taskId, [m]);
    }
    const colours = new Map<number, string>();
    for (const t of tasks) {
      const status = t.status as TaskStatus;
      const level = computeSupervision(
        {
          status, deadline: t.deadline, startDate: t.startDate, milestones: milestonesOf.get(t.id) ?? [],
          lastReportOn: t.lastReportAt ? shanghaiDate(t.lastReportAt) : null, lastPercent: t.lastPercent, createdOn: shanghaiDate(t.createdAt),
        },
        opts.today, opts.calendar, thresholds,
      ).level;
      colours.set(t.id, LEVEL_CODE[level] + (status === '已销号' ? (judge(t) ? 't' : 'f') : 'n'));
    }
    // One UPDATE per page (per MAX_SPAN ids of it, when other tenants' ids lie in between).
    for (let i = 0; i < tasks.length; ) {
      const from = tasks[i]!.id;
      let j = i;
      while (j + 1 < tasks.length && tasks[j + 1]!.id - from < MAX_SPAN) j++;
      const to = tasks[j]!.id;
      const codes = new Array<string>(to - from + 1).fill('..');
      for (let k = i; k <= j; k++) codes[tasks[k]!.id - from] = colours.get(tasks[k]!.id)!;
      await writeColours(db, tenantId, opts.today, from, to, codes.join(''));
      i = j + 1;
    }
  }
  return { refreshed };
}

/** Writes the colours of ids from..to given as `codes` (2 characters per id from `from`; '..' = leave alone). */
async function writeColours(db: DbOrTx, tenantId: number, today: IsoDate, from: number, to: number, codes: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "Task" SET
      "level" = CASE substr(${codes}, 2 * ("id" - ${from}) + 1, 1) WHEN 'b' THEN 'blue' WHEN 'y' THEN 'yellow' WHEN 'r' THEN 'red' ELSE 'none' END,
      "onTime" = CASE substr(${codes}, 2 * ("id" - ${from}) + 2, 1) WHEN 't' THEN TRUE WHEN 'f' THEN FALSE ELSE NULL END,
      "levelOn" = ${today}
    WHERE "tenantId" = ${tenantId} AND "id" >= ${from} AND "id" <= ${to}
      AND substr(${codes}, 2 * ("id" - ${from}) + 1, 1) <> '.'`;
}
