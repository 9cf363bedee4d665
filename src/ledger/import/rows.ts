// The rows of a ledger sheet below its header (issue 12 §3): vertically merged cells fill down
// (a category or lead unit merged over several rows holds for each), a section heading row (一、…,
// （一）…, a text merged across the table) becomes the section (分组) of the rows under it — with
// the leaders it names — and is never a task; footnotes and blank rows are skipped. What is left
// are task rows, their cells keyed by ledger field.
import { normaliseHeader, type HeaderMapping } from '../../core/header-synonyms.js';
import type { LedgerField } from '../../core/tables/header-synonyms.js';
import { classifyRow, enterSection, sectionLabel, sectionLeaders, type SectionHeading } from '../../core/section-heading.js';
import type { CellValue } from './read.js';
import { columnLetter, type LedgerSheet } from './sheets.js';

export interface LedgerRow {
  sheet: string;
  rowNumber: number;
  section: string | null;
  /** Leaders named by the heading above the row: they apply when the row names none. */
  sectionLeaders: string[];
  values: Partial<Record<LedgerField, CellValue>>;
  /** Columns the export writes besides the ledger fields: 分组 (section) and 时限原文 (完成时限 as written). */
  extra: { section?: CellValue; dueText?: CellValue };
}

/** Headers (normalised) of the export's own extra columns. */
const EXTRA_HEADERS: Record<string, keyof LedgerRow['extra']> = { 分组: 'section', 所属分组: 'section', 任务分组: 'section', 时限原文: 'dueText', 完成时限原文: 'dueText' };

export interface LedgerTable {
  sheet: string;
  file: string;
  headerRow: number;
  mapping: HeaderMapping[];
  unrecognised: { column: string; header: string }[];
  /** Fields with a column in this sheet: a field without one keeps its stored value. */
  fields: Set<LedgerField>;
  /** Column letter of each mapped field, for problems. */
  columnOf: Partial<Record<LedgerField, string>>;
  rows: LedgerRow[];
  headings: { rowNumber: number; label: string; leaders: string[] }[];
  footnotes: number;
  duplicateColumns: { field: LedgerField; headers: string[] }[];
  /** A year named in the title lines above the header (「2026年…任务分工」), for deadlines without one. */
  titleYear: number | null;
  /** The sheet has a 分组 / 时限原文 column. */
  extraColumns: Set<keyof LedgerRow['extra']>;
}

export function ledgerTable(sheet: LedgerSheet): LedgerTable {
  const { grid, headerRow, map } = sheet;
  const table: LedgerTable = {
    sheet: grid.name, file: grid.file, headerRow, mapping: map.mapping,
    unrecognised: map.unrecognisedColumns.map((u) => ({ column: columnLetter(u.column), header: u.header })),
    fields: new Set(map.mapping.map((m) => m.field)),
    columnOf: Object.fromEntries(map.mapping.map((m) => [m.field, columnLetter(m.column)])),
    rows: [], headings: [], footnotes: 0,
    duplicateColumns: map.duplicates.map((d) => ({ field: d.field, headers: d.headers })),
    titleYear: null,
    extraColumns: new Set(),
  };
  const extraAt = new Map<number, keyof LedgerRow['extra']>();
  for (const u of map.unrecognisedColumns) {
    const key = EXTRA_HEADERS[normaliseHeader(u.header)];
    if (key && !table.extraColumns.has(key)) {
      extraAt.set(u.column, key);
      table.extraColumns.add(key);
    }
  }
  table.unrecognised = table.unrecognised.filter((u) => !EXTRA_HEADERS[normaliseHeader(u.header)]);
  for (const r of grid.rows) {
    if (r.rowNumber >= headerRow) break;
    const m = /((?:19|20)\d{2})\s*年/.exec(r.values.map((v) => (typeof v === 'string' ? v : '')).join(' '));
    if (m) { table.titleYear = Number(m[1]); break; }
  }
  const titleColumn = map.mapping.find((m) => m.field === '改革事项')!.column;
  const numberColumn = map.mapping.find((m) => m.field === '序号')?.column;
  // A section row may name its leaders in the 领衔领导 column (「一 | 经济体制改革 | 陆明」).
  const leaderColumn = map.mapping.find((m) => m.field === '领衔领导')?.column;

  // Merges below the header: vertical ones fill down; a horizontal one marks a row merged across.
  const fillDown = new Map<number, Map<number, { fromRow: number }>>();
  const mergedAcross = new Set<number>();
  for (const m of grid.merges) {
    if (m.bottom <= headerRow) continue;
    if (m.right > m.left) mergedAcross.add(m.top);
    if (m.bottom > m.top) {
      for (let r = Math.max(m.top + 1, headerRow + 1); r <= m.bottom; r++) {
        let cols = fillDown.get(r);
        if (!cols) fillDown.set(r, (cols = new Map()));
        cols.set(m.left, { fromRow: m.top });
      }
    }
  }
  const valuesByRow = new Map(grid.rows.map((r) => [r.rowNumber, r.values]));

  let open: SectionHeading[] = [];
  for (const r of grid.rows) {
    if (r.rowNumber <= headerRow) continue;
    const values = [...r.values];
    const fills = fillDown.get(r.rowNumber);
    if (fills) {
      for (const [col, { fromRow }] of fills) if (values[col] === undefined || values[col] === null) values[col] = valuesByRow.get(fromRow)?.[col] ?? null;
    }
    const cls = classifyRow(values, { titleColumn, ...(numberColumn !== undefined ? { numberColumn } : {}), ...(leaderColumn !== undefined ? { leaderColumn } : {}), merged: mergedAcross.has(r.rowNumber) });
    // Blank rows, and the header repeated on a later page of a printed table.
    if (cls.kind === 'blank' || cls.kind === 'header') continue;
    if (cls.kind === 'footnote') {
      table.footnotes++;
      continue;
    }
    if (cls.kind === 'heading') {
      open = enterSection(open, cls.heading);
      table.headings.push({ rowNumber: r.rowNumber, label: cls.heading.label, leaders: cls.heading.leaders });
      continue;
    }
    const row: LedgerRow = { sheet: grid.name, rowNumber: r.rowNumber, section: sectionLabel(open), sectionLeaders: sectionLeaders(open), values: {}, extra: {} };
    for (const m of map.mapping) row.values[m.field] = values[m.column] ?? null;
    for (const [column, key] of extraAt) row.extra[key] = values[column] ?? null;
    table.rows.push(row);
  }
  return table;
}
