// Keeps each task's stored colour (Task.level/levelOn/onTime) current for a day. Colours are
// derived from the deadline, milestones, last report and the calendar; they change when the day
// changes or the task is written. Writers clear levelOn (invalidateLevels); refreshLevels
// recomputes exactly the stale rows and writes them back.
//
// A new day makes every row stale. That pass runs ahead of the people who ask — shortly after
// midnight (Asia/Shanghai) and at start, from the scheduler (src/jobs/levels-refresh.ts) — and
// the query path (summary.ts) refreshes only when few rows are stale (a working day's edits, or a
// small ledger), so it never waits for a full recompute; otherwise it counts yesterday's colours
// and says so, for the seconds the pass needs.
//
// Memory does not grow with the ledger, and the pass is linear: when many rows are stale they are
// read in windows of the primary key (WINDOW ids; a keyset page over the levelOn index re-sorted
// every stale row for each page), with only the columns the colour depends on and the unfinished
// milestones of the window; each window is written back set-based — one UPDATE per colour class
// (level × on-time, a handful), not one per row — before the next is read. A working day's few
// edited rows are found through the (tenantId, levelOn) index directly.
import type { DbOrTx } from '../db/client.js';
import { Prisma } from '../generated/prisma-sqlite/client.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDate } from '../core/dates.js';
import { onTimeJudge } from '../core/stats.js';
import { computeSupervision, DEFAULT_THRESHOLDS, type SupervisionThresholds } from '../core/supervision.js';
import type { IsoDate, SupervisionLevel, TaskStatus } from '../core/types.js';

/** Tasks per page. */
const PAGE = 900;
/** Ids per window when many rows are stale. */
const WINDOW = 2_000;
const LEVEL_CODE: Record<SupervisionLevel, string> = { none: 'n', blue: 'b', yellow: 'y', red: 'r' };

/** Marks tasks (or the whole tenant, e.g. after thresholds change) for recomputation. */
export async function invalidateLevels(db: DbOrTx, tenantId: number, taskIds?: number[]): Promise<void> {
  await db.task.updateMany({ where: { tenantId, ...(taskIds ? { id: { in: taskIds } } : {}) }, data: { levelOn: null } });
}

export interface RefreshOptions {
  today: IsoDate;
  calendar: WorkingCalendar;
  thresholds?: SupervisionThresholds;
  /**
   * The query path (a person is waiting): when more rows than this are stale, recompute none —
   * they keep their earlier colour, are counted in `stale`, and the scheduled pass
   * (src/jobs/levels-refresh.ts) brings them up to date within the minute. Default: no limit.
   */
  maxRows?: number;
}

export interface RefreshResult {
  /** Rows recomputed by this call. */
  refreshed: number;
  /** Rows still stale for `today`: more than maxRows were (0 when everything is current). */
  stale: number;
}

/** How many of the tenant's tasks are stale for `today`, and the id range they lie in (covering index). */
export async function staleLevels(db: DbOrTx, tenantId: number, today: IsoDate): Promise<{ count: number; minId: number; maxId: number }> {
  const [row] = await db.$queryRaw<{ n: bigint | number; lo: bigint | number | null; hi: bigint | number | null }[]>`
    SELECT COUNT(*) AS "n", MIN("id") AS "lo", MAX("id") AS "hi" FROM "Task"
    WHERE "tenantId" = ${tenantId} AND ("levelOn" IS NULL OR "levelOn" <> ${today})`;
  return { count: Number(row?.n ?? 0), minId: Number(row?.lo ?? 0), maxId: Number(row?.hi ?? 0) };
}

export async function refreshLevels(db: DbOrTx, tenantId: number, opts: RefreshOptions): Promise<RefreshResult> {
  const judge = onTimeJudge(opts.calendar);
  const thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const stale = await staleLevels(db, tenantId, opts.today);
  if (stale.count === 0) return { refreshed: 0, stale: 0 };
  if (opts.maxRows !== undefined && stale.count > opts.maxRows) return { refreshed: 0, stale: stale.count };
  let refreshed = 0;
  // Few stale rows (a working day's edits): found through the (tenantId, levelOn) index at once.
  // Many (a new day): walked in windows of the primary key — a keyset page over the levelOn index
  // sorts every stale row again for each page, which made the first summary of a day quadratic.
  const windowed = stale.count > PAGE;
  for (let from = stale.minId; from <= stale.maxId; ) {
    const to = windowed ? Math.min(stale.maxId, from + WINDOW - 1) : stale.maxId;
    // Raw SQL: a 台账 after a day's reports recomputes their colours while a person waits, and each
    // Prisma call costs ~0.5 ms of CPU compiling its query (bench:reply).
    const range = windowed ? Prisma.sql`"id" >= ${from} AND "id" <= ${to}` : Prisma.sql`"tenantId" = ${tenantId} AND "id" >= ${from}`;
    const rows = (await db.$queryRaw<StaleRow[]>`
      SELECT "id", "tenantId", "status", "deadline", "startDate", "completedOn", "closedOn", "lastReportAt", "lastPercent", "createdAt"
      FROM "Task" WHERE ${range} AND ("levelOn" IS NULL OR "levelOn" <> ${opts.today})
      ORDER BY "id"${windowed ? Prisma.empty : Prisma.sql` LIMIT ${PAGE}`}`).map(numericStaleRow);
    // The window is by id only (so the primary key is used): other tenants' rows are skipped here.
    const tasks = rows.filter((t) => t.tenantId === tenantId);
    const lastId = windowed ? to : (rows.at(-1)?.id ?? stale.maxId);
    if (tasks.length > 0) {
      refreshed += tasks.length;
      await recompute(db, tenantId, opts, thresholds, judge, tasks, from, lastId);
    }
    from = lastId + 1;
    if (!windowed && rows.length < PAGE) break;
  }
  const left = refreshed >= stale.count ? 0 : (await staleLevels(db, tenantId, opts.today)).count;
  return { refreshed, stale: left };
}

