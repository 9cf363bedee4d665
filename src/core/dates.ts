// Dates in Asia/Shanghai. China has no daylight saving, so the zone is a fixed UTC+8 and the
// arithmetic needs no time-zone database (and cannot be fooled by the server's TZ).
import type { IsoDate } from './types.js';

export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const TIME_ZONE = 'Asia/Shanghai';

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Date): IsoDate {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD HH:mm' in Shanghai, for people to read. */
export function shanghaiDateTime(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** 'MM-DD HH:mm' in Shanghai, as shown on updated cards ("已签收 · 张三 · 11-21 09:30"). */
export function shanghaiShort(instant: Date): string {
  return shanghaiDateTime(instant).slice(5);
}

/** The instant at which a Shanghai wall-clock time happens. */
export function shanghaiInstant(date: IsoDate, time = '00:00'): Date {
  return new Date(Date.parse(`${date}T${time}:00.000Z`) - SHANGHAI_OFFSET_MS);
}

// Date-only arithmetic on integers (days since 1970-01-01, Howard Hinnant's civil-date
// algorithms): these run for every task on every summary, so no Date objects are made here.

function parseYmd(s: string): [number, number, number] | null {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  let y = 0, m = 0, d = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    if (i < 4) y = y * 10 + c;
    else if (i < 7) m = m * 10 + c;
    else d = d * 10 + c;
  }
  return [y, m, d];
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function isIsoDate(s: string): boolean {
  const p = parseYmd(s);
  if (!p) return false;
  const [y, m, d] = p;
  return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]!);
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date. */
export function toDayNumber(date: IsoDate): number {
  const p = parseYmd(date);
  if (!p) throw new RangeError(`not a date: ${date}`);
  let [y, m, d] = p;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The 'YYYY-MM-DD' date of a day number. */
export function fromDayNumber(days: number): IsoDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar days from a to b (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}
