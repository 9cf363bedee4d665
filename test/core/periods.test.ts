import { describe, expect, it } from 'vitest';
import {
  cycleBefore,
  cycleContaining,
  halfYearPeriod,
  monthContaining,
  monthPeriod,
  quarterContaining,
  quarterPeriod,
  yearPeriod,
} from '../../src/core/periods.js';

describe('periods', () => {
  it('months, including February and month overflow', () => {
    expect(monthPeriod(2026, 2)).toEqual({ key: '2026-02', label: '2026年2月', start: '2026-02-01', end: '2026-02-28' });
    expect(monthPeriod(2028, 2).end).toBe('2028-02-29');
    expect(monthPeriod(2026, 12).end).toBe('2026-12-31');
    expect(monthPeriod(2026, 13).key).toBe('2027-01');
    expect(monthPeriod(2026, 0).key).toBe('2025-12');
    expect(monthContaining('2026-11-21').key).toBe('2026-11');
  });

  it('quarters, half-years, years', () => {
    expect(quarterPeriod(2026, 4)).toEqual({ key: '2026-Q4', label: '2026年第四季度', start: '2026-10-01', end: '2026-12-31' });
    expect(quarterContaining('2026-05-31').key).toBe('2026-Q2');
    expect(halfYearPeriod(2026, 1)).toEqual({ key: '2026-H1', label: '2026年上半年', start: '2026-01-01', end: '2026-06-30' });
    expect(halfYearPeriod(2026, 2).start).toBe('2026-07-01');
    expect(yearPeriod(2026)).toEqual({ key: '2026', label: '2026年', start: '2026-01-01', end: '2026-12-31' });
  });

  it('reporting cycles and the ones before, across year ends', () => {
    expect(cycleContaining('2026-11-21', 'monthly').key).toBe('2026-11');
    expect(cycleContaining('2026-11-21', 'quarterly').key).toBe('2026-Q4');
    expect(cycleBefore('2026-01-15', 'monthly').key).toBe('2025-12');
    expect(cycleBefore('2026-01-15', 'monthly', 2).key).toBe('2025-11');
    expect(cycleBefore('2026-02-10', 'quarterly').key).toBe('2025-Q4');
    expect(cycleBefore('2026-03-31', 'monthly', 0).key).toBe('2026-03');
  });
});
