// 半年一通报 as a Word document: totals with a chart, the per-unit table with ranks, the overdue
// list, the half's confirmed achievements, and the requirements for the next half.
import { formatPercent } from '../core/stats.js';
import type { Tally } from '../core/tally.js';
import { barChartPng } from './charts.js';
import { OfficialDoc, officialDate } from './layout.js';

export interface AchievementLine {
  unitName: string;
  category: string;
  description: string;
}

export interface HalfYearInput {
  issuer: string;
  date: string;
  /** '2026年上半年', or '2026年下半年（截至11月30日）' while it runs; the tally is judged as of its end. */
  periodLabel: string;
  tally: Tally;
  achievements: readonly AchievementLine[];
}

const MAX_ROWS = 200;

export function halfYearDocument(input: HalfYearInput): OfficialDoc {
  const { tally, periodLabel } = input;
  const t = tally.totals;
  const doc = new OfficialDoc({ title: `关于${periodLabel}改革任务推进情况的通报`, issuer: input.issuer, date: officialDate(input.date) });
  doc.para(`为推动各项改革任务落地见效，根据“半年一通报、年终盘总账”工作安排，现将${periodLabel}全县改革任务推进情况通报如下。`);

  doc.section('总体情况');
  doc.para(
    `截至${officialDate(tally.asOf)}，台账共有改革事项 ${t.total} 项，已销号 ${t.completed} 项，其中按时完成 ${t.completedOnTime} 项；` +
      `逾期未完成 ${t.overdue} 项；暂缓 ${t.paused} 项。完成率 ${formatPercent(t.completionRate)}（已销号 ÷（总数 − 暂缓）），按时完成率 ${formatPercent(t.onTimeRate)}。`,
  );
  if (tally.units.length) {
    doc.image(
      barChartPng('各单位完成率（%）', tally.units.slice(0, 30).map((u) => ({ name: u.unitName, value: Math.round((u.completionRate ?? 0) * 1000) / 10 })), '%'),
      `图1　各单位完成率${tally.units.length > 30 ? '（前 30 名）' : ''}`,
    );
  }

  doc.section('各单位推进情况');
  doc.table(
    ['名次', '单位', '事项总数', '已销号', '按时完成', '逾期', '完成率'],
    tally.units.slice(0, MAX_ROWS).map((u) => [u.rank, u.unitName, u.total, u.completed, u.completedOnTime, u.overdue, formatPercent(u.completionRate)]),
    '表1　各单位改革任务推进情况',
  );
  if (tally.units.length > MAX_ROWS) doc.para(`另有 ${tally.units.length - MAX_ROWS} 个单位未列出。`);

  doc.section('工作亮点');
  if (input.achievements.length) {
    doc.para(`${periodLabel}，经县委改革办确认的改革成果共 ${input.achievements.length} 项：`);
    for (const a of input.achievements.slice(0, 50)) doc.item(`${a.unitName}：`, `${a.description}（${a.category}）。`);
  } else {
    doc.para('本期暂无经确认的获上级批示肯定、经验入选上级刊物、主流媒体报道等改革成果。');
  }

  doc.section('存在的问题');
  if (tally.overdue.length) {
    doc.para(`截至${officialDate(tally.asOf)}，逾期未完成事项 ${tally.overdue.length} 项，按逾期时长排列如下：`);
    doc.table(
      ['编号', '改革事项', '牵头单位', '完成时限', '逾期工作日'],
      tally.overdue.slice(0, MAX_ROWS).map((o) => [o.code, o.title, o.unitName, o.deadline, o.overdueWorkingDays]),
      '表2　逾期未完成事项',
    );
    if (tally.overdue.length > MAX_ROWS) doc.para(`等 ${tally.overdue.length} 项，另有 ${tally.overdue.length - MAX_ROWS} 项未列出。`);
  } else {
    doc.para('本期无逾期未完成事项。');
  }

  doc.section('下步工作要求');
  doc.item('压实责任。', '各牵头单位对照台账逐项梳理，逾期事项明确整改时限，逐项销号。');
  doc.item('按时报送。', '每月按时报送进展，如实反映存在问题，需协调事项及时提请县委改革办。');
  doc.item('总结推广。', '对成效明显的改革举措及时总结提炼，形成可复制可推广的经验做法。');
  return doc;
}
