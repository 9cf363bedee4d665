// Calendar periods (months, quarters, half-years) as plain date ranges. Used for reporting cycles
// (按月推进), honour-roll months, half-year tallies, and as the "period" part of a send's key.
import { addDays } from './dates.js';
import type { IsoDate } from './types.js';

export type ReportingCycle = 'monthly' | 'quarterly';
export const REPORTING_CYCLES: readonly ReportingCycle[] = ['monthly', 'quarterly'];

export interface Period {
  /** Stable key: '2026-10' (month), '2026-Q4' (quarter), '2026-H2' (half-year), '2026' (year). */
  key: string;
  /** For people: '2026年10月', '2026年第四季度', '2026年下半年', '2026年'. */
  label: string;
  start: IsoDate;
  /** Inclusive. */
  end: IsoDate;
}

const QUARTER_NAMES = ['一', '二', '三', '四'];

export function monthPeriod(year: number, month: number): Period {
  const y = normaliseYearMonth(year, month);
  const start = ymd(y.year, y.month, 1);
  const next = normaliseYearMonth(y.year, y.month + 1);
  return { key: start.slice(0, 7), label: `${y.year}年${y.month}月`, start, end: addDays(ymd(next.year, next.month, 1), -1) };
}

export function quarterPeriod(year: number, quarter: number): Period {
  const first = monthPeriod(year, (quarter - 1) * 3 + 1);
  const last = monthPeriod(year, (quarter - 1) * 3 + 3);
  return { key: `${year}-Q${quarter}`, label: `${year}年第${QUARTER_NAMES[quarter - 1]}季度`, start: first.start, end: last.end };
}

export function halfYearPeriod(year: number, half: 1 | 2): Period {
  return half === 1
    ? { key: `${year}-H1`, label: `${year}年上半年`, start: ymd(year, 1, 1), end: ymd(year, 6, 30) }
    : { key: `${year}-H2`, label: `${year}年下半年`, start: ymd(year, 7, 1), end: ymd(year, 12, 31) };
}

export function yearPeriod(year: number): Period {
  return { key: String(year), label: `${year}年`, start: ymd(year, 1, 1), end: ymd(year, 12, 31) };
}

export function monthContaining(date: IsoDate): Period {
  return monthPeriod(yearOf(date), monthOf(date));
}

export function quarterContaining(date: IsoDate): Period {
  return quarterPeriod(yearOf(date), Math.floor((monthOf(date) - 1) / 3) + 1);
}

/** The reporting cycle that contains the date. */
export function cycleContaining(date: IsoDate, cycle: ReportingCycle): Period {
  return cycle === 'monthly' ? monthContaining(date) : quarterContaining(date);
}

/** The cycle `n` cycles before the one containing the date (n = 1: the previous cycle). */
export function cycleBefore(date: IsoDate, cycle: ReportingCycle, n = 1): Period {
  // Asked once per task with the same day: remember the few answers (periods are immutable values).
  const key = `${date}|${cycle}|${n}`;
  const hit = cycleBeforeCache.get(key);
  if (hit) return hit;
  let period = cycleContaining(date, cycle);
  for (let i = 0; i < n; i++) period = cycleContaining(addDays(period.start, -1), cycle);
  if (cycleBeforeCache.size > 1000) cycleBeforeCache.clear();
  cycleBeforeCache.set(key, Object.freeze(period));
  return period;
}
const cycleBeforeCache = new Map<string, Period>();

function normaliseYearMonth(year: number, month: number): { year: number; month: number } {
  const index = year * 12 + (month - 1);
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function ymd(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

function monthOf(date: IsoDate): number {
  return Number(date.slice(5, 7));
}
