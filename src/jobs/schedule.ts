// Schedule arithmetic, pure: which days a job fires on (working days only, by the Chinese
// calendar with 调休), the most recent scheduled moment before an instant (for catch-up), and
// the period each job run is about (part of every send's dedupe key).
//
// node-cron only wakes the scheduler at the configured wall-clock time every day; whether that day
// is a firing day is decided here with the WorkingCalendar, because cron's day-of-week cannot
// know that 2026-10-10 is a 调休 Saturday or that 2026-10-05 is National Day.
import type { WorkingCalendar } from '../core/calendar.js';
import { addDays, shanghaiDate, shanghaiInstant, weekday } from '../core/dates.js';
import { cycleContaining, halfYearPeriod, monthContaining, quarterContaining, yearPeriod, type Period, type ReportingCycle } from '../core/periods.js';
import type { IsoDate } from '../core/types.js';
import type { JobName, Schedule } from './settings.js';

const WEEKDAY_NAMES = ['一', '二', '三', '四', '五', '六', '日'];

/** Monday = 1 … Sunday = 7. */
export function isoWeekday(date: IsoDate): number {
  const w = weekday(date);
  return w === 0 ? 7 : w;
}

/** ISO-8601 week key, e.g. '2026-W48' (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekKey(date: IsoDate): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const jan1 = `${year}-01-01`;
  const dayOfYear = Math.round((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${jan1}T00:00:00Z`)) / 86_400_000);
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function ymd(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The day the schedule fires in the week/month containing `date`, or null when there is none. */
function firingDayAround(s: Schedule, date: IsoDate, calendar: WorkingCalendar): IsoDate | null {
  switch (s.every) {
    case 'workingDay':
      if (s.months && !s.months.includes(Number(date.slice(5, 7)))) return null;
      return calendar.isWorkingDay(date) ? date : null;
    case 'week': {
      // The weekday itself, else the next working day of the same (Monday–Sunday) week.
      const monday = addDays(date, 1 - isoWeekday(date));
      const sunday = addDays(monday, 6);
      for (let d = addDays(monday, s.weekday - 1); d <= sunday; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) return d;
      return null;
    }
    case 'month': {
      const year = Number(date.slice(0, 4));
      const month = Number(date.slice(5, 7));
      if (s.months && !s.months.includes(month)) return null;
      const last = ymd(year, month, daysInMonth(year, month));
      const target = s.day === 'firstWorkingDay' ? ymd(year, month, 1) : ymd(year, month, Math.min(s.day, daysInMonth(year, month)));
      // On or after the target within the month; a target at the very end of a month with no
      // working day after it falls back to the last working day before it.
      for (let d = target; d <= last; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) return d;
      for (let d = addDays(target, -1); d >= ymd(year, month, 1); d = addDays(d, -1)) if (calendar.isWorkingDay(d)) return d;
      return null;
    }
  }
}

/** True when the schedule fires on this day. */
export function firesOn(s: Schedule, date: IsoDate, calendar: WorkingCalendar): boolean {
  return firingDayAround(s, date, calendar) === date;
}

export interface Occurrence {
  date: IsoDate;
  /** The scheduled instant (Shanghai wall-clock time on that date). */
  at: Date;
}

/** The most recent scheduled moment at or before `now`, looking back at most `maxDays` days. */
export function latestOccurrence(s: Schedule, now: Date, calendar: WorkingCalendar, maxDays = 400): Occurrence | null {
  const today = shanghaiDate(now);
  for (let i = 0; i <= maxDays; i++) {
    const date = addDays(today, -i);
    if (!firesOn(s, date, calendar)) continue;
    const at = shanghaiInstant(date, s.time);
    if (at.getTime() <= now.getTime()) return { date, at };
  }
  return null;
}

/** The next scheduled moment strictly after `now`. */
export function nextOccurrence(s: Schedule, now: Date, calendar: WorkingCalendar, maxDays = 400): Occurrence | null {
  const today = shanghaiDate(now);
  for (let i = 0; i <= maxDays; i++) {
    const date = addDays(today, i);
    if (!firesOn(s, date, calendar)) continue;
    const at = shanghaiInstant(date, s.time);
    if (at.getTime() > now.getTime()) return { date, at };
  }
  return null;
}

