// Column headers as offices write them → ledger fields. The synonyms are data
// (src/core/tables/header-synonyms.ts); this file normalises headers and maps a header row.
import { cellText } from './cell-value.js';
import { HEADER_SYNONYMS, LEDGER_FIELDS, RESPONSIBLE_UNIT_HEADERS, type LedgerField } from './tables/header-synonyms.js';

export { HEADER_SYNONYMS, LEDGER_FIELDS, RESPONSIBLE_UNIT_HEADERS, TITLE_FIELDS, type LedgerField } from './tables/header-synonyms.js';

/**
 * A header as compared: every kind of whitespace removed (spaces, NBSP, ideographic space, tabs,
 * line breaks — so letter-spacing `目  标  任  务` and Alt+Enter vanish), zero-width characters
 * (U+200B–U+200D, U+2060, U+FEFF, soft hyphen) removed, full-width → half-width (NFKC), bracketed
 * annotations removed (`完成时限（年月日）`, `(必填)`, `【…】`), required marks (* ★) and trailing
 * colons removed, Latin letters upper-cased. A header made only of an annotation keeps its inside.
 */
export function normaliseHeader(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : (cellText(raw).text ?? '');
  const plain = text.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '').normalize('NFKC').replace(/\s+/g, '');
  const unbracketed = plain.replace(/[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]/g, '');
  const base = unbracketed === '' ? plain.replace(/[()\[\]【】〔〕<>《》]/g, '') : unbracketed;
  return base.replace(/^[*★☆]+|[*★☆]+$/g, '').replace(/[:：]+$/, '').replace(/^[*★☆]+|[*★☆]+$/g, '').toUpperCase();
}

const FIELD_BY_HEADER: ReadonlyMap<string, LedgerField> = (() => {
  const map = new Map<string, LedgerField>();
  for (const field of LEDGER_FIELDS) {
    for (const h of HEADER_SYNONYMS[field]) {
      const key = normaliseHeader(h);
      const prev = map.get(key);
      if (prev && prev !== field) throw new Error(`header synonym ${h} is listed for ${prev} and ${field}`);
      map.set(key, field);
    }
  }
  return map;
})();
const RESPONSIBLE = new Set(RESPONSIBLE_UNIT_HEADERS.map(normaliseHeader));

/** The field a single header names, or null; 责任单位 gives 'responsible-unit' (see mapHeaders). */
export function fieldOfHeader(raw: unknown): LedgerField | 'responsible-unit' | null {
  const key = normaliseHeader(raw);
  if (!key) return null;
  if (RESPONSIBLE.has(key)) return 'responsible-unit';
  return FIELD_BY_HEADER.get(key) ?? null;
}

export interface HeaderMapping {
  /** 0-based index into the cells given to mapHeaders (column A = 0). */
  column: number;
  /** The header as written in the sheet (trimmed). */
  header: string;
  field: LedgerField;
  /** Set when the field was decided by the 责任单位 rule rather than by the header alone. */
  rule?: 'responsible-unit-is-lead' | 'responsible-unit-is-co';
}

export interface HeaderDuplicate {
  field: LedgerField;
  /** Every column mapping to the field, in order; the first one is in `mapping`, the rest are not read. */
  columns: number[];
  headers: string[];
}

export interface HeaderMap {
  /** One entry per recognised field (first column wins), in column order. */
  mapping: HeaderMapping[];
  /** Non-empty headers that name no field, as written (for `--check`: 未识别的列). */
  unrecognised: string[];
  /** The same, with their 0-based columns. */
  unrecognisedColumns: { column: number; header: string }[];
  /** Fields named by more than one column. */
  duplicates: HeaderDuplicate[];
}

/**
 * Maps a header row (cells in column order; strings or exceljs values) to fields. 责任单位 is the
 * lead (牵头单位) when no column maps to 牵头单位, otherwise the co-units (配合单位) — unless a
 * 配合单位 column exists too, in which case it is a duplicate of 配合单位.
 */
export function mapHeaders(cells: readonly unknown[]): HeaderMap {
  const found: { column: number; header: string; field: LedgerField | 'responsible-unit' }[] = [];
  const unrecognisedColumns: { column: number; header: string }[] = [];
  cells.forEach((cell, column) => {
    const header = (typeof cell === 'string' ? cell : (cellText(cell).text ?? '')).trim();
    if (!normaliseHeader(header)) return;
    const field = fieldOfHeader(header);
    if (field) found.push({ column, header, field });
    else unrecognisedColumns.push({ column, header });
  });
  const hasLead = found.some((f) => f.field === '牵头单位');
  const byField = new Map<LedgerField, HeaderMapping[]>();
  for (const f of found) {
    const m: HeaderMapping =
      f.field === 'responsible-unit'
        ? { column: f.column, header: f.header, field: hasLead ? '配合单位' : '牵头单位', rule: hasLead ? 'responsible-unit-is-co' : 'responsible-unit-is-lead' }
        : { column: f.column, header: f.header, field: f.field };
    const list = byField.get(m.field) ?? [];
    list.push(m);
    byField.set(m.field, list);
  }
  const mapping: HeaderMapping[] = [];
  const duplicates: HeaderDuplicate[] = [];
  for (const [field, list] of byField) {
    // A column named by the field's own synonyms wins over one assigned by the 责任单位 rule.
    const ordered = [...list].sort((a, b) => Number(Boolean(a.rule)) - Number(Boolean(b.rule)) || a.column - b.column);
    mapping.push(ordered[0]!);
    if (list.length > 1) duplicates.push({ field, columns: ordered.map((m) => m.column), headers: ordered.map((m) => m.header) });
  }
  mapping.sort((a, b) => a.column - b.column);
  duplicates.sort((a, b) => a.columns[0]! - b.columns[0]!);
  return { mapping, unrecognised: unrecognisedColumns.map((u) => u.header), unrecognisedColumns, duplicates };
}

/** The 0-based column of a field in a header map, or undefined. */
export function columnOf(map: HeaderMap, field: LedgerField): number | undefined {
  return map.mapping.find((m) => m.field === field)?.column;
}
