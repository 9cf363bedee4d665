// The ONE working-day calendar: Chinese statutory holidays plus 调休 make-up working days, with the
// office's own overrides on top. Everything that counts "working days" (reminders, 三色督办, tallies,
// "first working day of the month" schedules) goes through a WorkingCalendar.
//
// Pure: the holiday data comes in through the constructor (src/core/calendar-data.ts loads it from
// the chinese-days package). Dates are 'YYYY-MM-DD' strings in Asia/Shanghai and all arithmetic is
// done on those strings, never on the server's local time zone.
//
// Years the data does not cover (chinese-days stops at 2026) fall back to Monday–Friday working,
// weekends off, plus any overrides; coverage()/coverageWarning() say so, so callers can log it.
import { z } from 'zod';
import { addDays, isIsoDate, weekday } from './dates.js';
import type { IsoDate } from './types.js';
import { isoDateSchema, parseSettings } from './validation.js';

/** The shape of chinese-days' JSON (values like "National Day,国庆节,3"). */
export interface HolidayData {
  holidays: Record<IsoDate, string>;
  workdays: Record<IsoDate, string>;
}

export type OverrideKind = 'holiday' | 'workday';
/** One office override: just the kind, or the kind with a name to show ("元旦", "县庆调休"). */
export type CalendarOverride = OverrideKind | { type: OverrideKind; name?: string };
export type CalendarOverrides = Record<IsoDate, CalendarOverride>;

export type CoverageSource = 'library' | 'overrides' | 'weekday-fallback';
export interface YearCoverage {
  year: number;
  known: boolean;
  source: CoverageSource;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';
export interface DayInfo {
  date: IsoDate;
  working: boolean;
  kind: DayKind;
  /** Holiday name for holidays and make-up working days ("国庆节"), else null. */
  name: string | null;
  /** For people: "工作日", "周末", "国庆节", "国庆节调休上班". */
  label: string;
}

export interface WorkingCalendarOptions {
  /** Named in the coverage warning. */
  sourceName?: string;
}

interface DayState {
  working: boolean;
  name: string | null;
}

const DAY_MS = 86_400_000;
/** Guard for day-by-day walks: no real calendar has a year without a working day. */
const MAX_WALK_DAYS = 3_700;
/** Shown for an office holiday override that carries no name. */
const OVERRIDE_HOLIDAY_NAME = '本地放假安排';

export class WorkingCalendar {
  /** Every date the data or the overrides say something about (final answer, overrides applied). */
  private readonly special = new Map<IsoDate, DayState>();
  private readonly libraryYears = new Set<number>();
  private readonly overrideYears = new Set<number>();
  private readonly libraryMinYear: number | null;
  private readonly libraryMaxYear: number | null;
  private readonly sourceName: string;
  /**
   * Dates whose answer differs from plain Monday–Friday, sorted, with prefix sums of +1 (working
   * weekend day) / −1 (weekday off). Lets workingDaysBetween() count any range in O(log n)
   * instead of walking it day by day, which matters when tallying 100,000 tasks.
   */
  private readonly deltaDates: IsoDate[] = [];
  private readonly deltaPrefix: number[] = [0];
  /** cumulative() per date: a ledger has few distinct dates, and tallies ask about them over and over. */
  private readonly cumulativeCache = new Map<IsoDate, number>();

  constructor(data: HolidayData, overrides: CalendarOverrides = {}, options: WorkingCalendarOptions = {}) {
    this.sourceName = options.sourceName ?? 'chinese-days';
    for (const [date, value] of Object.entries(data.holidays)) {
      this.library(date, { working: false, name: holidayNameFromLibrary(value) });
    }
    // A make-up working day listed in the data wins over a holiday entry for the same date.
    for (const [date, value] of Object.entries(data.workdays)) {
      this.library(date, { working: true, name: holidayNameFromLibrary(value) });
    }
    const years = [...this.libraryYears];
    this.libraryMinYear = years.length ? Math.min(...years) : null;
    this.libraryMaxYear = years.length ? Math.max(...years) : null;

    for (const [date, value] of Object.entries(overrides)) {
      assertDate(date, 'overrides');
      const type = typeof value === 'string' ? value : value.type;
      const ownName = typeof value === 'string' ? undefined : value.name?.trim() || undefined;
      const previous = this.special.get(date);
      const name = ownName ?? previous?.name ?? (type === 'holiday' ? OVERRIDE_HOLIDAY_NAME : null);
      this.special.set(date, { working: type === 'workday', name });
      this.overrideYears.add(yearOf(date));
    }

    const deltas: [IsoDate, number][] = [];
    for (const [date, state] of this.special) {
      const plain = isWeekdayDate(date);
      if (state.working !== plain) deltas.push([date, state.working ? 1 : -1]);
    }
    deltas.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [date, delta] of deltas) {
      this.deltaDates.push(date);
      this.deltaPrefix.push(this.deltaPrefix[this.deltaPrefix.length - 1]! + delta);
    }
  }

  private library(date: IsoDate, state: DayState): void {
    assertDate(date, 'holiday data');
    this.special.set(date, state);
    this.libraryYears.add(yearOf(date));
  }

