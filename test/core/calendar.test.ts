import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holidayNameFromLibrary, parseCalendarOverrides, WorkingCalendar } from '../../src/core/calendar.js';
import { createWorkingCalendar, loadChineseDaysData, readCalendarOverridesFile } from '../../src/core/calendar-data.js';
import { addDays } from '../../src/core/dates.js';
import { InvalidSettingsError } from '../../src/core/validation.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cal = createWorkingCalendar();

describe('chinese-days data', () => {
  it('loads holidays and make-up working days, 2004–2026', () => {
    const data = loadChineseDaysData();
    expect(data.holidays['2026-10-01']).toContain('国庆节');
    expect(data.workdays['2026-10-10']).toBeDefined();
    expect(Object.keys(data.holidays).some((d) => d.startsWith('2004'))).toBe(true);
    expect(Object.keys(data.holidays).some((d) => d.startsWith('2027'))).toBe(false);
  });

  it('is loaded once', () => {
    expect(loadChineseDaysData()).toBe(loadChineseDaysData());
  });

  it('takes the Chinese name out of the data value', () => {
    expect(holidayNameFromLibrary('National Day,国庆节,3')).toBe('国庆节');
    expect(holidayNameFromLibrary("New Year's Day,元旦,1")).toBe('元旦');
    expect(holidayNameFromLibrary('oddvalue')).toBe('oddvalue');
  });
});

