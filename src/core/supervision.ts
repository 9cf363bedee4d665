// 三色督办: the supervision colour of one task, computed from its snapshot, the date and the
// working-day calendar. "Overdue" is derived here and never stored by hand.
//
//   蓝 blue   — the deadline or an unfinished milestone is due within N working days (today
//               included), or the reported percent lags the share of time elapsed by more than
//               the configured gap ("时间过半、任务未过半").
//   黄 yellow — overdue 1..M working days, or no progress report during the whole previous
//               reporting cycle.
//   红 red    — overdue more than M working days, or no progress report for two whole cycles in
//               a row (yellow two cycles running).
//
// Only OPEN_STATUSES get colours: 待销号 waits on the office, 已销号 is done, 暂缓 was paused by the
// office with a reason.
//
// A time limit that falls on a holiday or weekend moves to the next working day (the usual rule
// for administrative time limits), so nobody is flagged overdue for not working on National Day.
import { z } from 'zod';
import type { WorkingCalendar } from './calendar.js';
import { daysBetween } from './dates.js';
import { cycleBefore, REPORTING_CYCLES, type Period, type ReportingCycle } from './periods.js';
import { OPEN_STATUSES, type IsoDate, type SupervisionLevel, type TaskStatus } from './types.js';
import { parseSettings } from './validation.js';

export interface MilestoneSnapshot {
  title: string;
  dueDate: IsoDate;
  doneDate?: IsoDate | null;
}

export interface TaskSnapshot {
  status: TaskStatus;
  deadline?: IsoDate | null;
  startDate?: IsoDate | null;
  milestones: MilestoneSnapshot[];
  /** Date of the latest progress report (any kind), Shanghai. */
  lastReportOn?: IsoDate | null;
  lastPercent?: number | null;
  createdOn?: IsoDate;
}

export interface SupervisionThresholds {
  /** Blue when something is due within this many working days (0 = due today only). */
  blueWithinWorkingDays: number;
  /** Overdue by 1..this many working days is yellow; more is red. */
  yellowOverdueMaxWorkingDays: number;
  reportingCycle: ReportingCycle;
  /** Blue when the reported percent is this many points below the share of time elapsed. */
  behindScheduleGapPercent: number;
}

export const DEFAULT_THRESHOLDS: Readonly<SupervisionThresholds> = Object.freeze({
  blueWithinWorkingDays: 5,
  yellowOverdueMaxWorkingDays: 10,
  reportingCycle: 'monthly',
  behindScheduleGapPercent: 20,
});

const workingDaysSetting = (label: string) =>
  z
    .number({ error: `${label}应为数字` })
    .int({ error: `${label}应为整数` })
    .min(0, { error: `${label}不能为负数` })
    .max(250, { error: `${label}不能超过 250 个工作日` });

/** The office's settings: any subset of the thresholds; missing ones take the defaults. */
export const supervisionThresholdsSchema = z.strictObject(
  {
    blueWithinWorkingDays: workingDaysSetting('蓝色预警提前天数').optional(),
    yellowOverdueMaxWorkingDays: workingDaysSetting('黄色预警逾期天数上限').optional(),
    reportingCycle: z
      .enum(REPORTING_CYCLES as [ReportingCycle, ...ReportingCycle[]], { error: '报告周期应为 "monthly"（按月）或 "quarterly"（按季）' })
      .optional(),
    behindScheduleGapPercent: z
      .number({ error: '进度滞后阈值应为数字' })
      .min(0, { error: '进度滞后阈值不能为负数' })
      .max(100, { error: '进度滞后阈值不能超过 100' })
      .optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `无法识别的设置项：${iss.keys.join('、')}` : '督办阈值设置应为一个对象') },
);

export function parseSupervisionThresholds(json: unknown): SupervisionThresholds {
  const parsed = parseSettings(supervisionThresholdsSchema, json ?? {}, '三色督办阈值设置');
  return {
    blueWithinWorkingDays: parsed.blueWithinWorkingDays ?? DEFAULT_THRESHOLDS.blueWithinWorkingDays,
    yellowOverdueMaxWorkingDays: parsed.yellowOverdueMaxWorkingDays ?? DEFAULT_THRESHOLDS.yellowOverdueMaxWorkingDays,
    reportingCycle: parsed.reportingCycle ?? DEFAULT_THRESHOLDS.reportingCycle,
    behindScheduleGapPercent: parsed.behindScheduleGapPercent ?? DEFAULT_THRESHOLDS.behindScheduleGapPercent,
  };
}

