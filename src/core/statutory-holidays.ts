// The statutory holidays (法定节假日) of a year, computed from the law, for years the holiday
// library does not know yet (chinese-days 1.5.7 stops at 2026): what the State Council's yearly
// notice always contains. Its 调休 swaps (make-up working weekends and the days off they pay for)
// cannot be computed and stay unknown until the office loads the notice.
//
// The rules are data (STATUTORY_RULES), one entry per version of 《全国年节及纪念日放假办法》 with
// its source; each names the days of every 全体公民放假的节日 (article 2). Pure: lunar dates and the
// 清明 solar term come from src/core/lunar.ts.
//
// Article 6 (unchanged since 1999): 「全体公民放假的假日，如果适逢周六、周日，应当在工作日补假。」
// The law does not say WHICH working day; estimateYear() places each 补假 on the first Monday–Friday
// after the holiday (past the weekend and the other holiday days), which is where every State
// Council notice 2008–2026 put them (test/core/statutory-holidays.test.ts checks the estimate
// against those years). A statutory day that coincides with another (中秋 on 10-01) is compensated
// the same way, as the 2020 notice did.
import { addDays, weekday } from './dates.js';
import { lunarNewYearsEve, lunarToSolar, qingmingDate, LUNAR_MAX_YEAR } from './lunar.js';
import type { IsoDate } from './types.js';

/** How one statutory day is found in a year. */
export type StatutoryDayRule =
  | { kind: 'solar'; month: number; day: number }
  /** A day of the first lunar month of the lunar year that starts in this Gregorian year, or a later lunar month of it. */
  | { kind: 'lunar'; month: number; day: number }
  /** 除夕: the last day of the twelfth lunar month, before 正月初一 of this year. */
  | { kind: 'lunar-new-years-eve' }
  /** 清明: the day of the 清明 solar term. */
  | { kind: 'qingming' };

export interface StatutoryHoliday {
  /** As chinese-days names it, so that library and computed days read the same: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆节. */
  name: string;
  days: StatutoryDayRule[];
}

export interface StatutoryRuleVersion {
  /** First Gregorian year the version governs. */
  fromYear: number;
  /** The regulation as published. */
  source: string;
  holidays: StatutoryHoliday[];
}

const solar = (month: number, day: number): StatutoryDayRule => ({ kind: 'solar', month, day });
const lunar = (month: number, day: number): StatutoryDayRule => ({ kind: 'lunar', month, day });
const EVE: StatutoryDayRule = { kind: 'lunar-new-years-eve' };
const QINGMING: StatutoryDayRule = { kind: 'qingming' };

const NEW_YEAR: StatutoryHoliday = { name: '元旦', days: [solar(1, 1)] };
const NATIONAL_DAY: StatutoryHoliday = { name: '国庆节', days: [solar(10, 1), solar(10, 2), solar(10, 3)] };
const QINGMING_DAY: StatutoryHoliday = { name: '清明', days: [QINGMING] };
const DRAGON_BOAT: StatutoryHoliday = { name: '端午', days: [lunar(5, 5)] };
const MID_AUTUMN: StatutoryHoliday = { name: '中秋', days: [lunar(8, 15)] };

/** 《全国年节及纪念日放假办法》 article 2, version by version (newest last). */
export const STATUTORY_RULES: readonly StatutoryRuleVersion[] = [
  {
    fromYear: 2000,
    source: '《全国年节及纪念日放假办法》（1999 年 9 月 18 日国务院令第 270 号修订）第二条',
    holidays: [
      NEW_YEAR,
      { name: '春节', days: [lunar(1, 1), lunar(1, 2), lunar(1, 3)] },
      { name: '劳动节', days: [solar(5, 1), solar(5, 2), solar(5, 3)] },
      NATIONAL_DAY,
    ],
  },
  {
    fromYear: 2008,
    source: '《全国年节及纪念日放假办法》（2007 年 12 月 14 日国务院令第 513 号修订，2008 年 1 月 1 日起施行）第二条',
    holidays: [
      NEW_YEAR,
      { name: '春节', days: [EVE, lunar(1, 1), lunar(1, 2)] },
      QINGMING_DAY,
      { name: '劳动节', days: [solar(5, 1)] },
      DRAGON_BOAT,
      MID_AUTUMN,
      NATIONAL_DAY,
    ],
  },
  {
    fromYear: 2014,
    source: '《全国年节及纪念日放假办法》（2013 年 12 月 11 日国务院令第 644 号修订，2014 年 1 月 1 日起施行）第二条',
    holidays: [
      NEW_YEAR,
      { name: '春节', days: [lunar(1, 1), lunar(1, 2), lunar(1, 3)] },
      QINGMING_DAY,
      { name: '劳动节', days: [solar(5, 1)] },
      DRAGON_BOAT,
      MID_AUTUMN,
      NATIONAL_DAY,
    ],
  },
  {
    fromYear: 2025,
    source: '《全国年节及纪念日放假办法》（2024 年 11 月 10 日国务院令第 795 号修订，2025 年 1 月 1 日起施行）第二条',
    holidays: [
      NEW_YEAR,
      { name: '春节', days: [EVE, lunar(1, 1), lunar(1, 2), lunar(1, 3)] },
      QINGMING_DAY,
      { name: '劳动节', days: [solar(5, 1), solar(5, 2)] },
      DRAGON_BOAT,
      MID_AUTUMN,
      NATIONAL_DAY,
    ],
  },
];

