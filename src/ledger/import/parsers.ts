// The pure parsers of published ledgers (src/core, written on the import-core branch), seen through
// the few shapes the importer needs. Interim versions stand in for the ones not merged yet.
import { deadlineInText as deadlineInTaskText, parseDeadline as parseDeadlinePhrase } from '../../core/deadline-phrase.js';

export interface Deadline {
  date: string | null;
  longTerm: boolean;
  /** Where the year came from. */
  yearFrom: 'cell' | 'title' | 'import';
  /** Not understood: kept as written, no date. */
  unparsed: boolean;
}

export function parseDeadline(value: unknown, years: { title: number | null; import: number }): Deadline {
  const p = parseDeadlinePhrase(value, { importYear: years.import, ...(years.title ? { titleYear: years.title } : {}) });
  if (!p) return { date: null, longTerm: false, yearFrom: 'cell', unparsed: false };
  return { date: p.due, longTerm: p.kind === 'longTerm', yearFrom: p.yearSource, unparsed: p.kind === 'unparsed' };
}

/** A deadline written inside the task text (「5月底前实现…」), offered by --check. */
export function deadlineInText(text: string, years: { title: number | null; import: number }): { phrase: string; date: string } | null {
  const found = deadlineInTaskText(text, years.title ?? years.import);
  return found ? { phrase: found.asWritten, date: found.due } : null;
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