describe('agreement with chinese-days itself', () => {
  it('matches the package on every day 2004–2026, and does not depend on the server time zone', () => {
    const chineseDays = createRequire(import.meta.url)('chinese-days') as { isWorkday: (d: string) => boolean };
    const saved = process.env.TZ;
    try {
      // The package's own functions are only right when the process runs in China's zone…
      process.env.TZ = 'Asia/Shanghai';
      let mismatches = 0;
      for (let d = '2004-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) if (chineseDays.isWorkday(d) !== cal.isWorkingDay(d)) mismatches++;
      expect(mismatches).toBe(0);
      // …ours gives the same answers in any zone.
      process.env.TZ = 'America/Los_Angeles';
      const fresh = createWorkingCalendar();
      expect(fresh.isWorkingDay('2026-10-10')).toBe(true);
      expect(fresh.isWorkingDay('2026-10-01')).toBe(false);
      expect(fresh.nextWorkingDay('2025-12-31')).toBe('2026-01-04');
      expect(fresh.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('National Day 2026', () => {
  it('10-01..10-07 are holidays with the name', () => {
    for (let d = 1; d <= 7; d++) {
      const date = `2026-10-0${d}`;
      expect(cal.isWorkingDay(date), date).toBe(false);
      expect(cal.holidayName(date)).toBe('国庆节');
    }
  });

  it('a deadline on the holiday moves to 10-08, the next working day', () => {
    expect(cal.workingDayOnOrAfter('2026-10-03')).toBe('2026-10-08');
    expect(cal.nextWorkingDay('2026-10-01')).toBe('2026-10-08');
    expect(cal.nextWorkingDay('2026-09-30')).toBe('2026-10-08');
    expect(cal.previousWorkingDay('2026-10-08')).toBe('2026-09-30');
  });

  it('the 调休 Saturday 10-10 and Sunday 09-20 are working days', () => {
    expect(cal.isWorkingDay('2026-10-10')).toBe(true);
    expect(cal.isWorkingDay('2026-09-20')).toBe(true);
    expect(cal.holidayName('2026-10-10')).toBeNull();
    expect(cal.describeDay('2026-10-10')).toMatchObject({ working: true, kind: 'makeup-workday', label: '国庆节调休上班' });
    expect(cal.nextWorkingDay('2026-10-09')).toBe('2026-10-10');
    // Sunday 10-11 is an ordinary weekend day.
    expect(cal.isWorkingDay('2026-10-11')).toBe(false);
    expect(cal.holidayName('2026-10-11')).toBeNull();
  });

  it('Mid-autumn 09-25 (Friday) is off', () => {
    expect(cal.isWorkingDay('2026-09-25')).toBe(false);
    expect(cal.holidayName('2026-09-25')).toBe('中秋');
  });
});

describe('Spring Festival 2026', () => {
  it('02-14 and 02-28 (Saturdays) are make-up working days; 02-15..02-23 are off', () => {
    expect(cal.isWorkingDay('2026-02-14')).toBe(true);
    expect(cal.isWorkingDay('2026-02-28')).toBe(true);
    for (let d = 15; d <= 23; d++) expect(cal.isWorkingDay(`2026-02-${d}`)).toBe(false);
    expect(cal.holidayName('2026-02-17')).toBe('春节');
  });

  it('addWorkingDays crosses the holiday', () => {
    expect(cal.addWorkingDays('2026-02-12', 1)).toBe('2026-02-13');
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(cal.addWorkingDays('2026-02-24', -1)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-24', -2)).toBe('2026-02-13');
    // 02-24..02-27 are Tue..Fri, 02-28 is the make-up Saturday.
    expect(cal.addWorkingDays('2026-02-13', 6)).toBe('2026-02-28');
    expect(cal.addWorkingDays('2026-02-13', 7)).toBe('2026-03-02');
  });

  it('addWorkingDays from a holiday', () => {
    expect(cal.addWorkingDays('2026-02-18', 1)).toBe('2026-02-24');
    expect(cal.addWorkingDays('2026-02-18', -1)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-18', 0)).toBe('2026-02-18');
  });

  it('workingDaysBetween counts across the holiday', () => {
    expect(cal.workingDaysBetween('2026-02-13', '2026-02-24')).toBe(2);
    expect(cal.workingDaysBetween('2026-02-15', '2026-02-23')).toBe(0);
    // Feb 2026: 02-02..06, 09..13, 14 (make-up), 24..27, 28 (make-up).
    expect(cal.workingDaysBetween('2026-01-31', '2026-02-28')).toBe(16);
  });
});

describe('New Year boundary 2025 → 2026', () => {
  it('2025-12-31 → 2026-01-04, the make-up Sunday', () => {
    expect(cal.isWorkingDay('2025-12-31')).toBe(true);
    expect(cal.isWorkingDay('2026-01-01')).toBe(false);
    expect(cal.isWorkingDay('2026-01-02')).toBe(false);
    expect(cal.isWorkingDay('2026-01-03')).toBe(false);
    expect(cal.isWorkingDay('2026-01-04')).toBe(true);
    expect(cal.nextWorkingDay('2025-12-31')).toBe('2026-01-04');
    expect(cal.holidayName('2026-01-01')).toBe('元旦');
    expect(cal.workingDaysBetween('2025-12-31', '2026-01-05')).toBe(2);
  });

  it('the first working day of 2026 (and of Q1) is 01-04', () => {
    expect(cal.firstWorkingDayOfMonth(2026, 1)).toBe('2026-01-04');
    expect(cal.firstWorkingDayOfQuarter(2026, 1)).toBe('2026-01-04');
    expect(cal.isFirstWorkingDayOfMonth('2026-01-04')).toBe(true);
    expect(cal.isFirstWorkingDayOfQuarter('2026-01-04')).toBe(true);
  });
});

describe('unknown year 2027 (chinese-days stops at 2026): statutory holidays computed', () => {
  it('reports coverage per year', () => {
    expect(cal.isKnownYear(2026)).toBe(true);
    expect(cal.isKnownYear(2004)).toBe(true);
    expect(cal.isKnownYear(2027)).toBe(false);
    expect(cal.coverage(2026)).toEqual({ year: 2026, known: true, source: 'library' });
    expect(cal.coverage(2027)).toEqual({ year: 2027, known: false, source: 'statutory' });
    // Beyond the lunar table (and before the first rules) nothing can be computed.
    expect(cal.coverage(2100)).toEqual({ year: 2100, known: false, source: 'weekday-fallback' });
    expect(cal.coverage(1999)).toEqual({ year: 1999, known: false, source: 'weekday-fallback' });
  });

  it('warns in Chinese: statutory days computed, 调休 unknown, how the office loads the schedule', () => {
    expect(cal.coverageWarning(2026)).toBeNull();
    const w = cal.coverageWarning(2027)!;
    expect(w).toContain('2027 年的放假安排尚未载入（chinese-days 仅含至 2026 年）');
    expect(w).toContain('法定节假日已按《全国年节及纪念日放假办法》推算');
    expect(w).toContain('调休安排未知');
    expect(w).toContain('在飞书中向机器人发送「日历 2027-MM-DD 放假」或「日历 2027-MM-DD 上班」');
    // Officials read it too (the chat's 「日历」): no command line in it.
    expect(w).not.toContain('taizhang');
    expect(cal.coverageWarning(2100)).toContain('暂按周一至周五工作日计算');
    expect(cal.coverageWarningsFor('2026-12-01', '2027-01-31')).toHaveLength(1);
  });

  it('New Year\'s Day 2027 (a Friday) is a holiday, so the first working day of 2027 is Monday 01-04', () => {
    expect(cal.isWorkingDay('2027-01-01')).toBe(false);
    expect(cal.holidayName('2027-01-01')).toBe('元旦');
    expect(cal.describeDay('2027-01-01')).toMatchObject({ working: false, kind: 'holiday', label: '元旦', source: 'statutory', basis: 'statutory' });
    expect(cal.isWorkingDay('2027-01-02')).toBe(false); // Saturday
    expect(cal.describeDay('2027-01-02')).toMatchObject({ kind: 'weekend', source: null });
    expect(cal.firstWorkingDayOfMonth(2027, 1)).toBe('2027-01-04');
    expect(cal.isFirstWorkingDayOfQuarter('2027-01-04')).toBe(true);
    expect(cal.isFirstWorkingDayOfQuarter('2027-01-01')).toBe(false);
  });

  it('every statutory day of 2027, and the estimated 补假 after the ones on a weekend', () => {
    const off = cal.specialDays(2027).filter((d) => !d.working);
    expect(off.map((d) => [d.date, d.name, d.basis])).toEqual([
      ['2027-01-01', '元旦', 'statutory'],
      ['2027-02-05', '春节', 'statutory'], // 除夕 = 腊月廿九 (lunar 2026's twelfth month has 29 days)
      ['2027-02-06', '春节', 'statutory'],
      ['2027-02-07', '春节', 'statutory'],
      ['2027-02-08', '春节', 'statutory'],
      ['2027-02-09', '春节', 'compensation'], // for Saturday 02-06
      ['2027-02-10', '春节', 'compensation'], // for Sunday 02-07
      ['2027-04-05', '清明', 'statutory'],
      ['2027-05-01', '劳动节', 'statutory'],
      ['2027-05-02', '劳动节', 'statutory'],
      ['2027-05-03', '劳动节', 'compensation'],
      ['2027-05-04', '劳动节', 'compensation'],
      ['2027-06-09', '端午', 'statutory'],
      ['2027-09-15', '中秋', 'statutory'],
      ['2027-10-01', '国庆节', 'statutory'],
      ['2027-10-02', '国庆节', 'statutory'],
      ['2027-10-03', '国庆节', 'statutory'],
      ['2027-10-04', '国庆节', 'compensation'],
      ['2027-10-05', '国庆节', 'compensation'],
    ]);
    expect(off.every((d) => d.source === 'statutory')).toBe(true);
    expect(cal.describeDay('2027-05-03')).toMatchObject({ working: false, label: '劳动节补假', basis: 'compensation' });
    // No 调休 is invented: no weekend day of 2027 is a working day.
    expect(cal.specialDays(2027).filter((d) => d.working)).toEqual([]);
  });

  it('counts across the year boundary and the holidays', () => {
    expect(cal.nextWorkingDay('2026-12-31')).toBe('2027-01-04');
    expect(cal.workingDaysBetween('2026-12-30', '2027-01-04')).toBe(2); // 12-31, 01-04
    expect(cal.addWorkingDays('2026-12-31', 2)).toBe('2027-01-05');
    expect(cal.nextWorkingDay('2027-02-04')).toBe('2027-02-11');
    expect(cal.firstWorkingDayOfMonth(2027, 5)).toBe('2027-05-05');
    expect(cal.firstWorkingDayOfQuarter(2027, 4)).toBe('2027-10-06');
    expect(cal.workingDayOnOrAfter('2027-10-02')).toBe('2027-10-06');
  });

  it('without the statutory layer (statutory: false) an unknown year is plain Monday–Friday, as before', () => {
    const plain = new WorkingCalendar(loadChineseDaysData(), {}, { statutory: false });
    expect(plain.isWorkingDay('2027-01-01')).toBe(true);
    expect(plain.coverage(2027)).toEqual({ year: 2027, known: false, source: 'weekday-fallback' });
    expect(plain.coverageWarning(2027)).toContain('暂按周一至周五工作日计算');
    expect(plain.isWorkingDay('2026-10-01')).toBe(false); // library years unchanged
  });

  it('lists unknown years in a range, in either order', () => {
    expect(cal.unknownYearsIn('2026-11-21', '2027-01-10')).toEqual([2027]);
    expect(cal.unknownYearsIn('2028-01-01', '2026-01-01')).toEqual([2027, 2028]);
    expect(cal.unknownYearsIn('2025-01-01', '2026-12-31')).toEqual([]);
  });
});

describe('overrides: the operator file and the office entries', () => {
  const data = loadChineseDaysData();
  const withOverrides = new WorkingCalendar(data, {
    '2027-01-01': { type: 'holiday', name: '元旦' },
    '2027-02-06': 'workday', // a Saturday made a working day
    '2026-10-09': 'holiday', // a local extra day off
    '2026-10-10': 'holiday', // overrides beat the library's make-up day
    '2026-10-01': 'workday', // even a statutory holiday (e.g. a duty day)
  });

  it('win over the library, the statutory estimate and the weekday rule', () => {
    expect(withOverrides.isWorkingDay('2026-10-09')).toBe(false);
    expect(withOverrides.isWorkingDay('2026-10-10')).toBe(false);
    expect(withOverrides.isWorkingDay('2026-10-01')).toBe(true);
    expect(withOverrides.isWorkingDay('2027-01-01')).toBe(false);
    expect(withOverrides.isWorkingDay('2027-02-06')).toBe(true);
    expect(withOverrides.describeDay('2026-10-09')).toMatchObject({ source: 'file' });
  });

  it('keep names: own name, else the name underneath (library or statutory), else a generic one', () => {
    expect(withOverrides.holidayName('2027-01-01')).toBe('元旦');
    expect(withOverrides.holidayName('2026-10-10')).toBe('国庆节');
    expect(withOverrides.holidayName('2026-10-09')).toBe('本地放假安排');
    // 02-06 is 春节 (初一) by the statutory estimate; the file makes it a working day, named after it.
    expect(withOverrides.describeDay('2027-02-06')).toMatchObject({ kind: 'makeup-workday', label: '春节调休上班', source: 'file' });
  });

  it('make a year known (source: file) and move first working days', () => {
    expect(withOverrides.coverage(2027)).toEqual({ year: 2027, known: true, source: 'file' });
    expect(withOverrides.coverageWarning(2027)).toBeNull();
    expect(withOverrides.firstWorkingDayOfMonth(2027, 1)).toBe('2027-01-04');
    expect(withOverrides.nextWorkingDay('2026-10-08')).toBe('2026-10-12');
  });

  it('office entries sit above the file; the statutory days they do not touch stay', () => {
    const both = new WorkingCalendar(data, { '2027-02-11': 'holiday', '2027-02-20': 'workday' }, {
      office: { '2027-02-11': 'workday', '2027-02-12': { type: 'holiday', name: '春节' }, '2027-02-13': { type: 'workday', name: '春节调休' } },
    });
    expect(both.describeDay('2027-02-11')).toMatchObject({ working: true, source: 'office' });
    expect(both.describeDay('2027-02-12')).toMatchObject({ working: false, label: '春节', source: 'office' });
    expect(both.describeDay('2027-02-13')).toMatchObject({ working: true, kind: 'makeup-workday', label: '春节调休上班', source: 'office' });
    expect(both.describeDay('2027-02-20')).toMatchObject({ working: true, source: 'file' });
    expect(both.describeDay('2027-02-08')).toMatchObject({ working: false, source: 'statutory' });
    expect(both.coverage(2027)).toEqual({ year: 2027, known: true, source: 'office' });
  });

  it('are counted by workingDaysBetween', () => {
    // 2026-09-30 .. 2026-10-12: the library says 10-08, 10-09, 10-10, 10-12 = 4;
    // the overrides add 10-01 and remove 10-09 and 10-10.
    expect(cal.workingDaysBetween('2026-09-30', '2026-10-12')).toBe(4);
    expect(withOverrides.workingDaysBetween('2026-09-30', '2026-10-12')).toBe(3);
  });

  it('reject malformed dates given directly', () => {
    expect(() => new WorkingCalendar(data, { '2027-13-01': 'holiday' })).toThrow(RangeError);
    expect(() => new WorkingCalendar(data, {}, { office: { '2027-02-30': 'holiday' } })).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('is 0 on the same day, positive forward, negative backward', () => {
    expect(cal.workingDaysBetween('2026-10-30', '2026-10-30')).toBe(0);
    expect(cal.workingDaysBetween('2026-10-26', '2026-10-30')).toBe(4);
    expect(cal.workingDaysBetween('2026-10-30', '2026-10-26')).toBe(-4);
    expect(cal.workingDaysBetween('2026-10-30', '2026-11-02')).toBe(1); // over a weekend
    expect(cal.workingDaysBetween('2026-10-31', '2026-11-01')).toBe(0); // Saturday → Sunday
  });

  it('counts days after `from` up to and including `to`', () => {
    expect(cal.workingDaysBetween('2026-09-30', '2026-10-08')).toBe(1);
    expect(cal.workingDaysBetween('2026-10-05', '2026-10-08')).toBe(1);
    expect(cal.workingDaysBetween('2026-10-08', '2026-10-10')).toBe(2);
  });

  it('mirrors addWorkingDays backwards from a holiday', () => {
    expect(cal.addWorkingDays('2026-10-05', -1)).toBe('2026-09-30');
    expect(cal.workingDaysBetween('2026-10-05', '2026-09-30')).toBe(-1);
  });

  it('a whole year of 2026 has the statutory count of working days', () => {
    // 261 weekdays − 19 holidays on weekdays + 6 make-up days = 248 in 2026.
    expect(cal.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(naiveCount(cal, '2025-12-31', '2026-12-31'));
    expect(cal.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
  });

  it('agrees with a day-by-day count and inverts addWorkingDays (property)', () => {
    const dates = fc.integer({ min: 0, max: 365 * 25 }).map((n) => addDays('2003-06-01', n));
    fc.assert(
      fc.property(dates, fc.integer({ min: 0, max: 120 }), (from, span) => {
        const to = addDays(from, span);
        const n = naiveCount(cal, from, to);
        expect(cal.workingDaysBetween(from, to)).toBe(n);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(dates, fc.integer({ min: -40, max: 40 }), (from, n) => {
        expect(cal.workingDaysBetween(from, cal.addWorkingDays(from, n))).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects non-dates', () => {
    expect(() => cal.workingDaysBetween('2026-10-1', '2026-10-02')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-10-01', 1.5)).toThrow(RangeError);
  });
});

describe('first working day of month and quarter', () => {
  it('2026-07 starts on Wednesday 07-01', () => {
    expect(cal.firstWorkingDayOfMonth(2026, 7)).toBe('2026-07-01');
    expect(cal.firstWorkingDayOfQuarter(2026, 3)).toBe('2026-07-01');
    expect(cal.isFirstWorkingDayOfMonth('2026-07-01')).toBe(true);
    expect(cal.isFirstWorkingDayOfMonth('2026-07-02')).toBe(false);
  });

  it('2026-10 starts after National Day, on 10-08', () => {
    expect(cal.firstWorkingDayOfMonth(2026, 10)).toBe('2026-10-08');
    expect(cal.firstWorkingDayOfQuarter(2026, 4)).toBe('2026-10-08');
    expect(cal.isFirstWorkingDayOfMonth('2026-10-01')).toBe(false);
    expect(cal.isFirstWorkingDayOfMonth('2026-10-08')).toBe(true);
    expect(cal.isFirstWorkingDayOfQuarter('2026-10-08')).toBe(true);
  });

  it('2026-02 starts on Monday 02-02 (02-01 is a Sunday)', () => {
    expect(cal.firstWorkingDayOfMonth(2026, 2)).toBe('2026-02-02');
    expect(cal.isFirstWorkingDayOfQuarter('2026-02-02')).toBe(false);
  });

  it('other months of 2026', () => {
    expect(cal.firstWorkingDayOfQuarter(2026, 2)).toBe('2026-04-01');
    expect(cal.firstWorkingDayOfMonth(2026, 3)).toBe('2026-03-02'); // 03-01 Sunday
    expect(cal.firstWorkingDayOfMonth(2026, 5)).toBe('2026-05-06'); // Labour Day 05-01..05
    expect(cal.firstWorkingDayOfMonth(2026, 8)).toBe('2026-08-03'); // 08-01 Saturday
    expect(cal.firstWorkingDayOfMonth(2026, 11)).toBe('2026-11-02'); // 11-01 Sunday
  });

  it('rejects bad months and quarters', () => {
    expect(() => cal.firstWorkingDayOfMonth(2026, 13)).toThrow(RangeError);
    expect(() => cal.firstWorkingDayOfQuarter(2026, 0)).toThrow(RangeError);
  });
});

describe('parseCalendarOverrides', () => {
  it('accepts kinds, 休/班, and objects with names', () => {
    expect(
      parseCalendarOverrides({
        '2027-01-01': { type: 'holiday', name: ' 元旦 ' },
        '2027-02-06': 'workday',
        '2027-02-10': '休',
        '2027-02-20': '班',
        '2027-03-01': { type: '休' },
      }),
    ).toEqual({
      '2027-01-01': { type: 'holiday', name: '元旦' },
      '2027-02-06': 'workday',
      '2027-02-10': 'holiday',
      '2027-02-20': 'workday',
      '2027-03-01': { type: 'holiday' },
    });
    expect(parseCalendarOverrides({})).toEqual({});
  });

  it('rejects bad input with Chinese messages naming the field', () => {
    const fail = (input: unknown) => {
      try {
        parseCalendarOverrides(input);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidSettingsError);
        return (err as InvalidSettingsError).message;
      }
      throw new Error('expected a failure');
    };
    expect(fail({ '2027-02-30': 'holiday' })).toMatch(/^节假日补充配置有误：.*2027-02-30/);
    expect(fail({ '2027-01-01': 'off' })).toContain('"holiday"');
    expect(fail({ '2027-01-01': { type: 'holiday', extra: 1 } })).toMatch(/2027-01-01/);
    expect(fail([])).toContain('节假日补充配置有误');
    expect(fail('x')).toContain('应为一个对象');
    const msg = fail({ '2027-1-1': 'holiday' });
    expect(msg).toMatch(/[\u4e00-\u9fff]/);
  });

  it('reads the overrides file (JSON, BOM tolerated) and reports unreadable ones in Chinese', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-cal-'));
    const good = join(dir, 'ok.json');
    writeFileSync(good, '\uFEFF{"2027-01-01": {"type": "holiday", "name": "元旦"}}');
    expect(readCalendarOverridesFile(good)).toEqual({ '2027-01-01': { type: 'holiday', name: '元旦' } });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    expect(() => readCalendarOverridesFile(bad)).toThrow(/不是有效的 JSON/);
    expect(() => readCalendarOverridesFile(join(dir, 'missing.json'))).toThrow(/无法读取文件/);
  });
});

function naiveCount(c: WorkingCalendar, from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (c.isWorkingDay(d)) n++;
  return n;
}
