// 半年一通报 and 年终盘总账: per-unit totals, completions, on-time completions, overdue tasks,
// completion rate and ranking, the overall totals, the overdue list, and the year-end
// classification of every task. Linear in the number of tasks (plus a sort of the overdue list),
// so 100,000 tasks take a fraction of a second.
//
// Everything is judged "as of" the tally date, so a tally previewed for an earlier moment (--at)
// does not count completions that came later:
// - completed (已销号) as of the date: status 已销号 and closed (closedOn, else completedOn) on or
//   before it;
// - unfinished as of the date: an open status, or 待销号/已销号 whose completion was reported after it;
// - overdue: unfinished and the deadline (moved to the next working day when it is a holiday)
//   is before the date; overdue working days are counted with the calendar;
// - completion rate = completed / (total − 暂缓), as in stats.ts; on time as in stats.ts.
import type { WorkingCalendar } from './calendar.js';
import { onTimeJudge, ratio } from './stats.js';
import { OPEN_STATUSES, type IsoDate, type TaskStatus } from './types.js';

export interface TallyTask {
  taskId: number;
  code: string;
  title: string;
  unitId: number;
  unitName: string;
  status: TaskStatus;
  deadline?: IsoDate | null;
  /** The first 完成时限 when an approved extension (or 调整) moved `deadline`: 延期 counts as such. */
  originalDeadline?: IsoDate | null;
  completedOn?: IsoDate | null;
  closedOn?: IsoDate | null;
}

export interface TallyCounts {
  total: number;
  paused: number;
  /** total − paused: the completion-rate denominator. */
  counted: number;
  completed: number;
  completedOnTime: number;
  /** Tasks whose 完成时限 was extended (original kept): never counted as on time past the original. */
  extended: number;
  overdue: number;
  completionRate: number | null;
  onTimeRate: number | null;
}

export interface UnitTally extends TallyCounts {
  unitId: number;
  unitName: string;
  /** By completion rate, then on-time completions; equal on both share a rank (1, 2, 2, 4). */
  rank: number;
}

export interface OverdueEntry {
  taskId: number;
  code: string;
  title: string;
  unitId: number;
  unitName: string;
  deadline: IsoDate;
  effectiveDeadline: IsoDate;
  overdueWorkingDays: number;
}

export interface Tally {
  asOf: IsoDate;
  /** In rank order; ties by unit name. */
  units: UnitTally[];
  totals: TallyCounts;
  /** Most overdue first, then earliest deadline, then code. */
  overdue: OverdueEntry[];
}

export interface TallyOptions {
  asOf: IsoDate;
  calendar: WorkingCalendar;
}

const OPEN = new Set<TaskStatus>(OPEN_STATUSES);
const collator = new Intl.Collator('zh-CN');

type Counter = Omit<TallyCounts, 'counted' | 'completionRate' | 'onTimeRate'>;
const newCounter = (): Counter => ({ total: 0, paused: 0, completed: 0, completedOnTime: 0, extended: 0, overdue: 0 });

/** What one task is, as of the date. Shared by the half-year tally and the year-end ledger. */
interface Judged {
  closed: boolean;
  reportedNotClosed: boolean;
  paused: boolean;
  onTime: boolean;
  extended: boolean;
  overdue: { effectiveDeadline: IsoDate; workingDays: number } | null;
}

function judge(
  task: TallyTask,
  asOf: IsoDate,
  calendar: WorkingCalendar,
  onTime: ReturnType<typeof onTimeJudge>,
  effective: (d: IsoDate) => IsoDate,
): Judged {
  const doneOn = task.completedOn ?? task.closedOn ?? null;
  const closedOn = task.closedOn ?? task.completedOn ?? null;
  const closed = task.status === '已销号' && (closedOn === null || closedOn <= asOf);
  const reportedNotClosed = !closed && (task.status === '待销号' || task.status === '已销号') && (doneOn === null || doneOn <= asOf);
  const paused = task.status === '暂缓';
  const unfinished = OPEN.has(task.status) || (!closed && !reportedNotClosed && !paused);
  let overdue: Judged['overdue'] = null;
  if (unfinished && task.deadline) {
    const effectiveDeadline = effective(task.deadline);
    if (effectiveDeadline < asOf) overdue = { effectiveDeadline, workingDays: calendar.workingDaysBetween(effectiveDeadline, asOf) };
  }
  // On time means by the first 完成时限: an item closed within its extension is 延期, not 按时.
  const extended = Boolean(task.originalDeadline && task.originalDeadline !== task.deadline);
  return { closed, reportedNotClosed, paused, onTime: closed && onTime(extended ? { ...task, deadline: task.originalDeadline! } : task), extended, overdue };
}

