// Builds workbooks and CSV folders for import tests, starting from the committed demo workbook.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';

export const DEMO_WORKBOOK = path.resolve(import.meta.dirname, '../../demo/示范台账.xlsx');

export function tempDir(prefix = 'taizhang-wb-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies the demo workbook, lets `edit` change it, saves it to a temp file. */
export async function editedDemoWorkbook(edit: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(DEMO_WORKBOOK);
  edit(wb);
  const file = path.join(tempDir(), 'edited.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

/** The row of sheet `sheet` whose first cell equals `key`. */
export function rowByKey(wb: ExcelJS.Workbook, sheet: string, key: string): ExcelJS.Row {
  const ws = wb.getWorksheet(sheet)!;
  let found: ExcelJS.Row | undefined;
  ws.eachRow((row) => {
    if (String(row.getCell(1).value) === key) found = row;
  });
  if (!found) throw new Error(`no row ${key} in ${sheet}`);
  return found;
}

export function columnIndex(wb: ExcelJS.Workbook, sheet: string, header: string): number {
  const ws = wb.getWorksheet(sheet)!;
  let idx = -1;
  ws.getRow(1).eachCell((cell, col) => {
    if (cell.value === header) idx = col;
  });
  if (idx < 0) throw new Error(`no column ${header} in ${sheet}`);
  return idx;
}

export function writeCsvFolder(files: Record<string, string[][]>): string {
  const dir = tempDir('taizhang-csv-');
  for (const [name, rows] of Object.entries(files)) {
    const text = rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
    writeFileSync(path.join(dir, `${name}.csv`), '\uFEFF' + text);
  }
  return dir;
}
