// The annual assessment's card: a table of the ranking and each unit's score with how it was
// computed. Shown by 「考核」 and pushed by the assessment job.
import { joinMd, md } from '../../../cards/markup.js';
import { markdownElement, type Card } from '../../../cards/render.js';
import { COMPONENTS, COMPONENT_LABELS, type AssessmentWeights, type UnitAssessment } from '../../../core/loop/assessment.js';
import { noticeCard } from '../../cards.js';

export function assessmentCard(year: number, ranked: UnitAssessment[], weights: AssessmentWeights): Card {
  const table = {
    tag: 'table', page_size: 10, row_height: 'low', header_style: { bold: true, background_style: 'grey' },
    columns: [
      { name: 'rank', display_name: '名次', data_type: 'number' },
      { name: 'unit', display_name: '单位', data_type: 'text', width: 'auto' },
      { name: 'total', display_name: '总分', data_type: 'number' },
      ...COMPONENTS.map((c) => ({ name: c, display_name: COMPONENT_LABELS[c], data_type: 'text' })),
      { name: 'strategic', display_name: '战略任务落实', data_type: 'text' },
    ],
    rows: ranked.slice(0, 30).map((u) => ({
      rank: u.rank, unit: u.unitName, total: u.total,
      ...Object.fromEntries(u.components.map((c) => [c.component, c.points === null ? '不计' : `${c.points}/${c.max}`])),
      strategic: u.strategic.score === null ? '—' : String(u.strategic.score),
    })),
  };
  const explain = ranked.slice(0, 8).map((u) => markdownElement(md`**${u.rank}. ${u.unitName}：${u.total.toFixed(1)} 分**\n${joinMd(u.components.map((c) => md`· ${c.explain}`))}\n· ${u.totalExplain}\n· 战略任务落实：${u.strategic.explain}`));
  const w = weights.components;
  return noticeCard(`${year} 年度改革考核结果`, md`按县委改革办设定的权重计算：${joinMd(COMPONENTS.map((c) => md`${COMPONENT_LABELS[c]} ${w[c]} 分`), '、')}；事项权重 = 事项权重 × 类别系数。每项得分均附计算过程。仅送县级领导和县委改革办；得分柱状图和 Excel 明细随后发出。`, 'blue', [table, ...explain]);
}