  isWorkingDay(date: IsoDate): boolean {
    assertDate(date);
    const state = this.special.get(date);
    return state ? state.working : isWeekdayDate(date);
  }

  /** The holiday's name when the date is a day off for a holiday ("国庆节"); null otherwise (incl. plain weekends). */
  holidayName(date: IsoDate): string | null {
    assertDate(date);
    const state = this.special.get(date);
    return state && !state.working ? state.name : null;
  }

  describeDay(date: IsoDate): DayInfo {
    assertDate(date);
    const state = this.special.get(date);
    const plain = isWeekdayDate(date);
    if (!state) return plain ? { date, working: true, kind: 'workday', name: null, label: '工作日' } : { date, working: false, kind: 'weekend', name: null, label: '周末' };
    if (!state.working) return { date, working: false, kind: 'holiday', name: state.name, label: state.name ?? '休息日' };
    if (!plain) {
      return { date, working: true, kind: 'makeup-workday', name: state.name, label: state.name ? `${state.name}调休上班` : '调休上班' };
    }
    return { date, working: true, kind: 'workday', name: state.name, label: '工作日' };
  }

  /** A year is known when the holiday data or the office's overrides list any date in it. */
  isKnownYear(year: number): boolean {
    return this.libraryYears.has(year) || this.overrideYears.has(year);
  }

  coverage(year: number): YearCoverage {
    if (this.libraryYears.has(year)) return { year, known: true, source: 'library' };
    if (this.overrideYears.has(year)) return { year, known: true, source: 'overrides' };
    return { year, known: false, source: 'weekday-fallback' };
  }

  /** Chinese warning to log when a year falls back to Monday–Friday; null when the year is known. */
  coverageWarning(year: number): string | null {
    if (this.isKnownYear(year)) return null;
    let range = '未收录任何年份';
    if (this.libraryMinYear !== null && this.libraryMaxYear !== null) {
      range = year < this.libraryMinYear ? `仅含 ${this.libraryMinYear} 年起` : `仅含至 ${this.libraryMaxYear} 年`;
    }
    return (
      `${year} 年的法定节假日安排尚未收录（${this.sourceName} ${range}），暂按周一至周五工作日计算；` +
      '请在 CALENDAR_OVERRIDES_FILE 中补充国务院公布的放假安排。'
    );
  }

  /** Years between the two dates (inclusive, either order) that fall back to Monday–Friday. */
  unknownYearsIn(from: IsoDate, to: IsoDate): number[] {
    assertDate(from);
    assertDate(to);
    const [a, b] = from <= to ? [yearOf(from), yearOf(to)] : [yearOf(to), yearOf(from)];
    const years: number[] = [];
    for (let y = a; y <= b; y++) if (!this.isKnownYear(y)) years.push(y);
    return years;
  }

  /** Warnings for every unknown year the range touches (for a job to log once). */
  coverageWarningsFor(from: IsoDate, to: IsoDate): string[] {
    return this.unknownYearsIn(from, to).map((y) => this.coverageWarning(y)!);
  }

  /** The first working day strictly after the date. */
  nextWorkingDay(date: IsoDate): IsoDate {
    return this.walk(addDays(date, 1), 1);
  }

  /** The last working day strictly before the date. */
  previousWorkingDay(date: IsoDate): IsoDate {
    return this.walk(addDays(date, -1), -1);
  }

  /** The date itself if it is a working day, else the next one (a deadline on a holiday moves here). */
  workingDayOnOrAfter(date: IsoDate): IsoDate {
    // Every deadline goes through here on every summary; a ledger has few distinct dates.
    let hit = this.onOrAfterCache.get(date);
    if (hit === undefined) {
      hit = this.walk(date, 1);
      if (this.onOrAfterCache.size > 50_000) this.onOrAfterCache.clear();
      this.onOrAfterCache.set(date, hit);
    }
    return hit;
  }
  private readonly onOrAfterCache = new Map<IsoDate, IsoDate>();

  workingDayOnOrBefore(date: IsoDate): IsoDate {
    return this.walk(date, -1);
  }

  /**
   * n working days after (n > 0) or before (n < 0) the date; the date itself for n = 0.
   * Inverse of workingDaysBetween: workingDaysBetween(d, addWorkingDays(d, n)) === n for every d, n.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    assertDate(date);
    if (!Number.isInteger(n)) throw new RangeError(`addWorkingDays: n must be an integer, got ${n}`);
    let d = date;
    for (let i = 0; i < Math.abs(n); i++) d = n > 0 ? this.nextWorkingDay(d) : this.previousWorkingDay(d);
    return d;
  }

  /**
   * Working days after `from` up to and including `to` (0 on the same day). When `to` is earlier,
   * minus the working days from `to` (inclusive) up to `from` (exclusive), so that the count
   * mirrors addWorkingDays in both directions.
   */
  workingDaysBetween(from: IsoDate, to: IsoDate): number {
    if (from === to) {
      assertDate(from);
      return 0;
    }
    if (from < to) return this.cumulative(to) - this.cumulative(from);
    return -(this.cumulative(addDays(from, -1)) - this.cumulative(addDays(to, -1)));
  }

