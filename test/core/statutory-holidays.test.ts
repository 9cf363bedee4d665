// The statutory holidays computed from 《全国年节及纪念日放假办法》 (src/core/statutory-holidays.ts)
// and the lunar calendar under them (src/core/lunar.ts): checked against every year chinese-days
// publishes (2004–2026), against the package's own lunar functions day by day, in several time
// zones, and 2027 day by day.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { holidayNameFromLibrary, WorkingCalendar } from '../../src/core/calendar.js';
import { loadChineseDaysData } from '../../src/core/calendar-data.js';
import { addDays, weekday } from '../../src/core/dates.js';
import { lunarLeapMonth, lunarMonthDays, lunarNewYear, lunarNewYearsEve, lunarToSolar, qingmingDate } from '../../src/core/lunar.js';
import {
  COMPENSATION_SOURCE, estimateYear, hasStatutoryRules, STATUTORY_MAX_YEAR, STATUTORY_MIN_YEAR, STATUTORY_RULES, statutoryDays, statutoryRulesFor,
} from '../../src/core/statutory-holidays.js';

const chineseDays = createRequire(import.meta.url)('chinese-days') as {
  getLunarDate: (d: string) => { lunarYear: number; lunarMon: number; lunarDay: number; isLeap: boolean };
  getSolarTerms: (a: string, b: string) => { date: string; term: string }[];
};
const data = loadChineseDaysData();
/** The library's own answer, nothing computed: weekends plus its published schedule. */
const libraryOnly = new WorkingCalendar(data, {}, { statutory: false });
const isWeekend = (d: string) => weekday(d) === 0 || weekday(d) === 6;
const LIBRARY_YEARS = Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i);

const savedTz = process.env.TZ;
const withTz = async <T>(tz: string, fn: () => T | Promise<T>): Promise<T> => {
  process.env.TZ = tz;
  try {
    return await fn();
  } finally {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  }
};
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('the rules table', () => {
  it('has one version per amendment, oldest first, each with its source', () => {
    expect(STATUTORY_RULES.map((v) => v.fromYear)).toEqual([2000, 2008, 2014, 2025]);
    for (const v of STATUTORY_RULES) expect(v.source).toMatch(/^《全国年节及纪念日放假办法》（.*国务院令第 \d+ 号修订.*）第二条$/);
    expect(statutoryRulesFor(2027).source).toContain('国务院令第 795 号');
    expect(COMPENSATION_SOURCE).toContain('第六条');
  });

  it('the 2024 amendment (in force from 2025): 元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 — 13 days', () => {
    const v = statutoryRulesFor(2025);
    expect(v).toBe(statutoryRulesFor(2099));
    expect(Object.fromEntries(v.holidays.map((h) => [h.name, h.days.length]))).toEqual({ 元旦: 1, 春节: 4, 清明: 1, 劳动节: 2, 端午: 1, 中秋: 1, 国庆节: 3 });
    expect(v.holidays.find((h) => h.name === '春节')!.days[0]).toEqual({ kind: 'lunar-new-years-eve' });
    expect(statutoryRulesFor(2024).holidays.find((h) => h.name === '春节')!.days).not.toContainEqual({ kind: 'lunar-new-years-eve' });
  });

  it('covers 2000–2099 and refuses other years', () => {
    expect([STATUTORY_MIN_YEAR, STATUTORY_MAX_YEAR]).toEqual([2000, 2099]);
    expect(hasStatutoryRules(2027)).toBe(true);
    expect(hasStatutoryRules(1999)).toBe(false);
    expect(hasStatutoryRules(2100)).toBe(false);
    expect(() => statutoryDays(1999)).toThrow(RangeError);
    expect(() => statutoryDays(2100)).toThrow(RangeError);
  });
});

