// Reads an import source into plain sheets: an .xlsx workbook, or CSV files named after the sheets
// (单位.csv, 人员.csv, 台账.csv, 节点.csv) given one by one or as a directory.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';

export type CellValue = string | number | boolean | Date | null;

export interface RawRow {
  /** 1-based row number as the office sees it in Excel (the header is row 1). */
  rowNumber: number;
  cells: Record<string, CellValue>;
}

export interface RawSheet {
  name: string;
  headers: string[];
  rows: RawRow[];
}

export class ImportReadError extends Error {}

export async function readImportSource(paths: string[]): Promise<RawSheet[]> {
  const sheets: RawSheet[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new ImportReadError(`找不到文件：${p}`);
    if (statSync(p).isDirectory()) {
      const csvs = readdirSync(p).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
      if (csvs.length === 0) throw new ImportReadError(`目录中没有 CSV 文件：${p}`);
      for (const f of csvs) sheets.push(readCsvSheet(path.join(p, f)));
    } else if (p.toLowerCase().endsWith('.xlsx')) {
      sheets.push(...(await readWorkbook(p)));
    } else if (p.toLowerCase().endsWith('.csv')) {
      sheets.push(readCsvSheet(p));
    } else {
      throw new ImportReadError(`不支持的文件类型：${path.basename(p)}（请使用 .xlsx 或 .csv）`);
    }
  }
  return sheets;
}

export async function readWorkbook(file: string): Promise<RawSheet[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(file);
  } catch (err) {
    throw new ImportReadError(`无法读取 Excel 文件 ${path.basename(file)}：${(err as Error).message}`);
  }
  return wb.worksheets.map((ws) => {
    const headerRow = ws.getRow(1);
    const headers: string[] = [];
    headerRow.eachCell({ includeEmpty: true }, (cell, col) => {
      headers[col - 1] = cellText(cell.value).trim();
    });
    const rows: RawRow[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return;
      const cells: Record<string, CellValue> = {};
      let any = false;
      headers.forEach((h, i) => {
        if (!h) return;
        const v = normaliseCell(row.getCell(i + 1).value);
        if (v !== null && v !== '') any = true;
        cells[h] = v;
      });
      if (any) rows.push({ rowNumber, cells });
    });
    return { name: ws.name.trim(), headers: headers.filter(Boolean), rows };
  });
}

function normaliseCell(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    if ('result' in v && v.result !== undefined) return normaliseCell(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return null;
  }
  return String(v);
}

function cellText(v: ExcelJS.CellValue): string {
  const n = normaliseCell(v);
  return n === null ? '' : n instanceof Date ? n.toISOString() : String(n);
}

export function readCsvSheet(file: string): RawSheet {
  const text = decodeCsv(readFileSync(file));
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (err) {
    throw new ImportReadError(`CSV 文件 ${path.basename(file)} 格式有误：${(err as Error).message}`);
  }
  const headers = (records[0] ?? []).map((h) => h.trim());
  const rows: RawRow[] = [];
  records.slice(1).forEach((rec, i) => {
    if (rec.every((c) => c.trim() === '')) return;
    const cells: Record<string, CellValue> = {};
    headers.forEach((h, j) => {
      if (h) cells[h] = rec[j] ?? null;
    });
    rows.push({ rowNumber: i + 2, cells });
  });
  return { name: path.basename(file, path.extname(file)).trim(), headers: headers.filter(Boolean), rows };
}

/**
 * CSV bytes to text: UTF-8 (with or without BOM), or GB18030 — what Excel on Chinese Windows saves
 * ("CSV (逗号分隔)") — when the bytes are not valid UTF-8.
 */
export function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
