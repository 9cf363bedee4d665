// 推广动态简报 (monthly): progress of each promotion plan by batch, local adjustments worth
// sharing (适应性调整), common problems and next steps. The same data feeds the card.
import { barChartPng } from './charts.js';
import { OfficialDoc, officialDate } from './layout.js';

export const PROMOTION_BATCHES = ['首批推广单位', '重点推广单位', '后续跟进单位'] as const;

export interface BriefUnit {
  unitName: string;
  batch: string;
  startOn: string;
  report: { progress: string; problems: string; adaptations: string } | null;
}

export interface BriefPlan {
  title: string;
  corePractice: string;
  bottomLines: string;
  units: BriefUnit[];
}

export interface BriefInput {
  issuer: string;
  date: string;
  /** '2026年11月' */
  periodLabel: string;
  issueNo: number;
  plans: BriefPlan[];
}

export interface BriefSummary {
  units: number;
  reported: number;
  byBatch: { batch: string; units: number; reported: number }[];
  adaptations: { unitName: string; plan: string; text: string }[];
  problems: { unitName: string; plan: string; text: string }[];
  missing: { unitName: string; plan: string }[];
}

/** Pure: the figures of the brief (also used by the 简报 card). */
export function summariseBrief(plans: readonly BriefPlan[]): BriefSummary {
  const all = plans.flatMap((p) => p.units.map((u) => ({ ...u, plan: p.title })));
  const batches = [...PROMOTION_BATCHES, ...new Set(all.map((u) => u.batch).filter((b) => !(PROMOTION_BATCHES as readonly string[]).includes(b)))];
  return {
    units: all.length,
    reported: all.filter((u) => u.report).length,
    byBatch: batches
      .map((batch) => ({ batch, units: all.filter((u) => u.batch === batch).length, reported: all.filter((u) => u.batch === batch && u.report).length }))
      .filter((b) => b.units > 0),
    adaptations: all.filter((u) => u.report?.adaptations.trim()).map((u) => ({ unitName: u.unitName, plan: u.plan, text: u.report!.adaptations.trim() })),
    problems: all.filter((u) => u.report?.problems.trim()).map((u) => ({ unitName: u.unitName, plan: u.plan, text: u.report!.problems.trim() })),
    missing: all.filter((u) => !u.report).map((u) => ({ unitName: u.unitName, plan: u.plan })),
  };
}

export function briefDocument(input: BriefInput): OfficialDoc {
  const s = summariseBrief(input.plans);
  const doc = new OfficialDoc({
    title: '改革试点经验复制推广动态简报',
    subtitle: `${input.periodLabel}（第${input.issueNo}期）`,
    issuer: input.issuer,
    date: officialDate(input.date),
  });
  doc.section('总体进展');
  doc.para(`本期在推广的试点经验 ${input.plans.length} 项，涉及推广单位 ${s.units} 个，已报送推广进展 ${s.reported} 个，未报送 ${s.units - s.reported} 个。`);
  if (s.byBatch.length) {
    doc.table(['推广批次', '单位数', '已报送', '未报送'], s.byBatch.map((b) => [b.batch, b.units, b.reported, b.units - b.reported]), '表1　分批次推广进展');
    doc.image(barChartPng('分批次已报送单位数', s.byBatch.map((b) => ({ name: b.batch, value: b.reported }))), '图1　分批次报送情况');
  }
  for (const plan of input.plans) {
    doc.sub(plan.title);
    doc.item('核心机制：', plan.corePractice);
    doc.item('底线要求：', plan.bottomLines);
    for (const u of plan.units) {
      doc.item(`${u.unitName}（${u.batch}）：`, u.report ? u.report.progress : '本期未报送推广进展。');
    }
  }
  doc.section('因地制宜的适应性调整');
  if (s.adaptations.length) for (const a of s.adaptations) doc.item(`${a.unitName}：`, `${a.text}（${a.plan}）`);
  else doc.para('本期无报送的适应性调整。');
  doc.section('共性问题');
  if (s.problems.length) for (const p of s.problems) doc.item(`${p.unitName}：`, `${p.text}（${p.plan}）`);
  else doc.para('本期各推广单位未反映问题。');
  doc.section('下步工作');
  if (s.missing.length) doc.item('督促报送。', `${s.missing.map((m) => m.unitName).join('、')}本期未报送推广进展，请于下期按时报送。`);
  doc.item('守住底线。', '各推广单位在结合实际调整做法时，须守住推广方案明确的底线要求，核心机制不走样。');
  doc.item('总结提炼。', '对适应性调整中行之有效的做法及时总结，纳入下一批推广的工作指引。');
  return doc;
}
