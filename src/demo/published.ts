// A second demo ledger, laid out the way reform offices publish their task lists (issue 12),
// written for this project (清源县 is fictional): a 「附件1」 line, a merged title row, a
// letter-spaced header with line breaks and annotations, 序号 instead of 编号, section headings
// (一、/（一）, one naming its leaders), joint lead units, `X牵头，Y配合`, collectives, an alias,
// leaders typeset with a space or two in a cell, deadlines as words (「长期坚持」 among them), a
// deadline only in the task text, ★ marks and trailing 。, a footnote — and no 单位/人员 sheets.
// Shipped as demo/示范台账-公布格式.xlsx (scripts/make-demo-workbook.ts), which `taizhang demo --layout
// published` loads; the tests build it (and variants) with writePublishedWorkbook.
import ExcelJS from 'exceljs';

export type PublishedRow =
  | { heading: string }
  | { no: string | number; task: string; lead: string | null; co?: string | null; leaders?: string | null; due?: ExcelJS.CellValue; result?: string | null; note?: string | null };

export const PUBLISHED_TITLE = '清源县2026年全面深化改革重点任务分工方案';

export const publishedDemoRows: PublishedRow[] = [
  { heading: '一、经济体制改革（牵头领导：陆明、俞悦）' },
  { no: 1, task: '★深化预算绩效管理改革，完善全过程预算绩效管理体系。', lead: '县财政局、县税务局', co: '各镇人民政府', due: '2026年6月底前', result: '实施方案' },
  { no: 2, task: '推进政务服务“一网通办”，实现高频事项全程网办。', lead: '县政务服务局牵头，县发改局、县住建局配合', leaders: '俞 悦', due: '年底前', result: '运行报告' },
  { no: 3, task: '优化营商环境，开展涉企收费专项清理', lead: '县发改局(粮食局)', co: '县市场监管局\n县财政局', leaders: '陆明\n俞悦', due: '三季度末' },
  { heading: '（一）农业农村改革' },
  { no: 4, task: '深化农村集体产权制度改革', lead: '县农业农村局', co: '县直各有关单位', leaders: '陆明', due: '长期坚持' },
  { no: 5, task: '5月底前完成农村宅基地使用情况摸底', lead: '县自然资源局', co: '相关单位', leaders: '陆明', due: null },
  { no: 6, task: '推进农业社会化服务托管改革', lead: '县农业农村局', co: '各乡镇（街道）', leaders: '陆明', due: '上半年', note: '省级试点' },
  { heading: '二、社会治理改革' },
  { no: 7, task: '健全城乡社区治理体系，推行网格化服务管理', lead: '县民政局', co: '县公安局、县司法局等有关部门', leaders: '俞悦', due: '2026年3月—6月' },
  { no: 8, task: '深化“最多跑一地”矛盾纠纷调处化解改革', lead: '县司法局', co: '县信访局', leaders: '俞悦', due: '持续推进' },
  { no: 9, task: '推进公共法律服务体系建设', lead: '县司法局', leaders: '俞悦', due: new Date(Date.UTC(2026, 11, 15, 17, 30)) },
];

export const PUBLISHED_HEADERS = ['序  号', '重 点 任 务', '牵头\n单位', '责任单位', '牵头领导', '完成时限（年月日）', '成果形式：', '备注'];

export interface PublishedOptions {
  sheetName?: string;
  title?: string | null;
  headers?: string[];
  rows?: PublishedRow[];
  footnote?: string | null;
  /** Extra sheets: a hidden one (read by nobody), or anything else. */
  hiddenSheet?: boolean;
  /** Write codes (编号) in a first column, e.g. from an export. */
  codes?: (string | null)[];
}

/** Builds a published-layout workbook (see publishedDemoRows) and writes it to `file`. */
export async function writePublishedWorkbook(file: string, opts: PublishedOptions = {}): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.created = new Date('2026-11-21T00:00:00Z');
  wb.modified = wb.created;
  const ws = wb.addWorksheet(opts.sheetName ?? '附件');
  const headers = opts.headers ?? PUBLISHED_HEADERS;
  const withCodes = opts.codes !== undefined;
  const width = headers.length + (withCodes ? 1 : 0);
  const last = String.fromCharCode(64 + width);
  ws.addRow(['附件1']);
  if (opts.title !== null) {
    const t = ws.addRow([opts.title ?? PUBLISHED_TITLE]);
    ws.mergeCells(`A${t.number}:${last}${t.number}`);
  }
  ws.addRow([]);
  ws.addRow(withCodes ? ['编号', ...headers] : headers);
  let i = 0;
  for (const r of opts.rows ?? publishedDemoRows) {
    if ('heading' in r) {
      const h = ws.addRow(withCodes ? [null, r.heading] : [r.heading]);
      ws.mergeCells(`${withCodes ? 'B' : 'A'}${h.number}:${last}${h.number}`);
      continue;
    }
    const cells = [r.no, r.task, r.lead, r.co ?? null, r.leaders ?? null, r.due ?? null, r.result ?? null, r.note ?? null];
    ws.addRow(withCodes ? [opts.codes![i] ?? null, ...cells] : cells);
    i++;
  }
  if (opts.footnote !== null) {
    ws.addRow([]);
    const f = ws.addRow([opts.footnote ?? '注：完成时限未注明年份的，均指2026年。']);
    ws.mergeCells(`A${f.number}:${last}${f.number}`);
  }
  if (opts.hiddenSheet) {
    const h = wb.addWorksheet('旧版');
    h.state = 'hidden';
    h.addRow(['序号', '重点任务', '牵头单位', '完成时限']);
    h.addRow([1, '隐藏表中的旧任务', '县旧单位', '2025年底']);
  }
  await wb.xlsx.writeFile(file);
}
