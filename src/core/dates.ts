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

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Calendar days from a to b (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
