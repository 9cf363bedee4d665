// The pure parsers of published ledgers (src/core, written on the import-core branch), seen through
// the few shapes the importer needs.
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

export { normaliseTitle, titleSimilarity, TITLE_SIMILARITY_THRESHOLD, naturalCompare as compareCodes } from '../../core/task-codes.js';