function effectiveDeadlines(calendar: WorkingCalendar): (d: IsoDate) => IsoDate {
  const cache = new Map<IsoDate, IsoDate>();
  return (d) => {
    let e = cache.get(d);
    if (e === undefined) cache.set(d, (e = calendar.workingDayOnOrAfter(d)));
    return e;
  };
}

/** 半年一通报 (or any tally at a date): per-unit table with ranks, totals, overdue list. */
export function computeTally(tasks: Iterable<TallyTask>, options: TallyOptions): Tally {
  const { asOf, calendar } = options;
  const onTime = onTimeJudge(calendar);
  const effective = effectiveDeadlines(calendar);
  const totals = newCounter();
  const units = new Map<number, { name: string; c: Counter }>();
  const overdue: OverdueEntry[] = [];

  for (const task of tasks) {
    if (task.status === '已撤销') continue; // revoked: in no tally
    const j = judge(task, asOf, calendar, onTime, effective);
    let unit = units.get(task.unitId);
    if (!unit) units.set(task.unitId, (unit = { name: task.unitName, c: newCounter() }));
    for (const c of [totals, unit.c]) {
      c.total++;
      if (j.paused) c.paused++;
      if (j.closed) c.completed++;
      if (j.onTime) c.completedOnTime++;
      if (j.extended) c.extended++;
      if (j.overdue) c.overdue++;
    }
    if (j.overdue) {
      overdue.push({
        taskId: task.taskId,
        code: task.code,
        title: task.title,
        unitId: task.unitId,
        unitName: task.unitName,
        deadline: task.deadline!,
        effectiveDeadline: j.overdue.effectiveDeadline,
        overdueWorkingDays: j.overdue.workingDays,
      });
    }
  }

  overdue.sort(
    (a, b) => b.overdueWorkingDays - a.overdueWorkingDays || cmp(a.deadline, b.deadline) || cmp(a.code, b.code) || a.taskId - b.taskId,
  );

  const rows = [...units].map(([unitId, { name, c }]) => ({ unitId, unitName: name, ...finish(c), rank: 0 }));
  rows.sort((a, b) => compareForRank(a, b) || collator.compare(a.unitName, b.unitName) || a.unitId - b.unitId);
  rows.forEach((row, i) => {
    row.rank = i > 0 && compareForRank(rows[i - 1]!, row) === 0 ? rows[i - 1]!.rank : i + 1;
  });

  return { asOf, units: rows, totals: finish(totals), overdue };
}

/** Better first: higher completion rate (exact fractions; no rate ranks last), then more on time. */
function compareForRank(a: TallyCounts, b: TallyCounts): number {
  const aHas = a.counted > 0;
  const bHas = b.counted > 0;
  if (aHas !== bHas) return aHas ? -1 : 1;
  if (aHas) {
    const diff = b.completed * a.counted - a.completed * b.counted;
    if (diff !== 0) return diff;
  }
  return b.completedOnTime - a.completedOnTime;
}

function finish(c: Counter): TallyCounts {
  const counted = c.total - c.paused;
  return { ...c, counted, completionRate: ratio(c.completed, counted), onTimeRate: ratio(c.completedOnTime, c.completed) };
}

// ---- 年终盘总账 ----