export interface DueItem {
  kind: 'deadline' | 'milestone';
  /** '完成时限' for the deadline, the milestone's title otherwise. */
  title: string;
  /** As written in the ledger. */
  date: IsoDate;
  /** Moved to the next working day when `date` is not one. */
  effectiveDate: IsoDate;
}

export interface OverdueItem extends DueItem {
  /** Working days after the effective date up to today; 0 when only holidays have passed. */
  overdueWorkingDays: number;
}

export interface SupervisionResult {
  level: SupervisionLevel;
  /** Chinese, most severe first, e.g. "已逾期 3 个工作日（完成时限 2026-10-30）". */
  reasons: string[];
  /** Largest overdue count among the deadline and unfinished milestones (0 when none). */
  overdueWorkingDays: number;
  /** True when any time limit has passed (even if only holidays have passed since). */
  overdue: boolean;
  overdueItems: OverdueItem[];
  /** The nearest time limit not yet passed (today counts), or null. */
  nextDue: { date: IsoDate; title: string; effectiveDate: IsoDate; kind: 'deadline' | 'milestone' } | null;
  dueInWorkingDays: number | null;
  /** Whole reporting cycles just before the current one without any progress report (0, 1 or 2). */
  missedReportingCycles: Period[];
}

export const DEADLINE_TITLE = '完成时限';
const LEVEL_RANK: Record<SupervisionLevel, number> = { none: 0, blue: 1, yellow: 2, red: 3 };

export function maxLevel(a: SupervisionLevel, b: SupervisionLevel): SupervisionLevel {
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

export function compareLevels(a: SupervisionLevel, b: SupervisionLevel): number {
  return LEVEL_RANK[a] - LEVEL_RANK[b];
}

export function computeSupervision(
  task: TaskSnapshot,
  today: IsoDate,
  calendar: WorkingCalendar,
  thresholds: SupervisionThresholds = DEFAULT_THRESHOLDS,
): SupervisionResult {
  const result: SupervisionResult = {
    level: 'none',
    reasons: [],
    overdueWorkingDays: 0,
    overdue: false,
    overdueItems: [],
    nextDue: null,
    dueInWorkingDays: null,
    missedReportingCycles: [],
  };
  if (!OPEN_STATUSES.includes(task.status)) return result;

  const flagged: { level: SupervisionLevel; reason: string }[] = [];
  const flag = (level: SupervisionLevel, reason: string) => flagged.push({ level, reason });

  // Time limits: overdue ones are yellow/red, near ones blue.
  for (const item of dueItems(task, calendar)) {
    const shifted = item.effectiveDate !== item.date ? `，遇节假日顺延至 ${item.effectiveDate}` : '';
    const limit = item.kind === 'deadline' ? `完成时限 ${item.date}${shifted}` : `节点时限 ${item.date}${shifted}`;
    const subject = item.kind === 'deadline' ? '' : `节点「${item.title}」`;
    if (item.effectiveDate < today) {
      const days = calendar.workingDaysBetween(item.effectiveDate, today);
      result.overdueItems.push({ ...item, overdueWorkingDays: days });
      const level = days > thresholds.yellowOverdueMaxWorkingDays ? 'red' : 'yellow';
      flag(level, days > 0 ? `${subject}已逾期 ${days} 个工作日（${limit}）` : `${subject}已过时限，逾期不足 1 个工作日（${limit}）`);
    } else {
      const dueIn = calendar.workingDaysBetween(today, item.effectiveDate);
      if (result.nextDue === null) {
        result.nextDue = { date: item.date, title: item.title, effectiveDate: item.effectiveDate, kind: item.kind };
        result.dueInWorkingDays = dueIn;
      }
      if (dueIn <= thresholds.blueWithinWorkingDays) {
        const when =
          item.kind === 'deadline'
            ? dueIn === 0 ? '今天是完成时限' : `距完成时限还有 ${dueIn} 个工作日`
            : dueIn === 0 ? `${subject}今天到期` : `${subject}还有 ${dueIn} 个工作日到期`;
        flag('blue', `${when}（${limit}）`);
      }
    }
  }
  result.overdue = result.overdueItems.length > 0;
  result.overdueWorkingDays = result.overdueItems.reduce((max, item) => Math.max(max, item.overdueWorkingDays), 0);

  const behind = behindSchedule(task, today, thresholds);
  if (behind) flag('blue', behind);

  // Reporting cycles. A disputed task waits on the office, so the unit is not chased for reports.
  if (task.status !== '有异议') {
    const missed = missedCycles(task, today, thresholds.reportingCycle);
    result.missedReportingCycles = missed;
    if (missed.length >= 2) {
      flag('red', `连续两个报告周期（${missed[1]!.label}、${missed[0]!.label}）没有报送进展`);
    } else if (missed.length === 1) {
      flag('yellow', `上个报告周期（${missed[0]!.label}）没有报送进展`);
    }
  }

  // Most severe first; within a level, time limits by date, then progress, then reporting.
  const ordered = flagged.map((f, i) => ({ ...f, i })).sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.i - b.i);
  result.reasons = ordered.map((f) => f.reason);
  result.level = flagged.reduce<SupervisionLevel>((level, f) => maxLevel(level, f.level), 'none');
  return result;
}

