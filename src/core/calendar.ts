// The ONE working-day calendar: Chinese statutory holidays plus 调休 make-up working days, with the
// operator's and the office's own entries on top. Everything that counts "working days" (reminders,
// 三色督办, tallies, "first working day of the month" schedules) goes through a WorkingCalendar.
//
// Pure: the holiday data comes in through the constructor (src/core/calendar-data.ts loads it from
// the chinese-days package; the office's entries come from the database, src/ledger/calendars.ts).
// Dates are 'YYYY-MM-DD' strings in Asia/Shanghai and all arithmetic is done on those strings,
// never on the server's local time zone.
//
// Each day's answer comes from the highest of four layers (DaySource), lowest first:
//   statutory  years the library does not know (chinese-days 1.5.7 stops at 2026): the statutory
//              holidays computed from the law, with article 6's 补假 estimated
//              (src/core/statutory-holidays.ts) — only the 调休 swaps are unknown;
//   library    chinese-days' data: the State Council's published schedule, 调休 included;
//   file       CALENDAR_OVERRIDES_FILE, for the operator of a deployment;
//   office     the office's own entries (`taizhang calendar set`, 「日历」 in the chat), per tenant.
// Otherwise Monday–Friday work. coverage()/coverageWarning() say which years rest on the estimate.
import { z } from 'zod';
import { addDays, isIsoDate, weekday } from './dates.js';
import { estimateYear, hasStatutoryRules, STATUTORY_MIN_YEAR, STATUTORY_MAX_YEAR } from './statutory-holidays.js';
import type { IsoDate } from './types.js';
import { isoDateSchema, parseSettings } from './validation.js';

/** The shape of chinese-days' JSON (values like "National Day,国庆节,3"). */
export interface HolidayData {
  holidays: Record<IsoDate, string>;
  workdays: Record<IsoDate, string>;
}

export type OverrideKind = 'holiday' | 'workday';
/** One override: just the kind, or the kind with a name to show ("元旦", "县庆调休"). */
export type CalendarOverride = OverrideKind | { type: OverrideKind; name?: string };
export type CalendarOverrides = Record<IsoDate, CalendarOverride>;

/** Where a special day's answer comes from (see the layers above). */
export type DaySource = 'statutory' | 'library' | 'file' | 'office';
/** For people: `taizhang calendar`, the chat's 「日历」. */
export const DAY_SOURCE_LABELS: Record<DaySource, string> = {
  library: '库数据',
  statutory: '法定推算',
  office: '改革办设置',
  file: '配置文件',
};

export type CoverageSource = 'library' | 'office' | 'file' | 'statutory' | 'weekday-fallback';
export interface YearCoverage {
  year: number;
  /** The year's published schedule is in: the library has it, or the office or the operator entered days of it. */
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
  /** Which layer decided the day; null for a plain weekday or weekend. */
  source: DaySource | null;
  /** For a statutory-layer day: a day the law names, or a 补假 placed by estimate. */
  basis?: 'statutory' | 'compensation';
}

/** A day that differs from, or is named on top of, plain Monday–Friday. */
export interface SpecialDay {
  date: IsoDate;
  working: boolean;
  name: string | null;
  source: DaySource;
  basis?: 'statutory' | 'compensation';
}

export interface WorkingCalendarOptions {
  /** Named in the coverage warning. */
  sourceName?: string;
  /** The office's entries (per tenant), above the file overrides. */
  office?: CalendarOverrides;
  /** Compute the statutory holidays of years the library does not know (default true). */
  statutory?: boolean;
}

interface DayState {
  working: boolean;
  name: string | null;
  source: DaySource;
  basis?: 'statutory' | 'compensation';
}

const DAY_MS = 86_400_000;
/** Guard for day-by-day walks: no real calendar has a year without a working day. */
const MAX_WALK_DAYS = 3_700;
/** Shown for a holiday override that carries no name. */
const OVERRIDE_HOLIDAY_NAME = '本地放假安排';
/** The library covers a year when it lists that year's Spring Festival (every State Council notice has one). */
const COVERING_HOLIDAY = '春节';

