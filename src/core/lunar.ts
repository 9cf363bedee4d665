// The Chinese lunar calendar and the 清明 solar term, as the statutory-holiday rules need them
// (src/core/statutory-holidays.ts): 除夕, 正月初一–初三, 端午 (五月初五), 中秋 (八月十五), 清明.
//
// The data is chinese-days' (its lunar table LUNAR_INFO for 1900–2100, read through monthDays()
// and getYearLeapMonth(), and its 寿星 solar-term formula with the published corrections, through
// getSolarTermDate()). Its date-returning functions are NOT used as they are: they read and format
// dates with the server's local time zone, so in a zone west of UTC they are off by a day
// (measured with TZ=America/Los_Angeles: getSolarDateFromLunar('2027-01-01') gave 2027-02-07
// instead of 02-06, getSolarTermDate gave 清明 2027 as 04-04 instead of 04-05, and getSolarTerms
// found no 清明 in April 2027 at all). Here only the two integer functions are
// used for the lunar calendar (the day counting is done on 'YYYY-MM-DD' strings), and the solar
// term's string is corrected for the one thing that depends on the zone (see qingmingDate), so
// every answer is the same whatever TZ the server runs in.
import chineseDays from 'chinese-days';
import { addDays } from './dates.js';
import type { IsoDate } from './types.js';

/** Lunar years the table covers: 正月初一 1900 (1900-01-31) … the last day of lunar 2100. */
export const LUNAR_MIN_YEAR = 1900;
export const LUNAR_MAX_YEAR = 2100;
/** 正月初一 of lunar year 1900, the table's origin. */
const LUNAR_EPOCH: IsoDate = '1900-01-31';

export interface LunarDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–30 */
  day: number;
  /** The leap (闰) month that follows `month`. */
  leap?: boolean;
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new RangeError(`lunar year must be ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}, got ${year}`);
  }
}

/** Days in a regular lunar month (29 or 30). */
export function lunarMonthDays(year: number, month: number): number {
  assertYear(year);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`lunar month must be 1–12, got ${month}`);
  return chineseDays.monthDays(year, month);
}

/** The leap month of a lunar year (0 when none) and its length. */
export function lunarLeapMonth(year: number): { month: number; days: number } {
  assertYear(year);
  const leap = chineseDays.getYearLeapMonth(year);
  return { month: leap.leapMonth ?? 0, days: leap.days };
}

/** Days in a lunar year (353–385). */
export function lunarYearDays(year: number): number {
  let days = lunarLeapMonth(year).days;
  for (let m = 1; m <= 12; m++) days += lunarMonthDays(year, m);
  return days;
}

const newYearCache = new Map<number, IsoDate>();

/** 正月初一 (Spring Festival) of a lunar year, e.g. 2027 → '2027-02-06'. */
export function lunarNewYear(year: number): IsoDate {
  assertYear(year);
  let hit = newYearCache.get(year);
  if (hit === undefined) {
    let offset = 0;
    for (let y = LUNAR_MIN_YEAR; y < year; y++) offset += lunarYearDays(y);
    hit = addDays(LUNAR_EPOCH, offset);
    newYearCache.set(year, hit);
  }
  return hit;
}

/**
 * The solar date of a lunar date. Throws RangeError for a day the month does not have (a 30th in
 * a 29-day month) or a leap month the year does not have — never rolls over into the next month,
 * which is how "腊月三十" would silently become 正月初一 in a year whose 12th month has 29 days.
 */
export function lunarToSolar(date: LunarDate): IsoDate {
  const { year, month, day } = date;
  assertYear(year);
  const leap = lunarLeapMonth(year);
  if (date.leap && leap.month !== month) throw new RangeError(`lunar ${year} has no leap month ${month}`);
  const length = date.leap ? leap.days : lunarMonthDays(year, month);
  if (!Number.isInteger(day) || day < 1 || day > length) throw new RangeError(`lunar ${year}-${month}${date.leap ? ' (leap)' : ''} has ${length} days, not ${day}`);
  let offset = 0;
  for (let m = 1; m < month; m++) offset += lunarMonthDays(year, m);
  // The leap month follows its regular month: it lies before `month` when it is numbered lower,
  // and the leap month itself comes after the regular one of the same number.
  if (leap.month !== 0 && (leap.month < month || date.leap)) offset += date.leap ? lunarMonthDays(year, month) : leap.days;
  return addDays(lunarNewYear(year), offset + day - 1);
}

/**
 * 除夕 before the Spring Festival of the given year: the last day of the twelfth lunar month,
 * the 29th or the 30th (e.g. 2027-02-05, 腊月廿九, because lunar 2026's twelfth month has 29 days).
 */
export function lunarNewYearsEve(year: number): IsoDate {
  return addDays(lunarNewYear(year), -1);
}

/**
 * 清明 of a Gregorian year (4 or 5 April in 1900–2100), from chinese-days' solar-term formula.
 * getSolarTermDate builds the date as UTC midnight and formats it with the local zone's getters,
 * so west of UTC it names the day before; the result is corrected by checking what the local zone
 * makes of that UTC midnight.
 */
export function qingmingDate(year: number): IsoDate {
  assertYear(year);
  const raw = chineseDays.getSolarTermDate(year, 4, 'pure_brightness');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) throw new Error(`chinese-days getSolarTermDate gave ${JSON.stringify(raw)}`);
  const utcMidnight = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return utcMidnight.getDate() === Number(m[3]) ? raw : addDays(raw, 1);
}
