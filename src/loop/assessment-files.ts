// The annual assessment's attachments, shared by 考核 in the chat and the yearly `assessment` job:
// the Excel sheet (the writer behind `taizhang loop-export assessment`) and a bar chart of the
// units' totals (src/documents/charts.ts: ECharts SSR → SVG → resvg PNG).
import type { UnitAssessment } from '../core/loop/assessment.js';
import { barChartPng } from '../documents/charts.js';
import { assessmentWorkbook } from './excel.js';

export interface AssessmentFiles {
  workbook: { fileName: string; bytes: Buffer };
  /** Null when no unit took part (nothing to draw). */
  chart: { fileName: string; png: Buffer } | null;
}

/** Units drawn in the chart: the top of the ranking (the sheet holds all). */
export const CHART_UNITS = 30;

export async function assessmentFiles(year: number, ranked: UnitAssessment[], asOf?: string): Promise<AssessmentFiles> {
  const suffix = asOf ? `（截至${asOf}）` : '';
  const chart = ranked.length
    ? { fileName: `${year}年度改革考核得分${suffix}.png`, png: barChartPng(`${year} 年度改革考核得分${suffix}`, ranked.slice(0, CHART_UNITS).map((u) => ({ name: u.unitName, value: Math.round(u.total * 10) / 10 })), '分').png }
    : null;
  return { workbook: { fileName: `${year}年度改革考核结果${suffix}.xlsx`, bytes: await assessmentWorkbook(year, ranked) }, chart };
}