export class WorkingCalendar {
  /** Every date some layer says something about (final answer, highest layer applied). */
  private readonly special: Map<IsoDate, DayState>;
  /** Years whose Spring Festival the library lists. */
  private readonly libraryYears: ReadonlySet<number>;
  private readonly fileYears = new Set<number>();
  private readonly officeYears = new Set<number>();
  private readonly libraryMinYear: number | null;
  private readonly libraryMaxYear: number | null;
  private readonly sourceName: string;
  private readonly statutory: boolean;
  /**
   * Dates whose answer differs from plain Monday–Friday, sorted, with prefix sums of +1 (working
   * weekend day) / −1 (weekday off). Lets workingDaysBetween() count any range in O(log n)
   * instead of walking it day by day, which matters when tallying 100,000 tasks.
   */
  private readonly deltaDates: IsoDate[] = [];
  private readonly deltaPrefix: number[] = [0];
  /** cumulative() per date: a ledger has few distinct dates, and tallies ask about them over and over. */
  private readonly cumulativeCache = new Map<IsoDate, number>();

  /**
   * @param data chinese-days' holidays and make-up working days (the library layer)
   * @param overrides CALENDAR_OVERRIDES_FILE (the file layer)
   * @param options.office the office's entries (the office layer); options.statutory: false turns
   *   the computed statutory holidays off (Monday–Friday for unknown years, as before 2027 was near)
   */
  constructor(data: HolidayData, overrides: CalendarOverrides = {}, options: WorkingCalendarOptions = {}) {
    this.sourceName = options.sourceName ?? 'chinese-days';
    this.statutory = options.statutory ?? true;
    // The library and statutory layers depend only on the data: built once per data object and
    // copied, so a per-tenant calendar costs about a millisecond, not a recomputation of 2000–2099.
    const layers = baseLayers(data, this.statutory);
    this.special = new Map(layers.special);
    this.libraryYears = layers.libraryYears;
    this.libraryMinYear = layers.libraryMinYear;
    this.libraryMaxYear = layers.libraryMaxYear;

    this.applyOverrides(overrides, 'file', this.fileYears);
    this.applyOverrides(options.office ?? {}, 'office', this.officeYears);

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

  private applyOverrides(overrides: CalendarOverrides, source: 'file' | 'office', years: Set<number>): void {
    for (const [date, value] of Object.entries(overrides)) {
      assertDate(date, 'overrides');
      const type = typeof value === 'string' ? value : value.type;
      const ownName = typeof value === 'string' ? undefined : value.name?.trim() || undefined;
      const previous = this.special.get(date);
      const name = ownName ?? previous?.name ?? (type === 'holiday' ? OVERRIDE_HOLIDAY_NAME : null);
      this.special.set(date, { working: type === 'workday', name, source });
      years.add(yearOf(date));
    }
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
    if (!state) {
      return plain
        ? { date, working: true, kind: 'workday', name: null, label: '工作日', source: null }
        : { date, working: false, kind: 'weekend', name: null, label: '周末', source: null };
    }
    const from = { source: state.source, ...(state.basis ? { basis: state.basis } : {}) };
    if (!state.working) {
      const label = (state.name ?? '休息日') + (state.basis === 'compensation' ? '补假' : '');
      return { date, working: false, kind: 'holiday', name: state.name, label, ...from };
    }
    if (!plain) {
      return { date, working: true, kind: 'makeup-workday', name: state.name, label: makeUpLabel(state.name), ...from };
    }
    return { date, working: true, kind: 'workday', name: state.name, label: '工作日', ...from };
  }

  /** Every special day of every year, by date (for a fingerprint of the calendar). */
  allSpecialDays(): SpecialDay[] {
    const out: SpecialDay[] = [];
    for (const [date, s] of this.special) out.push({ date, working: s.working, name: s.name, source: s.source, ...(s.basis ? { basis: s.basis } : {}) });
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /** Every special day of a year (holidays, make-up working days, named working days), by date. */
  specialDays(year: number): SpecialDay[] {
    const prefix = `${pad(year, 4)}-`;
    const out: SpecialDay[] = [];
    for (const [date, s] of this.special) {
      if (!date.startsWith(prefix)) continue;
      out.push({ date, working: s.working, name: s.name, source: s.source, ...(s.basis ? { basis: s.basis } : {}) });
    }
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /** A year is known when the library covers it or the office or the operator entered any day of it. */
  isKnownYear(year: number): boolean {
    return this.libraryYears.has(year) || this.officeYears.has(year) || this.fileYears.has(year);
  }

  coverage(year: number): YearCoverage {
    if (this.libraryYears.has(year)) return { year, known: true, source: 'library' };
    if (this.officeYears.has(year)) return { year, known: true, source: 'office' };
    if (this.fileYears.has(year)) return { year, known: true, source: 'file' };
    if (this.statutory && hasStatutoryRules(year)) return { year, known: false, source: 'statutory' };
    return { year, known: false, source: 'weekday-fallback' };
  }

  /**
   * Chinese warning for a year whose published schedule is not in (null when it is): the
   * statutory holidays are computed and the 调休 swaps unknown, or — outside the years the rules
   * and the lunar table cover — plain Monday–Friday.
   */
  coverageWarning(year: number): string | null {
    const coverage = this.coverage(year);
    if (coverage.known) return null;
    let range = '未收录任何年份';
    if (this.libraryMinYear !== null && this.libraryMaxYear !== null) {
      range = year < this.libraryMinYear ? `仅含 ${this.libraryMinYear} 年起` : `仅含至 ${this.libraryMaxYear} 年`;
    }
    if (coverage.source === 'statutory') {
      return (
        `${year} 年的放假安排尚未载入（${this.sourceName} ${range}）：法定节假日已按《全国年节及纪念日放假办法》推算` +
        '（元旦、春节、清明、劳动节、端午、中秋、国庆节，逢周末的补假按惯例排在假期之后），调休安排未知；' +
        `请改革办载入国务院办公厅公布的 ${year} 年放假安排（在飞书中向机器人发送「日历 ${year}-MM-DD 放假」或「日历 ${year}-MM-DD 上班」）。`
      );
    }
    return (
      `${year} 年的法定节假日安排尚未收录（${this.sourceName} ${range}），暂按周一至周五工作日计算；` +
      `请改革办载入当年放假安排（在飞书中向机器人发送「日历 ${year}-MM-DD 放假」或「日历 ${year}-MM-DD 上班」）。`
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

interface BaseLayers {
  special: ReadonlyMap<IsoDate, DayState>;
  libraryYears: ReadonlySet<number>;
  libraryMinYear: number | null;
  libraryMaxYear: number | null;
}
const baseLayersCache = new WeakMap<HolidayData, Map<boolean, BaseLayers>>();

/** The library layer over the statutory one (for the years the library does not cover). */
function baseLayers(data: HolidayData, statutory: boolean): BaseLayers {
  let byFlag = baseLayersCache.get(data);
  const hit = byFlag?.get(statutory);
  if (hit) return hit;
  const special = new Map<IsoDate, DayState>();
  const libraryYears = new Set<number>();
  for (const [date, value] of Object.entries(data.holidays)) {
    assertDate(date, 'holiday data');
    const name = holidayNameFromLibrary(value);
    special.set(date, { working: false, name, source: 'library' });
    if (name === COVERING_HOLIDAY) libraryYears.add(yearOf(date));
  }
  // A make-up working day listed in the data wins over a holiday entry for the same date.
  for (const [date, value] of Object.entries(data.workdays)) {
    assertDate(date, 'holiday data');
    special.set(date, { working: true, name: holidayNameFromLibrary(value), source: 'library' });
  }
  // Below the library: the statutory days of the years it does not cover.
  if (statutory) {
    for (let y = STATUTORY_MIN_YEAR; y <= STATUTORY_MAX_YEAR; y++) {
      if (libraryYears.has(y)) continue;
      for (const d of estimateYear(y)) {
        if (!special.has(d.date)) special.set(d.date, { working: false, name: d.name, source: 'statutory', basis: d.basis });
      }
    }
  }
  const years = [...libraryYears];
  const layers: BaseLayers = {
    special,
    libraryYears,
    libraryMinYear: years.length ? Math.min(...years) : null,
    libraryMaxYear: years.length ? Math.max(...years) : null,
  };
  if (!byFlag) baseLayersCache.set(data, (byFlag = new Map()));
  byFlag.set(statutory, layers);
  return layers;
}

/** "国庆节" → "国庆节调休上班"; a name that already says it ("春节调休", "调休上班") is not doubled. */
function makeUpLabel(name: string | null): string {
  if (!name) return '调休上班';
  if (name.endsWith('上班')) return name;
  return name.endsWith('调休') ? `${name}上班` : `${name}调休上班`;
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
