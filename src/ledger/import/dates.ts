// Dates as offices write them: Excel date cells, Excel serial numbers, 2026-06-30, 2026/6/30,
// 2026.6.30, 2026年6月30日. Returns 'YYYY-MM-DD' or null when it is not a date.
import { isIsoDate } from '../../core/dates.js';
import { toHalfWidth } from '../../core/codes.js';
import type { CellValue } from './read.js';

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

export function parseLedgerDate(value: CellValue): string | null {
  if (value === null || value === '') return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    // ExcelJS gives a date cell as the wall-clock time it shows, written as UTC: the date shown in
    // the cell is the UTC date, whatever the time of day (2026-12-15 17:30 is the 15th, issue 11).
    return value.toISOString().slice(0, 10);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 1 || value > 2958465) return null;
    return new Date(EXCEL_EPOCH_MS + Math.floor(value) * 86_400_000).toISOString().slice(0, 10);
  }
  if (typeof value !== 'string') return null;
  const s = toHalfWidth(value).trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(s);
  if (m) {
    const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
    return isIsoDate(iso) ? iso : null;
  }
  if (/^\d{5}$/.test(s)) return parseLedgerDate(Number(s));
  return null;
}

/**
 * A 开始时间 as ledgers write it: a date, or only a month or year (「2026年1月」「2026.3」「2026年1月起」
 * 「2026年」) — a start written to the month is that month's first day. Null when it is neither.
 */
export function parseStartDate(value: CellValue): string | null {
  const exact = parseLedgerDate(value);
  if (exact || typeof value !== 'string') return exact;
  const s = toHalfWidth(value).trim().replace(/\s*(?:起|开始|以来|启动)$/, '');
  const month = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?$/.exec(s);
  if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) return `${month[1]}-${month[2]!.padStart(2, '0')}-01`;
  const year = /^(\d{4})\s*年?(?:度)?$/.exec(s);
  return year ? `${year[1]}-01-01` : null;
}