/**
 * 已销号 closed; 待销号 completion reported, awaiting the office's review (对账销号 settles these);
 * 结转 carried over (unfinished and not past its deadline — due next year or with no deadline —
 * or paused by the office); 逾期 unfinished and past its deadline.
 */
export const YEAR_END_CLASSES = ['已销号', '待销号', '结转', '逾期'] as const;
export type YearEndClass = (typeof YEAR_END_CLASSES)[number];

export interface YearEndRow {
  taskId: number;
  code: string;
  title: string;
  unitId: number;
  unitName: string;
  status: TaskStatus;
  deadline: IsoDate | null;
  class: YearEndClass;
  /** 0 unless 逾期. */
  overdueWorkingDays: number;
  /** Chinese note for the table, e.g. "按时完成", "逾期 12 个工作日", "暂缓，结转下年". */
  note: string;
}

export interface YearEndLedger {
  year: number;
  asOf: IsoDate;
  /** By unit name, then code. */
  rows: YearEndRow[];
  counts: Record<YearEndClass, number> & { total: number };
  byUnit: { unitId: number; unitName: string; counts: Record<YearEndClass, number> & { total: number } }[];
}

export interface YearEndOptions {
  /** The year being reconciled (for labels); the job runs on the first working day of the next. */
  year: number;
  asOf: IsoDate;
  calendar: WorkingCalendar;
}

export function computeYearEndLedger(tasks: Iterable<TallyTask>, options: YearEndOptions): YearEndLedger {
  const { year, asOf, calendar } = options;
  const onTime = onTimeJudge(calendar);
  const effective = effectiveDeadlines(calendar);
  const emptyCounts = () => ({ total: 0, 已销号: 0, 待销号: 0, 结转: 0, 逾期: 0 });
  const counts = emptyCounts();
  const units = new Map<number, { unitName: string; counts: ReturnType<typeof emptyCounts> }>();
  const rows: YearEndRow[] = [];

  for (const task of tasks) {
    if (task.status === '已撤销') continue; // revoked: in no tally
    const j = judge(task, asOf, calendar, onTime, effective);
    let cls: YearEndClass;
    let note: string;
    if (j.closed) {
      cls = '已销号';
      note = j.onTime ? '按时完成' : '逾期完成';
    } else if (j.reportedNotClosed) {
      cls = '待销号';
      note = onTime(task) ? '已报告完成，待审核销号' : '已报告完成（超出时限），待审核销号';
    } else if (j.paused) {
      cls = '结转';
      note = '暂缓，结转下年';
    } else if (j.overdue) {
      cls = '逾期';
      note = j.overdue.workingDays > 0 ? `逾期 ${j.overdue.workingDays} 个工作日` : '已过时限';
    } else {
      cls = '结转';
      note = task.deadline ? `完成时限 ${task.deadline}，结转下年` : '未设完成时限，结转下年';
    }
    counts.total++;
    counts[cls]++;
    let unit = units.get(task.unitId);
    if (!unit) units.set(task.unitId, (unit = { unitName: task.unitName, counts: emptyCounts() }));
    unit.counts.total++;
    unit.counts[cls]++;
    rows.push({
      taskId: task.taskId,
      code: task.code,
      title: task.title,
      unitId: task.unitId,
      unitName: task.unitName,
      status: task.status,
      deadline: task.deadline ?? null,
      class: cls,
      overdueWorkingDays: j.overdue?.workingDays ?? 0,
      note,
    });
  }

  // Sort units by name once (collation is slow), then rows by unit order and code.
  const unitOrder = new Map(
    [...units]
      .sort((a, b) => collator.compare(a[1].unitName, b[1].unitName) || a[0] - b[0])
      .map(([unitId], i) => [unitId, i]),
  );
  rows.sort((a, b) => unitOrder.get(a.unitId)! - unitOrder.get(b.unitId)! || cmp(a.code, b.code) || a.taskId - b.taskId);

  return {
    year,
    asOf,
    rows,
    counts,
    byUnit: [...unitOrder.keys()].map((unitId) => ({ unitId, unitName: units.get(unitId)!.unitName, counts: units.get(unitId)!.counts })),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
