// The pure parsers of published ledgers (src/core, written on the import-core branch), seen through
// the few shapes the importer needs. Interim versions stand in for the ones not merged yet.
import { parseLedgerDate } from './dates.js';

export interface Deadline {
  date: string | null;
  longTerm: boolean;
  /** Where the year came from when the cell had none. */
  yearFrom: 'cell' | 'title' | 'import' | null;
  /** Not understood: kept as written, no date. */
  unparsed: boolean;
}

export function parseDeadline(value: unknown, years: { title: number | null; import: number }): Deadline {
  const asDate = parseLedgerDate(value as never);
  if (asDate) return { date: asDate, longTerm: false, yearFrom: 'cell', unparsed: false };
  const text = typeof value === 'string' ? value.trim() : '';
  if (/长期|持续|常态/.test(text)) return { date: null, longTerm: true, yearFrom: null, unparsed: false };
  void years;
  return { date: null, longTerm: false, yearFrom: null, unparsed: text !== '' };
}

/** A deadline written inside the task text (「5月底前实现…」), offered by --check. */
export function deadlineInText(_text: string, _years: { title: number | null; import: number }): { phrase: string; date: string } | null {
  return null;
}

export function normaliseTitle(title: string): string {
  return title.replace(/[\s，,。.、；;：:“”"'‘’（）()【】★☆]/g, '');
}

export function titleSimilarity(a: string, b: string): number {
  const x = normaliseTitle(a);
  const y = normaliseTitle(b);
  if (x === y) return 1;
  const grams = (s: string) => new Set(Array.from({ length: Math.max(0, s.length - 1) }, (_, i) => s.slice(i, i + 2)));
  const gx = grams(x);
  const gy = grams(y);
  let both = 0;
  for (const g of gx) if (gy.has(g)) both++;
  return gx.size + gy.size === 0 ? 0 : (2 * both) / (gx.size + gy.size);
}

/** Natural order of codes: 2 before 10. */
export function compareCodes(a: string, b: string): number {
  return a.localeCompare(b, 'zh-CN', { numeric: true });
}
