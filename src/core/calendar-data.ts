// The calendar's only I/O: reads the holiday data shipped in the chinese-days package (its JSON,
// not its date functions, which use the server's local time zone) and the operator's overrides
// file. Kept apart so WorkingCalendar itself stays pure and testable with any data.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseCalendarOverrides, WorkingCalendar, type CalendarOverrides, type HolidayData } from './calendar.js';
import { InvalidSettingsError } from './validation.js';

const require = createRequire(import.meta.url);
let cached: HolidayData | undefined;

/** chinese-days' holidays and make-up working days (years 2004–2026 in v1.5.7). */
export function loadChineseDaysData(): HolidayData {
  if (cached) return cached;
  const raw = require('chinese-days/dist/chinese-days.json') as unknown;
  if (!isRecord(raw) || !isStringRecord(raw.holidays) || !isStringRecord(raw.workdays)) {
    throw new Error('chinese-days/dist/chinese-days.json has an unexpected shape (need holidays and workdays maps)');
  }
  cached = { holidays: raw.holidays, workdays: raw.workdays };
  return cached;
}

/**
 * The calendar the bot runs on: chinese-days (with the statutory holidays computed for the years
 * it does not know), the operator's file overrides and, per tenant, the office's own entries.
 */
export function createWorkingCalendar(overrides: CalendarOverrides = {}, office: CalendarOverrides = {}): WorkingCalendar {
  return new WorkingCalendar(loadChineseDaysData(), overrides, { sourceName: 'chinese-days', office });
}

/** Reads and validates CALENDAR_OVERRIDES_FILE (JSON). Throws InvalidSettingsError in Chinese. */
export function readCalendarOverridesFile(path: string): CalendarOverrides {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidSettingsError('节假日补充配置', [`无法读取文件 ${path}：${(err as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new InvalidSettingsError('节假日补充配置', [`文件 ${path} 不是有效的 JSON：${(err as Error).message}`]);
  }
  return parseCalendarOverrides(json);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
}