describe('2027, the first year chinese-days 1.5.7 does not know', () => {
  it('the statutory days, day by day', () => {
    expect(statutoryDays(2027)).toEqual([
      { date: '2027-01-01', name: '元旦' },
      { date: '2027-02-05', name: '春节' }, // 除夕
      { date: '2027-02-06', name: '春节' }, // 正月初一
      { date: '2027-02-07', name: '春节' },
      { date: '2027-02-08', name: '春节' }, // 初三
      { date: '2027-04-05', name: '清明' },
      { date: '2027-05-01', name: '劳动节' },
      { date: '2027-05-02', name: '劳动节' },
      { date: '2027-06-09', name: '端午' },
      { date: '2027-09-15', name: '中秋' },
      { date: '2027-10-01', name: '国庆节' },
      { date: '2027-10-02', name: '国庆节' },
      { date: '2027-10-03', name: '国庆节' },
    ]);
  });

  it('除夕 is 腊月廿九: lunar 2026 has a 29-day twelfth month, so there is no 腊月三十', () => {
    expect(lunarMonthDays(2026, 12)).toBe(29);
    expect(lunarNewYearsEve(2027)).toBe('2027-02-05');
    expect(lunarToSolar({ year: 2026, month: 12, day: 29 })).toBe('2027-02-05');
    // Asking for 腊月三十 must not roll over into 正月初一.
    expect(() => lunarToSolar({ year: 2026, month: 12, day: 30 })).toThrow(RangeError);
    // A year whose twelfth month has 30 days: 除夕 is 腊月三十.
    expect(lunarMonthDays(2023, 12)).toBe(30);
    expect(lunarNewYearsEve(2024)).toBe(lunarToSolar({ year: 2023, month: 12, day: 30 }));
    expect(lunarNewYearsEve(2024)).toBe('2024-02-09');
    expect(lunarMonthDays(2029, 12)).toBe(30);
    expect(lunarNewYearsEve(2030)).toBe('2030-02-02');
  });

  it('the 补假 estimate: after the Saturday/Sunday statutory days, past the holiday block', () => {
    expect(estimateYear(2027).filter((d) => d.basis === 'compensation').map((d) => [d.date, d.name])).toEqual([
      ['2027-02-09', '春节'],
      ['2027-02-10', '春节'],
      ['2027-05-03', '劳动节'],
      ['2027-05-04', '劳动节'],
      ['2027-10-04', '国庆节'],
      ['2027-10-05', '国庆节'],
    ]);
  });
});

