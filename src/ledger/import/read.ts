// Reads an import source into plain sheets: an .xlsx workbook, or CSV files (given one by one or
// as a directory). Nothing here knows what a ledger is: a sheet is its grid of cell values (row
// numbers as the office sees them in Excel), its merged ranges and whether it is hidden. Which row
// is the header and what the columns mean is decided later (table.ts, published.ts).
//
// Limits (issue 11): a file above MAX_FILE_BYTES or a sheet above MAX_ROWS rows is refused with a
// Chinese message before the workbook is loaded — a million-row workbook is refused in about a
// second instead of taking 85 s and 2.9 GB.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';

export type CellValue = string | number | boolean | Date | null;

export interface RawRow {
  /** 1-based row number as the office sees it in Excel. */
  rowNumber: number;
  cells: Record<string, CellValue>;
}

/** A table: the header row's texts and the rows below it keyed by header. */
export interface RawSheet {
  name: string;
  headers: string[];
  rows: RawRow[];
}

export interface MergeRange { top: number; left: number; bottom: number; right: number }

/** A sheet as read: every non-empty row with its cells by column (0-based). */
export interface GridSheet {
  name: string;
  file: string;
  hidden: boolean;
  rows: { rowNumber: number; values: CellValue[] }[];
  merges: MergeRange[];
  /** Cells that could not be read as a value (a formula without a cached result, an error). */
  cellProblems: { row: number; column: number; message: string }[];
}

export class ImportReadError extends Error {}

export const MAX_FILE_BYTES = 30 * 1024 * 1024;
export const MAX_ROWS = 60_000;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export async function readGrids(paths: string[]): Promise<GridSheet[]> {
  const sheets: GridSheet[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new ImportReadError(`找不到文件：${p}`);
    if (statSync(p).isDirectory()) {
      const csvs = readdirSync(p).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
      if (csvs.length === 0) throw new ImportReadError(`目录中没有 CSV 文件：${p}`);
      for (const f of csvs) sheets.push(readCsvGrid(path.join(p, f)));
    } else if (p.toLowerCase().endsWith('.xlsx')) {
      sheets.push(...(await readWorkbookGrids(p)));
    } else if (p.toLowerCase().endsWith('.csv')) {
      sheets.push(readCsvGrid(p));
    } else {
      throw new ImportReadError(`不支持的文件类型：${path.basename(p)}（请使用 .xlsx 或 .csv；.xls 请在 Excel 中另存为 .xlsx）`);
    }
  }
  return sheets;
}

function checkSize(file: string): number {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES) {
    throw new ImportReadError(`文件 ${path.basename(file)} 有 ${mb(size)}，超过导入上限 ${mb(MAX_FILE_BYTES)}。台账一般不超过几千行，请删去无关的工作表、图片或多余的行后再导入。`);
  }
  return size;
}

/**
 * Counts rows sheet by sheet with the streaming reader and stops at the first sheet over the cap,
 * so an oversized workbook is refused without being loaded. Small files skip this pass.
 */
async function checkRowCount(file: string): Promise<void> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'ignore', styles: 'ignore', hyperlinks: 'ignore', entries: 'ignore' });
  for await (const ws of reader) {
    let n = 0;
    for await (const _row of ws as AsyncIterable<unknown>) {
      if (++n > MAX_ROWS) {
        const name = (ws as unknown as { name?: string }).name ?? '';
        throw new ImportReadError(`工作表「${name}」超过 ${MAX_ROWS.toLocaleString('en-US')} 行，超过导入上限，未读取。请只保留台账所在的行（或拆分为几个文件）后再导入。`);
      }
    }
  }
}

export async function readWorkbookGrids(file: string): Promise<GridSheet[]> {
  const size = checkSize(file);
  const wb = new ExcelJS.Workbook();
  try {
    if (size > 512 * 1024) await checkRowCount(file);
    await wb.xlsx.readFile(file);
  } catch (err) {
    if (err instanceof ImportReadError) throw err;
    // The library's own words (English, with its links) say nothing to an office: say what to do.
    throw new ImportReadError(`无法读取 Excel 文件 ${path.basename(file)}：文件已损坏或不是 .xlsx 格式（可能是改了扩展名的其他文件，或 .xls 旧格式）。请用 Excel 或 WPS 打开后「另存为」.xlsx 再发送。`);
  }
  return wb.worksheets.map((ws) => {
    const sheet: GridSheet = { name: ws.name.trim(), file: path.basename(file), hidden: ws.state === 'hidden' || ws.state === 'veryHidden', rows: [], merges: [], cellProblems: [] };
    if (ws.rowCount > MAX_ROWS) throw new ImportReadError(`工作表「${sheet.name}」超过 ${MAX_ROWS.toLocaleString('en-US')} 行，超过导入上限，未读取。`);
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values: CellValue[] = [];
      let any = false;
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        // A merged cell's followers repeat the master in ExcelJS: only the master holds the value.
        if (cell.isMerged && cell.master !== cell) return;
        const v = cellValue(cell.value, (message) => sheet.cellProblems.push({ row: rowNumber, column: col - 1, message }));
        values[col - 1] = v;
        if (v !== null && v !== '') any = true;
      });
      if (any) sheet.rows.push({ rowNumber, values });
    });
    const merges = (ws as unknown as { model: { merges?: string[] } }).model.merges ?? [];
    for (const ref of merges) {
      const r = parseRange(ref);
      if (r) sheet.merges.push(r);
    }
    return sheet;
  });
}

