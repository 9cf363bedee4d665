// Pure schedule arithmetic and settings: working days by the Chinese calendar (调休 included),
// the most recent scheduled moment, the period of each job, cron expressions and Chinese errors.
import { describe, expect, it } from 'vitest';
import { shanghaiDateTime } from '../../src/core/dates.js';
import {
  cronExpression, describeSchedule, firesOn, isoWeekKey, jobPeriod, latestOccurrence, nextOccurrence,
} from '../../src/jobs/schedule.js';
import { DEFAULT_JOBS_SETTINGS, parseJobsSettings, type Schedule } from '../../src/jobs/settings.js';
import { InvalidSettingsError } from '../../src/core/validation.js';
import { at, calendar } from './helpers.js';

const daily: Schedule = { every: 'workingDay', time: '09:00' };
const monday: Schedule = { every: 'week', weekday: 1, time: '08:30' };
const firstOfJuly: Schedule = { every: 'month', day: 'firstWorkingDay', months: [7], time: '11:00' };
const the25th: Schedule = { every: 'month', day: 25, time: '10:00' };

describe('schedules on the Chinese working-day calendar', () => {
  it('fires on working days, on 调休 Saturdays and Sundays, never on weekends or holidays', () => {
    expect(firesOn(daily, '2026-10-09', calendar)).toBe(true); // Friday
    expect(firesOn(daily, '2026-10-10', calendar)).toBe(true); // 国庆节调休上班 (Saturday)
    expect(firesOn(daily, '2026-09-20', calendar)).toBe(true); // 国庆节调休上班 (Sunday)
    expect(firesOn(daily, '2026-10-17', calendar)).toBe(false); // plain Saturday
    for (const d of ['2026-10-01', '2026-10-05', '2026-10-07']) expect(firesOn(daily, d, calendar)).toBe(false); // National Day
  });

  it('moves a weekly day that is a holiday to the next working day of the same week', () => {
    // Monday 2026-10-05 is National Day; the week's first working day is Thursday the 8th.
    expect(firesOn(monday, '2026-10-05', calendar)).toBe(false);
    expect(firesOn(monday, '2026-10-08', calendar)).toBe(true);
    expect(firesOn(monday, '2026-10-09', calendar)).toBe(false);
    expect(firesOn(monday, '2026-11-23', calendar)).toBe(true);
    // The 调休 Saturday after is in another week and is not a digest day.
    expect(firesOn(monday, '2026-10-10', calendar)).toBe(false);
  });

  it('finds the first working day of July after a weekend (2023-07-01 was a Saturday)', () => {
    expect(firesOn(firstOfJuly, '2023-07-01', calendar)).toBe(false);
    expect(firesOn(firstOfJuly, '2023-07-03', calendar)).toBe(true);
    expect(firesOn(firstOfJuly, '2023-08-01', calendar)).toBe(false); // not a July
    expect(latestOccurrence(firstOfJuly, at('2023-07-02', '12:00'), calendar)?.date).toBe('2022-07-01');
    expect(nextOccurrence(firstOfJuly, at('2023-07-01', '12:00'), calendar)?.date).toBe('2023-07-03');
  });

  it('moves a monthly day on a weekend to the next working day of the month', () => {
    expect(firesOn(the25th, '2026-10-25', calendar)).toBe(false); // Sunday
    expect(firesOn(the25th, '2026-10-26', calendar)).toBe(true);
    expect(firesOn(the25th, '2026-11-25', calendar)).toBe(true);
    // Day 31 in a 30-day month means the last day; a month ending on a weekend falls back.
    expect(firesOn({ every: 'month', day: 31, time: '10:00' }, '2026-05-29', calendar)).toBe(true); // 05-30/31 weekend
  });

  it('the first working day of Q4 2026 comes after the National Day holiday', () => {
    const quarterly = DEFAULT_JOBS_SETTINGS.quarterly.schedule;
    expect(firesOn(quarterly, '2026-10-08', calendar)).toBe(true);
    expect(firesOn(quarterly, '2026-10-01', calendar)).toBe(false);
  });

  it('latest occurrence respects the time of day', () => {
    expect(latestOccurrence(daily, at('2026-11-23', '08:59'), calendar)?.date).toBe('2026-11-20'); // Friday before
    const occ = latestOccurrence(daily, at('2026-11-23', '09:00'), calendar)!;
    expect(occ.date).toBe('2026-11-23');
    expect(shanghaiDateTime(occ.at)).toBe('2026-11-23 09:00');
    expect(latestOccurrence(daily, at('2026-10-06', '12:00'), calendar)?.date).toBe('2026-09-30'); // mid-holiday
  });

  it('periods: the day, the cycle, the ISO week, the month/quarter/half/year just ended', () => {
    expect(jobPeriod('reminders', '2026-11-23', 'monthly').key).toBe('2026-11-23');
    expect(jobPeriod('nudges', '2026-11-25', 'monthly').key).toBe('2026-11');
    expect(jobPeriod('nudges', '2026-11-25', 'quarterly').key).toBe('2026-Q4');
    expect(jobPeriod('digest', '2026-11-23', 'monthly').key).toBe('2026-W48');
    expect(jobPeriod('honour-roll', '2026-12-01', 'monthly')).toMatchObject({ key: '2026-11', start: '2026-11-01', end: '2026-11-30' });
    expect(jobPeriod('quarterly', '2026-10-08', 'monthly').key).toBe('2026-Q3');
    expect(jobPeriod('half-year', '2026-07-01', 'monthly').key).toBe('2026-H1');
    expect(jobPeriod('half-year', '2027-01-04', 'monthly').key).toBe('2026-H2');
    expect(jobPeriod('year-end', '2027-01-04', 'monthly').key).toBe('2026');
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
    expect(isoWeekKey('2026-01-01')).toBe('2026-W01');
    expect(isoWeekKey('2024-12-30')).toBe('2025-W01');
  });

  it('cron wakes the scheduler daily at the configured time; the calendar decides the rest', () => {
    expect(cronExpression(daily)).toBe('0 9 * * *');
    expect(cronExpression(monday)).toBe('30 8 * * *');
    expect(describeSchedule(firstOfJuly)).toBe('每年 7 月第一个工作日 11:00');
    expect(describeSchedule(the25th)).toBe('每月 25 日 10:00（非工作日顺延）');
  });
});

