// Completion and on-time rates per unit and per leader, and the ledger summary (counts by status
// and by colour) behind the 台账 card. One pass over plain rows with Maps: 100,000 tasks take a
// few milliseconds.
//
// Definitions (shown to people on cards, so keep them simple and stable):
// - completed (已完成) = status 已销号 — closed out by the office. 待销号 (completion reported, not
//   yet reviewed) is counted separately as "reported" and is NOT completed: the office's review
//   is what makes a completion count.
// - completion rate = completed / (total − 暂缓). A paused task (暂缓) was paused by the office with a
//   reason, so it does not count against the unit; it is still shown in the counts.
// - on time: the completion was reported (completedOn; closedOn when that is missing) on or before
//   the deadline. A deadline on a holiday moves to the next working day when a calendar is given,
//   matching 三色督办. A task without a deadline counts as on time when completed; a completed task
//   with a deadline but no known completion date cannot be shown to be on time, so it is not.
// - on-time rate = completed on time / completed.
// - rates are numbers in [0, 1], or null when the denominator is 0 (shown as "—", never as 0%).
import type { WorkingCalendar } from './calendar.js';
import { LEVELS, OPEN_STATUSES, TASK_STATUSES, type IsoDate, type SupervisionLevel, type TaskStatus } from './types.js';

export interface StatsTask {
  taskId: number;
  leadUnitId: number;
  leadLeaderIds: readonly number[];
  status: TaskStatus;
  deadline?: IsoDate | null;
  /** Date the completion was reported (→ 待销号). */
  completedOn?: IsoDate | null;
  /** Date the office closed it out (→ 已销号). */
  closedOn?: IsoDate | null;
  /** Current supervision colour (computed by computeSupervision). */
  level: SupervisionLevel;
}

export interface GroupStats {
  total: number;
  /** total − paused: the completion-rate denominator. */
  counted: number;
  paused: number;
  /** In OPEN_STATUSES. */
  open: number;
  /** 待销号. */
  reported: number;
  /** 已销号. */
  completed: number;
  completedOnTime: number;
  completionRate: number | null;
  onTimeRate: number | null;
  byStatus: Record<TaskStatus, number>;
  byLevel: Record<SupervisionLevel, number>;
}

export interface UnitStats extends GroupStats {
  unitId: number;
}
export interface LeaderStats extends GroupStats {
  leaderId: number;
}

export interface LedgerStats {
  overall: GroupStats;
  /** Sorted by unitId. */
  byUnit: UnitStats[];
  /** Sorted by leaderId; a task with several lead leaders counts for each. */
  byLeader: LeaderStats[];
}

export interface StatsOptions {
  /** When given, deadlines on holidays move to the next working day for the on-time test. */
  calendar?: WorkingCalendar;
}

/** Mutable accumulator; rates are filled in at the end. */
type Counter = Omit<GroupStats, 'completionRate' | 'onTimeRate' | 'counted'>;

function newCounter(): Counter {
  return {
    total: 0,
    paused: 0,
    open: 0,
    reported: 0,
    completed: 0,
    completedOnTime: 0,
    byStatus: Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>,
    byLevel: Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<SupervisionLevel, number>,
  };
}

const OPEN = new Set<TaskStatus>(OPEN_STATUSES);

export function summarizeLedger(tasks: Iterable<StatsTask>, options: StatsOptions = {}): LedgerStats {
  const onTime = onTimeJudge(options.calendar);
  const overall = newCounter();
  const units = new Map<number, Counter>();
  const leaders = new Map<number, Counter>();

  for (const task of tasks) {
    const completed = task.status === '已销号';
    const late = completed && !onTime(task);
    add(overall, task, completed, late);
    let unit = units.get(task.leadUnitId);
    if (!unit) units.set(task.leadUnitId, (unit = newCounter()));
    add(unit, task, completed, late);
    for (const leaderId of task.leadLeaderIds) {
      let leader = leaders.get(leaderId);
      if (!leader) leaders.set(leaderId, (leader = newCounter()));
      add(leader, task, completed, late);
    }
  }

  return {
    overall: finish(overall),
    byUnit: [...units].sort((a, b) => a[0] - b[0]).map(([unitId, c]) => ({ unitId, ...finish(c) })),
    byLeader: [...leaders].sort((a, b) => a[0] - b[0]).map(([leaderId, c]) => ({ leaderId, ...finish(c) })),
  };
}

