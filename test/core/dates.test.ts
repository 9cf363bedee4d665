import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, daysBetween, fromDayNumber, isIsoDate, shanghaiDate, shanghaiInstant, toDayNumber, weekday } from '../../src/core/dates.js';

// The integer date arithmetic must agree with the platform's Date for every day it can meet.
describe('date arithmetic', () => {
  const dayNumbers = fc.integer({ min: -30_000, max: 120_000 });
  it('round-trips day numbers and agrees with Date', () => {
    fc.assert(
      fc.property(dayNumbers, (n) => {
        const viaDate = new Date(n * 86_400_000).toISOString().slice(0, 10);
        expect(fromDayNumber(n)).toBe(viaDate);
        expect(toDayNumber(viaDate)).toBe(n);
        expect(weekday(viaDate)).toBe(new Date(n * 86_400_000).getUTCDay());
      }),
      { numRuns: 2000 },
    );
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(weekday('2026-11-21')).toBe(6);
  });

  it('recognises real dates only', () => {
    expect(['2026-02-28', '2028-02-29', '2000-02-29'].every(isIsoDate)).toBe(true);
    expect(['2026-02-29', '2100-02-29', '2026-13-01', '2026-00-10', '2026-1-01', '2026/01/01', 'abcd-ef-gh', ''].some(isIsoDate)).toBe(false);
    expect(() => addDays('2026-1-1', 1)).toThrow(RangeError);
  });

  it('reads instants in Asia/Shanghai whatever the server zone', () => {
    expect(shanghaiDate(new Date('2026-06-30T16:00:00Z'))).toBe('2026-07-01');
    expect(shanghaiDate(new Date('2026-06-30T15:59:59Z'))).toBe('2026-06-30');
    expect(shanghaiInstant('2026-07-01', '09:00').toISOString()).toBe('2026-07-01T01:00:00.000Z');
  });
});