  firstWorkingDayOfMonth(year: number, month: number): IsoDate {
    if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`month must be 1..12, got ${month}`);
    return this.workingDayOnOrAfter(`${pad(year, 4)}-${pad(month, 2)}-01`);
  }

  /** quarter 1..4 */
  firstWorkingDayOfQuarter(year: number, quarter: number): IsoDate {
    if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) throw new RangeError(`quarter must be 1..4, got ${quarter}`);
    return this.firstWorkingDayOfMonth(year, (quarter - 1) * 3 + 1);
  }

  isFirstWorkingDayOfMonth(date: IsoDate): boolean {
    assertDate(date);
    return this.firstWorkingDayOfMonth(yearOf(date), Number(date.slice(5, 7))) === date;
  }

  isFirstWorkingDayOfQuarter(date: IsoDate): boolean {
    const month = Number(date.slice(5, 7));
    return (month - 1) % 3 === 0 && this.isFirstWorkingDayOfMonth(date);
  }

  /** Working days on or before the date, counted from a fixed origin (only differences matter). */
  private cumulative(date: IsoDate): number {
    const cached = this.cumulativeCache.get(date);
    if (cached !== undefined) return cached;
    assertDate(date);
    if (this.cumulativeCache.size >= 100_000) this.cumulativeCache.clear();
    const value = this.computeCumulative(date);
    this.cumulativeCache.set(date, value);
    return value;
  }

  private computeCumulative(date: IsoDate): number {
    const dayNumber = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    // 1970-01-01 (day 0) was a Thursday, so (day + 4) mod 7 is the weekday with 0 = Sunday; each
    // full week holds 5 weekdays and a partial week ending on weekday r holds min(r, 5).
    const k = dayNumber + 4;
    const weeks = Math.floor(k / 7);
    const r = k - weeks * 7;
    return weeks * 5 + Math.min(r, 5) + this.deltaPrefix[this.deltasOnOrBefore(date)]!;
  }

  /** How many delta dates are <= date (binary search). */
  private deltasOnOrBefore(date: IsoDate): number {
    let lo = 0;
    let hi = this.deltaDates.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.deltaDates[mid]! <= date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private walk(start: IsoDate, step: 1 | -1): IsoDate {
    assertDate(start);
    let d = start;
    for (let i = 0; i < MAX_WALK_DAYS; i++) {
      if (this.isWorkingDay(d)) return d;
      d = addDays(d, step);
    }
    throw new Error(`no working day within ${MAX_WALK_DAYS} days of ${start}; check the calendar overrides`);
  }
}

/** "National Day,国庆节,3" → "国庆节" (the data's English,Chinese,id triple). */
export function holidayNameFromLibrary(value: string): string {
  const parts = value.split(',');
  return (parts[1] ?? parts[0] ?? value).trim() || value;
}

// ---- the office's overrides file (CALENDAR_OVERRIDES_FILE) ----

const overrideKindSchema = z.enum(['holiday', 'workday', '休', '班'], {
  error: (iss) => `应为 "holiday"（放假）或 "workday"（上班），实际为 ${JSON.stringify(iss.input)}`,
});
const overrideValueSchema = z.union(
  [
    overrideKindSchema,
    z.strictObject({
      type: overrideKindSchema,
      name: z.string({ error: 'name 应为文字，如 "元旦"' }).max(40, { error: 'name 不能超过 40 个字' }).optional(),
    }),
  ],
  { error: '应为 "holiday"、"workday"，或 {"type": "holiday", "name": "元旦"} 这样的对象' },
);
const overridesSchema = z.record(isoDateSchema, overrideValueSchema, {
  error: '应为一个对象，键为日期（YYYY-MM-DD），值为 "holiday" 或 "workday"',
});

/**
 * Validates the office's calendar overrides, e.g.
 * `{"2027-01-01": {"type": "holiday", "name": "元旦"}, "2027-02-07": "workday"}`.
 * "休"/"班" are accepted as holiday/workday. Throws InvalidSettingsError with Chinese messages.
 */
export function parseCalendarOverrides(json: unknown): CalendarOverrides {
  const parsed = parseSettings(overridesSchema, json, '节假日补充配置');
  const result: CalendarOverrides = {};
  for (const [date, value] of Object.entries(parsed)) {
    if (typeof value === 'string') {
      result[date] = normaliseKind(value);
    } else {
      const name = value.name?.trim();
      result[date] = name ? { type: normaliseKind(value.type), name } : { type: normaliseKind(value.type) };
    }
  }
  return result;
}

function normaliseKind(kind: 'holiday' | 'workday' | '休' | '班'): OverrideKind {
  return kind === '休' ? 'holiday' : kind === '班' ? 'workday' : kind;
}

// ---- helpers ----

function isWeekdayDate(date: IsoDate): boolean {
  const w = weekday(date);
  return w >= 1 && w <= 5;
}

function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function assertDate(date: IsoDate, where = 'calendar'): void {
  if (!isIsoDate(date)) throw new RangeError(`${where}: not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
}
