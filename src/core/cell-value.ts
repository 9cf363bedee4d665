// Spreadsheet cells (as exceljs hands them over, or CSV text) to plain values and text, safely:
// never "[object Object]", never a date shifted through a time zone. Pure; no exceljs import.
//
// exceljs cell values: null | string | number | boolean | Date | { formula|sharedFormula, result? }
// | { richText: { text }[] } | { text, hyperlink } (text may itself be rich text) | { error: '#N/A' }.

/** A cell's value reduced to what a ledger field can hold. */
export type CellPrimitive = string | number | boolean | Date | null;

/** Why a cell could not be read; the importer reports it with the cell's sheet/row/column. */
export type CellProblem = 'formula-without-result' | 'error-value' | 'unsupported-value';

/** Chinese text (what happened + the fix) for each cell problem. */
export const CELL_PROBLEM_MESSAGES: Record<CellProblem, string> = {
  'formula-without-result': '单元格是公式但没有计算结果，已按空白处理；请在 Excel 中打开并保存（或把公式改为数值）后再导入',
  'error-value': '单元格是错误值（如 #N/A、#REF!），已按空白处理；请改正公式或填写内容',
  'unsupported-value': '单元格内容无法识别，已按空白处理；请改为文字',
};

export interface UnwrappedCell {
  value: CellPrimitive;
  problem?: CellProblem;
}

/**
 * Unwraps an exceljs cell value: formula → its cached result (none → null + 'formula-without-result'),
 * rich text → concatenated text, hyperlink → its text, error → null + 'error-value'. Strings are
 * returned as written (no trimming, no whitespace collapsing: a line break separates list items).
 */
export function unwrapCell(value: unknown, depth = 0): UnwrappedCell {
  if (value === null || value === undefined) return { value: null };
  if (typeof value === 'string' || typeof value === 'boolean') return { value };
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { value: null, problem: 'unsupported-value' };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { value: null, problem: 'unsupported-value' } : { value };
  if (typeof value !== 'object' || depth > 4) return { value: null, problem: 'unsupported-value' };
  const v = value as Record<string, unknown>;
  if ('formula' in v || 'sharedFormula' in v) {
    if (v.result === undefined || v.result === null) return { value: null, problem: 'formula-without-result' };
    if (typeof v.result === 'object' && !(v.result instanceof Date) && 'error' in (v.result as object)) return { value: null, problem: 'error-value' };
    return unwrapCell(v.result, depth + 1);
  }
  if (Array.isArray(v.richText)) {
    return { value: v.richText.map((run) => (run && typeof run === 'object' && typeof (run as { text?: unknown }).text === 'string' ? (run as { text: string }).text : '')).join('') };
  }
  if ('text' in v) {
    const inner = unwrapCell(v.text, depth + 1);
    return typeof inner.value === 'string' ? inner : { value: inner.value === null ? null : String(inner.value), problem: inner.problem };
  }
  if ('error' in v) return { value: null, problem: 'error-value' };
  return { value: null, problem: 'unsupported-value' };
}

/**
 * The date a Date cell shows, 'YYYY-MM-DD'. exceljs gives a date cell as its wall-clock time
 * read as UTC (a cell showing 2026-12-15 17:30 is 2026-12-15T17:30Z), so the UTC calendar date is
 * the date in the cell; converting through Asia/Shanghai would move 16:00 and later to the next day.
 */
export function cellDateText(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export interface CellText {
  /** The cell as text; null when empty or unreadable. Dates as YYYY-MM-DD. Not trimmed inside. */
  text: string | null;
  problem?: CellProblem;
}

/** A cell as text (see unwrapCell); leading/trailing whitespace trimmed, inner line breaks kept. */
export function cellText(value: unknown): CellText {
  const { value: v, problem } = unwrapCell(value);
  let text: string | null;
  if (v === null) text = null;
  else if (v instanceof Date) text = cellDateText(v);
  else if (typeof v === 'boolean') text = v ? '是' : '否';
  else text = String(v).replace(/\r\n?/g, '\n').trim();
  if (text === '') text = null;
  return problem ? { text, problem } : { text };
}

/** Separators of list items inside one cell: line breaks, 、，,；; and ／/. */
export const LIST_SEPARATORS = /[\n\u2028\u2029、，,；;／/]+/;

/**
 * Splits a list cell into items. Line breaks separate items, so this runs on the raw text before
 * any whitespace is collapsed; each item then has its whitespace collapsed to one space and is
 * trimmed. Empty items and repeats are dropped; order is kept.
 */
export function splitCellList(text: string | null | undefined, separators: RegExp = LIST_SEPARATORS): string[] {
  if (!text) return [];
  const items = text.replace(/\r\n?/g, '\n').split(separators).map(collapseWhitespace).filter(Boolean);
  return [...new Set(items)];
}

/** Every kind of whitespace (incl. NBSP, ideographic space, zero-width chars) to one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(ZERO_WIDTH, '').replace(/\s+/g, ' ').trim();
}

/** Zero-width characters people paste from web pages and Word: ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen. */
export const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
