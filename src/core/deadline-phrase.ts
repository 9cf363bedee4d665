// 完成时限 as published ledgers write it → a due date plus how it was written. The phrasings are
// data (src/core/tables/deadline-phrases.ts). Pure.
import { ZERO_WIDTH } from './cell-value.js';
import { isIsoDate } from './dates.js';
import { stripTaskNumber } from './section-heading.js';
import { DEADLINE_PHRASES, LONG_TERM_PATTERNS, LONG_TERM_WORDS, type PhraseEnd } from './tables/deadline-phrases.js';

export { DEADLINE_PHRASES, LONG_TERM_PATTERNS, LONG_TERM_WORDS } from './tables/deadline-phrases.js';

export interface DeadlineContext {
  /** The year in the sheet's title (titleYearOf), used when the cell names none. */
  titleYear?: number;
  /** The import's own year (Asia/Shanghai), the last resort. */
  importYear: number;
}

export interface DeadlineParse {
  /** 'YYYY-MM-DD', or null for 长期事项 and unparsed phrases. */
  due: string | null;
  /** What the cell says, trimmed (a date cell as YYYY-MM-DD), to keep and show: 「2026年6月底前」. */
  asWritten: string;
  kind: 'date' | 'longTerm' | 'unparsed';
  /** Where the year of `due` came from; 'cell' when nothing was inferred (also when due is null). */
  yearSource: 'cell' | 'title' | 'import';
}

/** How the report names where a deadline's year came from. */
export const YEAR_SOURCE_LABELS: Record<DeadlineParse['yearSource'], string> = {
  cell: '单元格中写明的年份',
  title: '表格标题中的年份',
  import: '导入当年的年份',
};

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** Excel serials accepted as dates: 1970-01-01 … 2099-12-31. */
const SERIAL_MIN = 25569;
const SERIAL_MAX = 73050;

const pad = (n: number) => String(n).padStart(2, '0');

/** The last day of a month (1–12), 'YYYY-MM-DD'. */
export function endOfMonth(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The first 4-digit year (1990–2099) followed by 年 in a title: 「2026年全面深化改革工作要点」 → 2026. */
export function titleYearOf(title: string | null | undefined): number | undefined {
  const m = /((?:19|20)\d{2})\s*年/.exec(normaliseNumerals(title ?? ''));
  return m ? Number(m[1]) : undefined;
}

const CN_DIGIT: Record<string, string> = { 〇: '0', 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
const CN_MONTH: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };

/** Half-width; 二〇二六年 → 2026年; 六月 → 6月 (not 季度, which the table reads itself). */
function normaliseNumerals(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/([〇零一二三四五六七八九]{4})年/g, (_, d: string) => `${[...d].map((c) => CN_DIGIT[c]).join('')}年`)
    .replace(/(十[一二]|[一二三四五六七八九十])月/g, (_, d: string) => `${CN_MONTH[d]}月`);
}

/** Normalised text the phrase table runs on: no time of day, no whitespace, half-width. */
function normalise(text: string): string {
  return normaliseNumerals(text.replace(ZERO_WIDTH, '').replace(/[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '')).replace(/\s+/g, '');
}

interface Found {
  index: number;
  length: number;
  end: PhraseEnd;
}

/** The phrase patterns, each as a global regex (scan resets lastIndex; the module is synchronous). */
const COMPILED = DEADLINE_PHRASES.map((p) => [p, new RegExp(p.pattern.source, p.pattern.flags.includes('g') ? p.pattern.flags : `${p.pattern.flags}g`)] as const);

/** Every phrase in a text, in order of position; earlier table rows win overlaps. */
function scan(text: string): Found[] {
  const taken: [number, number][] = [];
  const found: Found[] = [];
  for (const [phrase, re] of COMPILED) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      const a = m.index;
      const b = a + m[0].length;
      if (taken.some(([x, z]) => a < z && b > x)) continue;
      taken.push([a, b]);
      const end = phrase.end(m);
      if (end) found.push({ index: a, length: m[0].length, end });
    }
  }
  return found.sort((p, q) => p.index - q.index);
}

interface Resolved { due: string; explicit: boolean; index: number; length: number }

