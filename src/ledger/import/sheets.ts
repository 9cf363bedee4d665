// Which sheets of a source are what (issue 12 §1). 单位/人员/节点 are the template's directory
// sheets, recognised by name. Any other visible sheet — named anything — whose header row (within
// the first rows, below title lines and a 「附件1」 line) maps a task column and enough known fields
// is a ledger sheet. Hidden sheets are reported and not read. The report says which sheet was read
// as what and which row was its header.
import { mapHeaders, normaliseHeader, type HeaderMap } from '../../core/header-synonyms.js';
import { findHeaderRow } from '../../core/header-row.js';
import { cellText, type CellValue, type GridSheet, type RawSheet } from './read.js';
import type { ImportProblem } from './validate.js';

export const DIRECTORY_SHEETS = {
  单位: ['单位名称', '类型', '上级单位', '工作群ID'],
  人员: ['姓名', '单位', '角色', '手机', '邮箱', '飞书ID'],
  节点: ['编号', '节点名称', '完成时限', '完成日期'],
} as const;
export type DirectorySheetName = keyof typeof DIRECTORY_SHEETS;

/** Sheets `taizhang export` adds for reading only (src/ledger/export.ts): never imported. */
export const EXPORT_ONLY_SHEETS = ['试点台账'] as const;

/** Rows searched for the header of a ledger sheet. */
const HEADER_SEARCH_ROWS = 20;

export interface LedgerSheet {
  grid: GridSheet;
  headerRow: number;
  /** Rows taken by a header written over two rows (a merged group header above the real one). */
  map: HeaderMap;
}

export interface SheetReport {
  sheet: string;
  file: string;
  /** 台账 (ledger), 单位/人员/节点 (directory), or why it was skipped. */
  readAs: '台账' | DirectorySheetName | '未读取';
  headerRow?: number;
  note?: string;
}

export interface ClassifiedSource {
  ledgers: LedgerSheet[];
  directory: Partial<Record<DirectorySheetName, RawSheet>>;
  reports: SheetReport[];
  problems: ImportProblem[];
}

const text = (v: CellValue | undefined) => (v === undefined ? '' : cellText(v).trim());

/**
 * The header row of a ledger sheet: the first of the top rows that maps a task column (改革事项
 * and its synonyms) and at least one other field. Returns null when none does.
 */
export function findLedgerHeader(grid: GridSheet): { headerRow: number; map: HeaderMap } | null {
  const top = grid.rows.slice(0, HEADER_SEARCH_ROWS);
  const found = findHeaderRow(top.map((r) => r.values.map((v) => v ?? null)), HEADER_SEARCH_ROWS);
  if (!found) return null;
  // A header over two rows (责任单位 above 牵头单位 | 配合单位): the data starts below the second.
  return { headerRow: top[found.index + found.headerRows - 1]!.rowNumber, map: found.map };
}

export function classifySheets(grids: GridSheet[]): ClassifiedSource {
  const out: ClassifiedSource = { ledgers: [], directory: {}, reports: [], problems: [] };
  const seen = new Set<string>();
  for (const g of grids) {
    const report = (readAs: SheetReport['readAs'], extra: Partial<SheetReport> = {}) => out.reports.push({ sheet: g.name, file: g.file, readAs, ...extra });
    if (g.hidden) {
      report('未读取', { note: '隐藏的工作表，未读取（如需导入，请在 Excel 中取消隐藏）' });
      continue;
    }
    for (const c of g.cellProblems) {
      out.problems.push({ sheet: g.name, row: c.row, column: columnLetter(c.column), message: c.message, severity: 'warning' });
    }
    if ((EXPORT_ONLY_SHEETS as readonly string[]).includes(g.name)) {
      report('未读取', { note: '导出台账附带的试点台账，导入时不读取（试点由改革办在机器人中登记）' });
      continue;
    }
    if (Object.hasOwn(DIRECTORY_SHEETS, g.name)) {
      const name = g.name as DirectorySheetName;
      if (seen.has(name)) {
        out.problems.push({ sheet: g.name, row: 1, column: '', message: `工作表「${g.name}」出现了两次` });
        continue;
      }
      seen.add(name);
      const first = g.rows[0];
      const headers = (first?.values ?? []).map((v) => canonicalDirectoryHeader(name, text(v ?? null)));
      out.directory[name] = tableBelow(g, first?.rowNumber ?? 1, headers);
      report(name, { headerRow: first?.rowNumber ?? 1 });
      continue;
    }
    const found = findLedgerHeader(g);
    if (!found) {
      // A header row that names ledger fields but not the task itself (or a sheet named 台账): say which columns are missing.
      const near = g.rows.slice(0, HEADER_SEARCH_ROWS).map((r) => ({ r, map: mapHeaders(r.values.map((v) => text(v ?? null))) }))
        .find(({ map }) => map.mapping.length >= 2) ?? (g.name === '台账' && g.rows[0] ? { r: g.rows[0], map: mapHeaders(g.rows[0].values.map((v) => text(v ?? null))) } : undefined);
      if (near) {
        const fields = new Set(near.map.mapping.map((m) => m.field));
        for (const [field, also] of [['改革事项', '改革任务、重点任务、工作任务等'], ['牵头单位', '责任单位、牵头部门等']] as const) {
          if (!fields.has(field)) out.problems.push({ sheet: g.name, row: near.r.rowNumber, column: field, message: `缺少必需的列「${field}」（也可写作${also}）`, blocking: true });
        }
        report('未读取', { headerRow: near.r.rowNumber, note: '表头缺少必需的列' });
        continue;
      }
      report('未读取', { note: g.rows.length === 0 ? '空工作表' : `前 ${HEADER_SEARCH_ROWS} 行中没有找到台账表头（应含「改革事项/改革任务/重点任务…」及「牵头单位」「完成时限」等列）` });
      continue;
    }
    out.ledgers.push({ grid: g, headerRow: found.headerRow, map: found.map });
    report('台账', { headerRow: found.headerRow });
  }
  return out;
}

/** A directory sheet's header as the template names it (line breaks, spaces, annotations removed). */
function canonicalDirectoryHeader(sheet: DirectorySheetName, header: string): string {
  const key = normaliseHeader(header);
  const known = (DIRECTORY_SHEETS[sheet] as readonly string[]).find((h) => normaliseHeader(h) === key);
  return known ?? header;
}

function tableBelow(g: GridSheet, headerRow: number, headers: string[]): RawSheet {
  const rows: RawSheet['rows'] = [];
  for (const r of g.rows) {
    if (r.rowNumber <= headerRow) continue;
    const cells: Record<string, CellValue> = {};
    headers.forEach((h, i) => {
      if (h) cells[h] = r.values[i] ?? null;
    });
    rows.push({ rowNumber: r.rowNumber, cells });
  }
  return { name: g.name, headers: headers.filter(Boolean), rows };
}

export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
