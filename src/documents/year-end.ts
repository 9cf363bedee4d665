// 年终盘总账 as a Word document: every task of the year classified (已销号 / 待销号 / 结转 / 逾期),
// with a chart of the mix, the per-unit table and the lists by class.
import type { YearEndLedger, YearEndRow } from '../core/tally.js';
import { pieChartPng } from './charts.js';
import type { AchievementLine } from './half-year.js';
import { OfficialDoc, officialDate } from './layout.js';

export interface YearEndInput {
  issuer: string;
  date: string;
  /** '2025年度', or '2026年度（截至11月30日）' while the year runs. */
  yearLabel: string;
  /** The year has not ended: unfinished tasks not yet due are 在办, not carried over. */
  partial: boolean;
  ledger: YearEndLedger;
  achievements: readonly AchievementLine[];
}

const MAX_ROWS = 200;
const COLOURS = { 已销号: '#34c724', 待销号: '#3370ff', 结转: '#8f959e', 逾期: '#f54a45' } as const;

export function yearEndDocument(input: YearEndInput): OfficialDoc {
  const { ledger, yearLabel } = input;
  const carried = input.partial ? '在办未到期' : '结转下年';
  const note = (r: YearEndRow) => (input.partial ? r.note.replace('，结转下年', '，在办') : r.note);
  const c = ledger.counts;
  const doc = new OfficialDoc({ title: `${yearLabel}改革任务盘总账情况报告`, issuer: input.issuer, date: officialDate(input.date) });
  doc.para(`按照“半年一通报、年终盘总账”要求，县委改革办对${yearLabel}改革台账逐项对账，现将有关情况报告如下。`);

  doc.section('总体情况');
  doc.para(`${yearLabel}台账共有改革事项 ${c.total} 项：已销号 ${c['已销号']} 项，已报告完成待审核销号 ${c['待销号']} 项，${carried} ${c['结转']} 项，逾期未完成 ${c['逾期']} 项。`);
  if (c.total) {
    doc.image(
      pieChartPng(`${ledger.year} 年台账构成`, (['已销号', '待销号', '结转', '逾期'] as const).map((k) => ({ name: k === '结转' ? carried : k, value: c[k], colour: COLOURS[k] }))),
      '图1　年度台账构成',
    );
  }

  doc.section('分单位对账情况');
  doc.table(
    ['单位', '事项总数', '已销号', '待销号', carried, '逾期'],
    ledger.byUnit.slice(0, MAX_ROWS).map((u) => [u.unitName, u.counts.total, u.counts['已销号'], u.counts['待销号'], u.counts['结转'], u.counts['逾期']]),
    '表1　各单位年度对账情况',
  );

  doc.section('逐项对账情况');
  const list = (label: string, rows: YearEndRow[], n: number) => {
    doc.sub(`${label}（${rows.length} 项）`);
    if (!rows.length) return void doc.para('无。');
    doc.table(['编号', '改革事项', '牵头单位', '完成时限', '说明'], rows.slice(0, MAX_ROWS).map((r) => [r.code, r.title, r.unitName, r.deadline ?? '—', note(r)]), `表${n}　${label}`);
    if (rows.length > MAX_ROWS) doc.para(`等 ${rows.length} 项，另有 ${rows.length - MAX_ROWS} 项未列出。`);
  };
  const of = (cls: string) => ledger.rows.filter((r) => r.class === cls);
  list('逾期未完成事项', of('逾期').sort((a, b) => b.overdueWorkingDays - a.overdueWorkingDays), 2);
  list('待审核销号事项', of('待销号'), 3);
  list(`${carried}事项`, of('结转'), 4);

  doc.section('年度改革成果');
  if (input.achievements.length) {
    for (const a of input.achievements.slice(0, 100)) doc.item(`${a.unitName}：`, `${a.description}（${a.category}）。`);
  } else {
    doc.para('本年度暂无经确认的改革成果。');
  }

  doc.section('有关要求');
  doc.item('对账销号。', '待审核销号事项由县委改革办会同牵头单位逐项核实，符合条件的予以销号。');
  if (input.partial) doc.item('加快推进。', '在办事项对照完成时限倒排工期，确保年底前应完尽完。');
  else doc.item('结转管理。', '结转下年事项纳入新年度台账，明确新的完成时限和责任人。');
  doc.item('逾期整改。', '逾期未完成事项由牵头单位说明原因、提出整改措施，限期完成。');
  return doc;
}
