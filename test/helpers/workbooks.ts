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

/** A real .xlsx in a temp dir, one sheet per entry, rows as given (numbers stay numbers, null is an empty cell). */
export async function writeXlsx(sheets: Record<string, readonly (readonly (string | number | null)[])[]>, name = 'ledger.xlsx'): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [sheet, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(sheet);
    for (const row of rows) ws.addRow([...row]);
  }
  const file = path.join(tempDir(), name);
  await wb.xlsx.writeFile(file);
  return file;
}

export function writeCsvFolder(files: Record<string, string[][]>): string {
  const dir = tempDir('taizhang-csv-');
  for (const [name, rows] of Object.entries(files)) {
    const text = rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
    writeFileSync(path.join(dir, `${name}.csv`), '\uFEFF' + text);
  }
  return dir;
}

// ---- published layouts (issue 12)

export { publishedDemoRows, writePublishedWorkbook, type PublishedRow } from '../../src/demo/published.js';
import { writePublishedWorkbook, type PublishedOptions, type PublishedRow } from '../../src/demo/published.js';

/** A published-layout workbook in a temp file (see src/demo/published.ts for the layout). */
export async function publishedWorkbook(opts: PublishedOptions = {}, name = 'published.xlsx'): Promise<string> {
  const file = path.join(tempDir('taizhang-pub-'), name);
  await writePublishedWorkbook(file, opts);
  return file;
}

/**
 * Rows with every pattern of issue 12 not already in the demo: numbering 1﹒ / 1.1 / （一） inside
 * the task, an unnumbered sub-heading, separators ；, and line breaks, up to three joint leads,
 * `…牵头，市级各有关部门按职责分工负责`, 各县市区政府, every deadline phrasing.
 */
export const everyPatternRows: PublishedRow[] = [
  { heading: '一、深化重点领域改革（责任领导：陆明）' },
  { no: '1﹒', task: '1﹒建立健全财政资金直达机制。', lead: '县财政局，县审计局；县税务局', co: '县发改局', due: '2026年底' },
  { no: '1.1', task: '推进国资国企改革', lead: '县国资中心牵头，县级各有关部门按职责分工负责', due: '年内' },
  { no: 3, task: '（一）完善要素市场化配置', lead: '县发改局', co: '各县市区政府', leaders: '俞 悦、陆 明', due: '全年' },
  { heading: '重点突破事项' },
  { no: 4, task: '★★推进数据要素流通试点', lead: '县数据局', co: '县政务服务局,县财政局', due: '第三季度' },
  { no: 5, task: '推动“一件事一次办”扩面', lead: '县政务服务局', due: '6月底完成' },
  { no: 6, task: '开展营商环境评价', lead: '县发改局', due: '2026年6月' },
  { no: 7, task: '完成全县事业单位改革', lead: '县委编办', due: '2026年6月30日前' },
  { no: 8, task: '常态化开展政策评估', lead: '县委改革办', due: '常态化推进' },
  { no: 9, task: '建立长效机制', lead: '县委改革办', due: '长期' },
  { no: 10, task: '推进一项尚无时限的工作', lead: '县委改革办', due: '视情推进' },
];