/** node-cron expression that wakes the scheduler at the schedule's time every day (Asia/Shanghai). */
export function cronExpression(s: Schedule): string {
  const [hh, mm] = s.time.split(':');
  return `${Number(mm)} ${Number(hh)} * * *`;
}

/** For people: '每个工作日 09:00', '每周一 08:30', '每年 7 月第一个工作日 11:00'. */
export function describeSchedule(s: Schedule): string {
  switch (s.every) {
    case 'workingDay':
      return `${s.months ? `每年 ${s.months.join('、')} 月的` : ''}每个工作日 ${s.time}（含调休上班日）`;
    case 'week':
      return `每周${WEEKDAY_NAMES[s.weekday - 1]} ${s.time}（非工作日顺延至本周下一个工作日）`;
    case 'month': {
      const months = s.months ? `每年 ${s.months.join('、')} 月` : '每月';
      return s.day === 'firstWorkingDay' ? `${months}第一个工作日 ${s.time}` : `${months} ${s.day} 日 ${s.time}（非工作日顺延）`;
    }
  }
}

// ---- the period each job run is about ----

/** The previous month/quarter/half/year relative to the date (the one just ended). */
function previous(period: (d: IsoDate) => Period, date: IsoDate): Period {
  return period(addDays(period(date).start, -1));
}

function halfYearContaining(date: IsoDate): Period {
  return halfYearPeriod(Number(date.slice(0, 4)), Number(date.slice(5, 7)) <= 6 ? 1 : 2);
}

/**
 * Seven-day stretches of a month from its first day (1–7, 8–14, 15–21, 22–28, 29–end): a job
 * checked every working day with this period runs on the first working day of each stretch.
 * Key '2026-12-w1', label '2026-12-01 至 2026-12-07'.
 */
export function weekOfMonth(date: IsoDate): Period {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const n = Math.floor((Number(date.slice(8, 10)) - 1) / 7);
  const start = ymd(year, month, n * 7 + 1);
  const end = ymd(year, month, Math.min(n * 7 + 7, daysInMonth(year, month)));
  return { key: `${date.slice(0, 7)}-w${n + 1}`, label: `${start} 至 ${end}`, start, end };
}

/**
 * What a run of `job` on `date` is about; its key is the "period" in every dedupe key:
 * reminders/overdue the day; nudges the current reporting cycle; digest the ISO week; honour roll
 * the month just ended; quarterly the quarter just ended; half-year the half just ended; year-end
 * the year just ended; calendar the 7-day stretch of the month (weekOfMonth).
 */
export function jobPeriod(job: JobName, date: IsoDate, cycle: ReportingCycle): Period {
  switch (job) {
    case 'reminders':
    case 'overdue':
    case 'reissue':
      return { key: date, label: date, start: date, end: date };
    case 'nudges':
      return cycleContaining(date, cycle);
    case 'digest': {
      const monday = addDays(date, 1 - isoWeekday(date));
      return { key: isoWeekKey(date), label: `${monday} 所在周`, start: monday, end: addDays(monday, 6) };
    }
    case 'honour-roll':
      return previous(monthContaining, date);
    case 'quarterly':
      return previous(quarterContaining, date);
    case 'half-year':
      return previous(halfYearContaining, date);
    case 'year-end':
      return yearPeriod(Number(date.slice(0, 4)) - 1);
    case 'calendar':
      return weekOfMonth(date);
    // 改革闭环
    case 'outposts':
      return monthContaining(date);
    case 'suggestion-digest':
      return jobPeriod('digest', date, cycle);
    case 'call-reminders':
    case 'lookback':
      return { key: date, label: date, start: date, end: date };
    case 'lookback-list':
      return previous(quarterContaining, date);
    case 'assessment':
      return yearPeriod(Number(date.slice(0, 4)) - 1);
    // 试点与复制推广: the case collection is checked daily (its messages carry the quarter or the
    // reminder day); the promotion nudges and the 简报 are about the month of the date.
    case 'case-collection':
      return { key: date, label: date, start: date, end: date };
    case 'promotion-nudges':
    case 'promotion-brief':
      return monthContaining(date);
  }
}