describe('against every year chinese-days publishes (2004–2026)', () => {
  it('every computed statutory day is a day off in the published schedule, under the name it publishes', () => {
    const problems: string[] = [];
    for (const year of LIBRARY_YEARS) {
      const days = statutoryDays(year);
      for (const d of days) {
        if (libraryOnly.isWorkingDay(d.date)) problems.push(`${d.date} ${d.name}: a working day in the library`);
        const published = data.holidays[d.date];
        // Two holidays on one date (中秋 on 国庆 10-03 in 2009, 10-01 in 2020): the library names one of them.
        const names = days.filter((x) => x.date === d.date).map((x) => x.name);
        if (published && !names.includes(holidayNameFromLibrary(published))) problems.push(`${d.date} ${d.name}: the library says ${published}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('each holiday has as many statutory days as the library records for it (its third field), version by version', () => {
    const problems: string[] = [];
    for (const year of LIBRARY_YEARS) {
      const counts = new Map<string, number>();
      for (const [date, value] of Object.entries(data.holidays)) {
        if (!date.startsWith(`${year}-`)) continue;
        const [, name, n] = value.split(',');
        counts.set(name!, Number(n));
      }
      const rules = statutoryRulesFor(year);
      const days = statutoryDays(year);
      for (const h of rules.holidays) {
        // 中秋 on 国庆 10-01 (2020): the library names the date after 国庆节 only.
        const own = days.filter((d) => d.name === h.name);
        if (!counts.has(h.name) && own.every((d) => days.some((x) => x.date === d.date && x.name !== h.name))) continue;
        if (counts.get(h.name) !== h.days.length) problems.push(`${year} ${h.name}: rules ${h.days.length}, library ${counts.get(h.name)}`);
      }
      // And the library has no statutory holiday the rules of that year lack (extra one-off days such as 2015's 9-03 aside).
      for (const name of counts.keys()) {
        if (!rules.holidays.some((h) => h.name === name) && !name.includes('纪念日')) problems.push(`${year} ${name}: not in the rules`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the 补假 estimate was a day off in the published schedule 74 times out of 76; twice the notice put it elsewhere', () => {
    const estimated: string[] = [];
    const missed: string[] = [];
    for (const year of LIBRARY_YEARS) {
      for (const d of estimateYear(year)) {
        if (d.basis !== 'compensation') continue;
        estimated.push(d.date);
        if (libraryOnly.isWorkingDay(d.date)) missed.push(`${d.date} ${d.name}`);
      }
    }
    expect(estimated.length).toBe(76);
    expect(missed).toEqual([
      '2012-06-25 端午', // 端午 on Saturday 06-23: the notice gave Friday 06-22
      '2015-09-28 中秋', // 中秋 on Sunday 09-27: compensated inside the 国庆节 week
    ]);
  });
});

describe('the estimate, for every year the rules cover (2000–2099)', () => {
  it('gives the law\'s number of weekday holidays (article 6) and nothing on a working weekend', () => {
    for (let year = STATUTORY_MIN_YEAR; year <= STATUTORY_MAX_YEAR; year++) {
      const days = estimateYear(year);
      const weekdaysOff = days.filter((d) => !isWeekend(d.date)).length;
      expect(weekdaysOff, String(year)).toBe(statutoryDays(year).length);
      expect(new Set(days.map((d) => d.date)).size, String(year)).toBe(days.length);
      expect(days.every((d) => d.date.startsWith(`${year}-`)), String(year)).toBe(true);
      expect(days.filter((d) => d.basis === 'compensation').every((d) => !isWeekend(d.date)), String(year)).toBe(true);
    }
  });

  it('春节 starts with 除夕 and runs four days; 端午 and 中秋 are the lunar dates', () => {
    for (let year = 2025; year <= STATUTORY_MAX_YEAR; year++) {
      const spring = statutoryDays(year).filter((d) => d.name === '春节').map((d) => d.date);
      expect(spring, String(year)).toEqual([0, 1, 2, 3].map((i) => addDays(lunarNewYearsEve(year), i)));
      expect(statutoryDays(year).find((d) => d.name === '端午')!.date).toBe(lunarToSolar({ year, month: 5, day: 5 }));
    }
  });
});

describe('the lunar calendar under it (chinese-days\' table, without its time-zone-dependent functions)', () => {
  it('agrees with chinese-days getLunarDate on every day 2000–2099 (in Asia/Shanghai, where the package is right)', async () => {
    await withTz('Asia/Shanghai', () => {
      let mismatches = 0;
      for (let year = 2000; year <= 2099; year++) {
        const ny = lunarNewYear(year);
        const l = chineseDays.getLunarDate(ny);
        if (!(l.lunarYear === year && l.lunarMon === 1 && l.lunarDay === 1 && !l.isLeap)) mismatches++;
        for (const [month, day] of [[5, 5], [8, 15]] as const) {
          const x = chineseDays.getLunarDate(lunarToSolar({ year, month, day }));
          if (!(x.lunarYear === year && x.lunarMon === month && x.lunarDay === day && !x.isLeap)) mismatches++;
        }
        const leap = lunarLeapMonth(year);
        if (leap.month) {
          const x = chineseDays.getLunarDate(lunarToSolar({ year, month: leap.month, day: 1, leap: true }));
          if (!(x.lunarMon === leap.month && x.lunarDay === 1 && x.isLeap)) mismatches++;
        }
        const eve = chineseDays.getLunarDate(lunarNewYearsEve(year));
        if (!(eve.lunarYear === year - 1 && eve.lunarMon === 12 && eve.lunarDay === lunarMonthDays(year - 1, 12))) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  });

  it('清明 agrees with chinese-days getSolarTerms 2000–2099 (in Asia/Shanghai)', async () => {
    await withTz('Asia/Shanghai', () => {
      for (let year = 2000; year <= 2099; year++) {
        const terms = chineseDays.getSolarTerms(`${year}-04-01`, `${year}-04-10`).filter((t) => t.term === 'pure_brightness');
        expect(terms.map((t) => t.date), String(year)).toEqual([qingmingDate(year)]);
      }
    });
  });

  it('gives the same days in every server time zone (the package alone answers a day early west of UTC)', async () => {
    const years = [2027, 2028, 2030, 2033, 2036, 2050, 2099];
    const answers: string[] = [];
    for (const tz of ['UTC', 'Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      answers.push(
        await withTz(tz, async () => {
          // Fresh modules: no answer cached from another zone.
          vi.resetModules();
          const fresh = await import('../../src/core/statutory-holidays.js');
          return JSON.stringify(years.map((y) => fresh.estimateYear(y)));
        }),
      );
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('"date":"2027-04-05","name":"清明"');
    // What the package's own functions say in Los Angeles, for the record: a day early.
    await withTz('America/Los_Angeles', () => {
      const c = createRequire(import.meta.url)('chinese-days') as { getSolarTermDate: (y: number, m: number, t: string) => string };
      expect(c.getSolarTermDate(2027, 4, 'pure_brightness')).toBe('2027-04-04');
      expect(qingmingDate(2027)).toBe('2027-04-05');
    });
  });

  it('refuses days and leap months a year does not have, and years outside the table', () => {
    expect(() => lunarToSolar({ year: 2027, month: 2, day: 31 })).toThrow(RangeError);
    expect(lunarLeapMonth(2025)).toEqual({ month: 6, days: 29 });
    expect(lunarToSolar({ year: 2025, month: 6, day: 1, leap: true })).toBe(addDays(lunarToSolar({ year: 2025, month: 6, day: 1 }), lunarMonthDays(2025, 6)));
    expect(() => lunarToSolar({ year: 2025, month: 5, day: 1, leap: true })).toThrow(RangeError);
    expect(() => lunarNewYear(1899)).toThrow(RangeError);
    expect(() => lunarNewYear(2101)).toThrow(RangeError);
    expect(lunarNewYear(1900)).toBe('1900-01-31');
  });
});