/** Article 6, the source of the 补假 estimate. */
export const COMPENSATION_SOURCE = '《全国年节及纪念日放假办法》第六条：全体公民放假的假日，如果适逢周六、周日，应当在工作日补假';

/** Years the rules can be computed for: from the first version to the end of the lunar table. */
export const STATUTORY_MIN_YEAR = STATUTORY_RULES[0]!.fromYear;
export const STATUTORY_MAX_YEAR = LUNAR_MAX_YEAR - 1;

export function hasStatutoryRules(year: number): boolean {
  return Number.isInteger(year) && year >= STATUTORY_MIN_YEAR && year <= STATUTORY_MAX_YEAR;
}

/** The version of the rules in force in a year; RangeError outside STATUTORY_MIN_YEAR–STATUTORY_MAX_YEAR. */
export function statutoryRulesFor(year: number): StatutoryRuleVersion {
  if (!hasStatutoryRules(year)) throw new RangeError(`statutory holidays can be computed for ${STATUTORY_MIN_YEAR}–${STATUTORY_MAX_YEAR}, not ${year}`);
  let found = STATUTORY_RULES[0]!;
  for (const v of STATUTORY_RULES) if (v.fromYear <= year) found = v;
  return found;
}

export interface StatutoryDay {
  date: IsoDate;
  name: string;
}

function dateOf(rule: StatutoryDayRule, year: number): IsoDate {
  switch (rule.kind) {
    case 'solar':
      return `${year}-${String(rule.month).padStart(2, '0')}-${String(rule.day).padStart(2, '0')}`;
    case 'lunar':
      // The lunar year that starts in this Gregorian year (its 正月初一 is in January or February).
      return lunarToSolar({ year, month: rule.month, day: rule.day });
    case 'lunar-new-years-eve':
      return lunarNewYearsEve(year);
    case 'qingming':
      return qingmingDate(year);
  }
}

/**
 * The statutory days of a year, in date order, one entry per day the law names (two entries on
 * one date when two holidays coincide, e.g. 中秋 on 国庆 10-01). 除夕 of the year's Spring Festival
 * can fall in January or February of the same year; lunar dates never leave it.
 */
export function statutoryDays(year: number): StatutoryDay[] {
  const rules = statutoryRulesFor(year);
  const days: StatutoryDay[] = [];
  for (const h of rules.holidays) for (const rule of h.days) days.push({ date: dateOf(rule, year), name: h.name });
  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export interface EstimatedDay {
  date: IsoDate;
  name: string;
  /** 'statutory': a day the law names; 'compensation': a 补假 placed by the article-6 estimate. */
  basis: 'statutory' | 'compensation';
}

const isWeekend = (d: IsoDate) => {
  const w = weekday(d);
  return w === 0 || w === 6;
};

const estimateCache = new Map<number, EstimatedDay[]>();

/**
 * The days off a year is certain to have by law, with article 6's 补假 placed by estimate: for
 * each statutory day on a Saturday or Sunday (or on a date another statutory day already holds),
 * the first Monday–Friday after it that is not already off. Sorted by date; one entry per date.
 */
export function estimateYear(year: number): readonly EstimatedDay[] {
  let hit = estimateCache.get(year);
  if (hit) return hit;
  const out = new Map<IsoDate, EstimatedDay>();
  const owed: StatutoryDay[] = [];
  for (const d of statutoryDays(year)) {
    if (out.has(d.date) || isWeekend(d.date)) owed.push(d);
    if (!out.has(d.date)) out.set(d.date, { date: d.date, name: d.name, basis: 'statutory' });
  }
  for (const d of owed) {
    let c = addDays(d.date, 1);
    while (isWeekend(c) || out.has(c)) c = addDays(c, 1);
    out.set(c, { date: c, name: d.name, basis: 'compensation' });
  }
  hit = [...out.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  estimateCache.set(year, hit);
  return hit;
}
