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