describe('jobs settings', () => {
  it('fills in defaults job by job', () => {
    const s = parseJobsSettings({ reminders: { daysBefore: [3, 0], to: ['liaison'] }, digest: { schedule: { every: 'week', weekday: 5, time: '17:00' } } });
    expect(s.reminders.daysBefore).toEqual([3, 0]);
    expect(s.reminders.schedule).toEqual(DEFAULT_JOBS_SETTINGS.reminders.schedule);
    expect(s.digest.schedule).toEqual({ every: 'week', weekday: 5, time: '17:00' });
    expect(s.overdue).toEqual(DEFAULT_JOBS_SETTINGS.overdue);
    expect(parseJobsSettings(undefined)).toEqual(DEFAULT_JOBS_SETTINGS);
  });

  it('rejects bad settings in Chinese, naming the field', () => {
    const bad = (json: unknown) => {
      try {
        parseJobsSettings(json);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidSettingsError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ reminders: { schedule: { every: 'workingDay', time: '9点' } } })).toMatch(/reminders\.schedule\.time：时间应为 "HH:mm" 格式/);
    expect(bad({ remind: {} })).toMatch(/无法识别的任务：remind/);
    expect(bad({ overdue: { to: ['boss'] } })).toMatch(/逾期预警接收人只能是/);
    expect(bad({ nudges: { schedule: { every: 'month', day: 40, time: '10:00' } } })).toMatch(/day 应为 1–31/);
  });
});
