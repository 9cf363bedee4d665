// The reform loop's workbooks (exceljs): a meeting's 深改委议题清单 and the annual assessment, each
// laid out as the office prints it. `taizhang loop-export` writes them; the chat shows the same as cards.
import ExcelJS from 'exceljs';
import type { ReserveRecord } from './reserve.js';
import { COMPONENTS, COMPONENT_LABELS, type UnitAssessment } from '../core/loop/assessment.js';

function titled(wb: ExcelJS.Workbook, sheet: string, title: string, headers: string[], widths: number[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheet);
  ws.mergeCells(1, 1, 1, headers.length);
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { bold: true, size: 16 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.addRow(headers).font = { bold: true };
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return ws;
}

export async function topicsWorkbook(meeting: string, items: ReserveRecord[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = titled(wb, '议题清单', `${meeting}议题清单`, ['序号', '编号', '议题', '来源', '风控审查结论', '审查意见', '状态'], [6, 14, 40, 14, 14, 50, 10]);
  items.forEach((r, i) => {
    const last = r.reviews.at(-1);
    ws.addRow([i + 1, r.number, r.title, r.suggestionNumber ? `${r.source}（${r.suggestionNumber}）` : r.source, last?.verdict ?? '未审查',
      last ? last.dimensions.map((d) => `${d.dimension}：${d.result}${d.note ? `（${d.note}）` : ''}`).join('；') : '', r.status]);
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function assessmentWorkbook(year: number, ranked: UnitAssessment[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const headers = ['名次', '单位', '总分', ...COMPONENTS.map((c) => COMPONENT_LABELS[c]), '战略任务落实', '计算说明'];
  const ws = titled(wb, '年度考核', `${year} 年度改革考核结果`, headers, [6, 18, 8, ...COMPONENTS.map(() => 10), 12, 100]);
  for (const u of ranked) {
    ws.addRow([u.rank, u.unitName, u.total, ...u.components.map((c) => (c.points === null ? '不计' : c.points)), u.strategic.score ?? '—',
      [...u.components.map((c) => c.explain), u.totalExplain, `战略任务落实：${u.strategic.explain}`].join('\n')]).alignment = { wrapText: true, vertical: 'top' };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