/** The deadline and unfinished milestones, by effective date (deadline first on the same day). */
export function dueItems(task: Pick<TaskSnapshot, 'deadline' | 'milestones'>, calendar: WorkingCalendar): DueItem[] {
  const items: DueItem[] = [];
  if (task.deadline) {
    items.push({ kind: 'deadline', title: DEADLINE_TITLE, date: task.deadline, effectiveDate: calendar.workingDayOnOrAfter(task.deadline) });
  }
  for (const m of task.milestones) {
    if (m.doneDate) continue;
    items.push({ kind: 'milestone', title: m.title, date: m.dueDate, effectiveDate: calendar.workingDayOnOrAfter(m.dueDate) });
  }
  return items.sort(
    (a, b) =>
      cmp(a.effectiveDate, b.effectiveDate) ||
      (a.kind === b.kind ? 0 : a.kind === 'deadline' ? -1 : 1) ||
      cmp(a.date, b.date) ||
      cmp(a.title, b.title),
  );
}

/**
 * "时间过半、任务未过半": the share of calendar time elapsed between start and deadline, against the
 * last reported percent. Needs a start (or creation) date, a deadline and a reported percent.
 */
function behindSchedule(task: TaskSnapshot, today: IsoDate, thresholds: SupervisionThresholds): string | null {
  const start = task.startDate ?? task.createdOn ?? null;
  const percent = task.lastPercent;
  if (!start || !task.deadline || percent === null || percent === undefined) return null;
  const span = daysBetween(start, task.deadline);
  if (span <= 0 || today < start || today > task.deadline) return null;
  const elapsed = (daysBetween(start, today) / span) * 100;
  if (percent >= elapsed - thresholds.behindScheduleGapPercent) return null;
  return `进度滞后：时间已过 ${Math.round(elapsed)}%，报告进度为 ${percent}%（落后超过 ${thresholds.behindScheduleGapPercent} 个百分点）`;
}

/**
 * The whole cycles just before the current one in which the task had no report, newest first,
 * counting only cycles the task existed for from their first day. Only the latest report date is
 * known, so a report in the current cycle clears the flag: once a unit catches up, the colour goes.
 */
function missedCycles(task: TaskSnapshot, today: IsoDate, cycle: ReportingCycle): Period[] {
  // Active from the later of creation and planned start; unknown means "always existed".
  const candidates = [task.createdOn, task.startDate].filter((d): d is IsoDate => !!d);
  const activeFrom = candidates.length ? candidates.reduce((a, b) => (a > b ? a : b)) : null;
  const missed: Period[] = [];
  for (let n = 1; n <= 2; n++) {
    const period = cycleBefore(today, cycle, n);
    if (activeFrom !== null && activeFrom > period.start) break;
    if (task.lastReportOn && task.lastReportOn >= period.start) break;
    missed.push(period);
  }
  return missed;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