function add(c: Counter, task: Pick<StatsTask, 'status' | 'level'>, completed: boolean, late: boolean, n = 1): void {
  // A revoked item (已撤销) leaves every count.
  if (task.status === '已撤销') return;
  c.total += n;
  c.byStatus[task.status] += n;
  c.byLevel[task.level] += n;
  if (task.status === '暂缓') c.paused += n;
  else if (task.status === '待销号') c.reported += n;
  else if (OPEN.has(task.status)) c.open += n;
  if (completed) {
    c.completed += n;
    if (!late) c.completedOnTime += n;
  }
}

/** A count of tasks sharing status, colour and on-time flag (a row of a GROUP BY). */
export interface StatsGroup {
  status: TaskStatus;
  level: SupervisionLevel;
  /** For 已销号 tasks: whether they were completed on time (see onTimeJudge). */
  onTime: boolean | null;
  count: number;
}

/**
 * The same statistics as summarizeLedger, from pre-grouped counts (what a database GROUP BY
 * returns), so a summary of 100,000 tasks never loads them one by one.
 */
export function summarizeGroups(
  overallGroups: Iterable<StatsGroup>,
  unitGroups: Iterable<StatsGroup & { unitId: number }>,
  leaderGroups: Iterable<StatsGroup & { leaderId: number }>,
): LedgerStats {
  const fold = <K>(groups: Iterable<StatsGroup & K>, keyOf: (g: StatsGroup & K) => number) => {
    const m = new Map<number, Counter>();
    for (const g of groups) {
      const key = keyOf(g);
      let c = m.get(key);
      if (!c) m.set(key, (c = newCounter()));
      add(c, g, g.status === '已销号', g.onTime === false, g.count);
    }
    return [...m].sort((a, b) => a[0] - b[0]);
  };
  const overall = fold(overallGroups, () => 0)[0]?.[1] ?? newCounter();
  return {
    overall: finish(overall),
    byUnit: fold(unitGroups, (g) => g.unitId).map(([unitId, c]) => ({ unitId, ...finish(c) })),
    byLeader: fold(leaderGroups, (g) => g.leaderId).map(([leaderId, c]) => ({ leaderId, ...finish(c) })),
  };
}

function finish(c: Counter): GroupStats {
  const counted = c.total - c.paused;
  return {
    ...c,
    counted,
    completionRate: ratio(c.completed, counted),
    onTimeRate: ratio(c.completedOnTime, c.completed),
  };
}

/** numerator / denominator, or null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/**
 * Whether a (reported or closed) completion was on time — see the definitions at the top.
 * Memoises effective deadlines, since a ledger has few distinct deadlines.
 */
export function onTimeJudge(calendar?: WorkingCalendar): (task: Pick<StatsTask, 'deadline' | 'completedOn' | 'closedOn'>) => boolean {
  const effective = new Map<IsoDate, IsoDate>();
  const effectiveDeadline = (deadline: IsoDate): IsoDate => {
    if (!calendar) return deadline;
    let e = effective.get(deadline);
    if (e === undefined) effective.set(deadline, (e = calendar.workingDayOnOrAfter(deadline)));
    return e;
  };
  return (task) => {
    if (!task.deadline) return true;
    const done = task.completedOn ?? task.closedOn ?? null;
    return done !== null && done <= effectiveDeadline(task.deadline);
  };
}

/** 0.8333 → "83.3%", 1 → "100%", null → "—". One decimal, trailing ".0" dropped. */
export function formatPercent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const factor = 10 ** digits;
  const value = Math.round(rate * 100 * factor) / factor;
  return `${Number(value.toFixed(digits))}%`;
}
