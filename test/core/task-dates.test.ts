import { describe, expect, it } from 'vitest';
import { beganWithin, pastDeadlineProblem, taskBeganOn } from '../../src/core/task-dates.js';

describe('taskBeganOn: the task\'s own dates, not the day the ledger was loaded', () => {
  it('开始时间 when the ledger gives one', () => {
    expect(taskBeganOn({ startDate: '2026-01-01', createdOn: '2026-11-20' })).toBe('2026-01-01');
  });
  it('otherwise no later than it was completed or closed out', () => {
    expect(taskBeganOn({ createdOn: '2026-11-20', completedOn: '2026-06-28', closedOn: '2026-06-30' })).toBe('2026-06-28');
    expect(taskBeganOn({ createdOn: '2026-11-20' })).toBe('2026-11-20');
    expect(taskBeganOn({})).toBeNull();
  });
  it('beganWithin: a task loaded this week but closed months ago is not new this week', () => {
    expect(beganWithin({ createdOn: '2026-11-20', closedOn: '2026-06-30' }, '2026-11-16', '2026-11-22')).toBe(false);
    expect(beganWithin({ createdOn: '2026-11-20' }, '2026-11-16', '2026-11-22')).toBe(true);
    expect(beganWithin({}, '2026-11-16', '2026-11-22')).toBe(false);
  });
});

describe('pastDeadlineProblem', () => {
  it('refuses a day before today, allows today and later', () => {
    expect(pastDeadlineProblem('2020-01-01', '2026-11-30')).toContain('早于今天');
    expect(pastDeadlineProblem('2026-11-29', '2026-11-30')).toContain('2026-11-29');
    expect(pastDeadlineProblem('2026-11-30', '2026-11-30')).toBeNull();
    expect(pastDeadlineProblem('2027-03-31', '2026-11-30')).toBeNull();
  });
});