type StaleRow = { id: number; tenantId: number; status: string; deadline: string | null; startDate: string | null; completedOn: string | null; closedOn: string | null; lastReportAt: Date | null; lastPercent: number | null; createdAt: Date };

/** Integer columns as numbers (raw SQL may return bigint). */
function numericStaleRow(r: StaleRow): StaleRow {
  return { ...r, id: Number(r.id), tenantId: Number(r.tenantId), lastPercent: r.lastPercent === null ? null : Number(r.lastPercent) };
}

/** Computes and writes the colours of `tasks` (ids ascending, all within from..lastId). */
async function recompute(
  db: DbOrTx, tenantId: number, opts: RefreshOptions, thresholds: SupervisionThresholds, judge: ReturnType<typeof onTimeJudge>,
  tasks: StaleRow[], from: number, lastId: number,
): Promise<void> {
  // Unfinished milestones of the id range (a few of them belong to tasks not in the page).
  const milestones = (await db.$queryRaw<{ taskId: number; title: string; dueDate: string; doneDate: string | null }[]>`
    SELECT "taskId", "title", "dueDate", "doneDate" FROM "Milestone" WHERE "taskId" >= ${from} AND "taskId" <= ${lastId} AND "doneDate" IS NULL`)
    .map((m) => ({ ...m, taskId: Number(m.taskId) }));
  const milestonesOf = new Map<number, typeof milestones>();
  for (const m of milestones) {
    const list = milestonesOf.get(m.taskId);
    if (list) list.push(m);
    else milestonesOf.set(m.taskId, [m]);
  }
  const colours = new Map<number, string>();
  const dayOf = shanghaiDayMemo();
  for (const t of tasks) {
    const status = t.status as TaskStatus;
    const level = computeSupervision(
      {
        status, deadline: t.deadline, startDate: t.startDate, milestones: milestonesOf.get(t.id) ?? [],
        lastReportOn: t.lastReportAt ? dayOf(t.lastReportAt) : null, lastPercent: t.lastPercent, createdOn: dayOf(t.createdAt),
      },
      opts.today, opts.calendar, thresholds,
    ).level;
    colours.set(t.id, LEVEL_CODE[level] + (status === '已销号' ? (judge(t) ? 't' : 'f') : 'n'));
  }
  // Set-based: one UPDATE per colour class of the page (a handful), not one per row.
  const classes = new Map<string, number[]>();
  for (const [id, code] of colours) {
    const ids = classes.get(code);
    if (ids) ids.push(id);
    else classes.set(code, [id]);
  }
  for (const [code, ids] of classes) await writeColourClass(db, tenantId, opts.today, code, ids);
}

const LEVEL_OF: Record<string, SupervisionLevel> = { n: 'none', b: 'blue', y: 'yellow', r: 'red' };

/** Writes one colour class (code: level letter + on-time t/f/n) to the tenant's tasks `ids` (at most a window's worth). */
async function writeColourClass(db: DbOrTx, tenantId: number, today: IsoDate, code: string, ids: number[]): Promise<void> {
  const level = LEVEL_OF[code[0]!]!;
  const onTime = code[1] === 't' ? true : code[1] === 'f' ? false : null;
  // "tenantId" + 0: a guard that keeps the planner on the primary key (not the tenant's indexes).
  await db.$executeRaw`
    UPDATE "Task" SET "level" = ${level}, "onTime" = ${onTime === null ? Prisma.sql`NULL` : onTime ? Prisma.sql`TRUE` : Prisma.sql`FALSE`}, "levelOn" = ${today}
    WHERE "id" IN (${Prisma.join(ids)}) AND "tenantId" + 0 = ${tenantId}`;
}

/** shanghaiDate, remembered per day (a page's timestamps fall on few days). */
function shanghaiDayMemo(): (instant: Date) => IsoDate {
  const days = new Map<number, IsoDate>();
  return (instant) => {
    const key = Math.floor((instant.getTime() + 8 * 3_600_000) / 86_400_000);
    let day = days.get(key);
    if (day === undefined) days.set(key, (day = shanghaiDate(instant)));
    return day;
  };
}