function parseRange(ref: string): MergeRange | null {
  const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(ref.replace(/\$/g, ''));
  if (!m) return null;
  const col = (s: string) => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return { top: Number(m[2]), left: col(m[1]!), bottom: Number(m[4]), right: col(m[3]!) };
}

/** One cell's value. A formula without a cached result or an error value is reported, never stored as text. */
export function cellValue(v: ExcelJS.CellValue, report: (message: string) => void = () => {}): CellValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    if ('formula' in v || 'sharedFormula' in v) {
      const result = (v as { result?: unknown }).result;
      if (result === undefined || result === null) {
        report('公式单元格没有计算结果（文件未经 Excel 计算保存），已按空白处理。请在 Excel 中打开并保存后再导入，或把公式改为数值');
        return null;
      }
      if (typeof result === 'object' && result !== null && 'error' in result) {
        report(`公式结果为错误值 ${String((result as { error: unknown }).error)}，已按空白处理`);
        return null;
      }
      return cellValue(result as ExcelJS.CellValue, report);
    }
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('error' in v) {
      report(`单元格为错误值 ${String(v.error)}，已按空白处理`);
      return null;
    }
    if ('text' in v) return typeof v.text === 'string' ? v.text : cellValue(v.text as ExcelJS.CellValue, report);
  }
  report('单元格内容无法识别，已按空白处理');
  return null;
}

export function readCsvGrid(file: string): GridSheet {
  checkSize(file);
  const text = decodeCsv(readFileSync(file), path.basename(file));
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false, to: MAX_ROWS + 1 }) as string[][];
  } catch (err) {
    throw new ImportReadError(`CSV 文件 ${path.basename(file)} 格式有误：${(err as Error).message}`);
  }
  if (records.length > MAX_ROWS) throw new ImportReadError(`CSV 文件 ${path.basename(file)} 超过 ${MAX_ROWS.toLocaleString('en-US')} 行，超过导入上限，未读取。`);
  const rows: GridSheet['rows'] = [];
  records.forEach((rec, i) => {
    if (rec.every((c) => c.trim() === '')) return;
    rows.push({ rowNumber: i + 1, values: rec.map((c) => (c === '' ? null : c)) });
  });
  return { name: path.basename(file, path.extname(file)).trim(), file: path.basename(file), hidden: false, rows, merges: [], cellProblems: [] };
}

/**
 * CSV bytes to text. UTF-8 with or without BOM; UTF-16 (LE/BE, with BOM, or without BOM when every
 * other byte of ASCII text is zero); GB18030/GBK — what Excel on Chinese Windows saves as
 * 「CSV (逗号分隔)」 — when the bytes are not valid UTF-8 (also behind a stray UTF-8 BOM). Anything
 * else is refused naming what was found.
 */
export function decodeCsv(bytes: Buffer, name = 'CSV'): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = bytes.subarray(0, Math.min(bytes.length, 4096));
  const zeros = (parity: number) => head.filter((b, i) => i % 2 === parity && b === 0).length;
  if (head.length >= 4 && zeros(1) > head.length / 4) return new TextDecoder('utf-16le').decode(bytes);
  if (head.length >= 4 && zeros(0) > head.length / 4) return new TextDecoder('utf-16be').decode(bytes);
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(body);
    } catch {
      throw new ImportReadError(`${name} 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030 或 UTF-16）。请在 Excel 中「另存为」→「CSV UTF-8（逗号分隔）」后再导入`);
    }
  }
}

/** The legacy reader: every sheet as a table with its header in row 1 (the import template). */
export async function readImportSource(paths: string[]): Promise<RawSheet[]> {
  return (await readGrids(paths)).filter((g) => !g.hidden).map((g) => tableAt(g, g.rows[0]?.rowNumber ?? 1, (g.rows[0]?.values ?? []).map((v) => cellText(v).trim())));
}

export function cellText(v: CellValue): string {
  return v === null ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
}

/** The rows below `headerRow`, keyed by the given column headers (one per column; '' skips it). */
export function tableAt(g: GridSheet, headerRow: number, headers: string[]): RawSheet {
  const rows: RawRow[] = [];
  for (const r of g.rows) {
    if (r.rowNumber <= headerRow) continue;
    const cells: Record<string, CellValue> = {};
    let any = false;
    headers.forEach((h, i) => {
      if (!h) return;
      const v = r.values[i] ?? null;
      if (v !== null && v !== '') any = true;
      cells[h] = v;
    });
    if (any) rows.push({ rowNumber: r.rowNumber, cells });
  }
  return { name: g.name, headers: headers.filter(Boolean), rows };
}