/** Resolves phrase ends to dates: a phrase without a year inherits the cell's previous one. */
function resolve(text: string, found: Found[], baseYear: number): Resolved[] {
  const out: Resolved[] = [];
  let year: number | undefined;
  let lastMonth = 0;
  let lastEnd = -1;
  for (const f of found) {
    const isRangeEnd = lastEnd >= 0 && /^[-—–‒―~～〜至到]+$/.test(text.slice(lastEnd, f.index));
    const { month, day } = f.end;
    if (month < 1 || month > 12) continue;
    let y = f.end.year;
    const explicit = y !== undefined || year !== undefined;
    if (y === undefined && year !== undefined) y = isRangeEnd && month < lastMonth ? year + 1 : year; // 2026年11月—3月
    if (y === undefined) y = baseYear;
    if (y < 1900 || y > 2099) continue;
    const due = day === 'end' ? endOfMonth(y, month) : `${y}-${pad(month)}-${pad(day)}`;
    if (!isIsoDate(due)) continue;
    if (f.end.year !== undefined) year = f.end.year;
    else if (year !== undefined) year = y;
    lastMonth = month;
    lastEnd = f.index + f.length;
    out.push({ due, explicit, index: f.index, length: f.length });
  }
  return out;
}

function fromSerial(n: number): string | null {
  if (!Number.isFinite(n) || n < SERIAL_MIN || n >= SERIAL_MAX + 1) return null;
  return new Date(EXCEL_EPOCH_MS + Math.floor(n) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Parses a 完成时限 cell. Blank → null. A Date (exceljs: wall-clock time as UTC) is the date in the
 * cell, whatever the time of day. A number is an Excel serial (fraction = time of day, dropped) or,
 * 1900–2099, a year (→ 12-31). Text: every phrase in DEADLINE_PHRASES is found; the latest date
 * wins (a range or staged deadline ends last). Text with no date but a LONG_TERM_WORDS word is
 * longTerm, as is a start with no end (LONG_TERM_PATTERNS: 2026年起). Anything else is 'unparsed', kept as written. Never throws.
 */
export function parseDeadline(value: unknown, ctx: DeadlineContext): DeadlineParse | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const due = value.toISOString().slice(0, 10);
    const year = value.getUTCFullYear();
    if (year < 1900 || year > 2099) return { due: null, asWritten: value.toISOString(), kind: 'unparsed', yearSource: 'cell' };
    return { due, asWritten: due, kind: 'date', yearSource: 'cell' };
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1900 && value <= 2099) return { due: `${value}-12-31`, asWritten: String(value), kind: 'date', yearSource: 'cell' };
    const due = fromSerial(value);
    return due ? { due, asWritten: due, kind: 'date', yearSource: 'cell' } : { due: null, asWritten: String(value), kind: 'unparsed', yearSource: 'cell' };
  }
  if (typeof value !== 'string') return null;
  const asWritten = value.replace(ZERO_WIDTH, '').replace(/\s+/g, ' ').trim();
  if (asWritten === '') return null;
  const text = normalise(asWritten);
  if (/^\d{5}(?:\.\d+)?$/.test(text)) {
    const due = fromSerial(Number(text));
    if (due) return { due, asWritten, kind: 'date', yearSource: 'cell' };
  }
  if (/^(?:19|20)\d{2}$/.test(text)) return { due: `${text}-12-31`, asWritten, kind: 'date', yearSource: 'cell' };
  const baseYear = ctx.titleYear ?? ctx.importYear;
  const dates = resolve(text, scan(text), baseYear);
  if (dates.length) {
    const latest = dates.reduce((a, b) => (b.due > a.due ? b : a));
    return { due: latest.due, asWritten, kind: 'date', yearSource: latest.explicit ? 'cell' : ctx.titleYear !== undefined ? 'title' : 'import' };
  }
  if (LONG_TERM_WORDS.some((w) => text.includes(w)) || LONG_TERM_PATTERNS.some((p) => p.test(text))) return { due: null, asWritten, kind: 'longTerm', yearSource: 'cell' };
  return { due: null, asWritten, kind: 'unparsed', yearSource: 'cell' };
}

export interface DeadlineSuggestion {
  due: string;
  /** The phrase as found in the text, with its 前/完成 (「5月底前」). */
  asWritten: string;
}

const DEADLINE_TAIL = /^(?:前|以前|之前|底前|完成|内|为止|截止|止)/;

/**
 * A deadline written inside a task's text (`5月底前实现…`), to offer as a suggestion when the
 * 完成时限 cell is blank: the latest phrase that ends in 底/末 or is followed by 前/完成/内/为止.
 * `year` is the year to assume when the phrase names none. Null when there is none.
 */
export function deadlineInText(taskText: string | null | undefined, year: number): DeadlineSuggestion | null {
  if (!taskText) return null;
  const text = normalise(stripTaskNumber(taskText).text); // 1.1完成… is numbered, not due on 1 January
  let best: DeadlineSuggestion | null = null;
  for (const r of resolve(text, scan(text), year)) {
    const phrase = text.slice(r.index, r.index + r.length);
    const tail = DEADLINE_TAIL.exec(text.slice(r.index + r.length));
    if (!tail && !/[底末内]$/.test(phrase)) continue;
    if (!best || r.due >= best.due) best = { due: r.due, asWritten: phrase + (tail?.[0] ?? '') };
  }
  return best;
}
