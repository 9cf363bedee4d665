// 风控审查 (黄龙: 可行性评估、合法性审查、社会风险和舆情风险评估) before a reform starts. Pure.
// Each dimension is 通过 / 有条件通过 (with its conditions) / 不通过 (with why); the verdict is the
// worst of the four. Only a passed item (通过, or 有条件通过 with its conditions carried into the
// task) can be 立项.
export const RISK_DIMENSIONS = ['可行性', '合法性', '社会风险', '舆情风险'] as const;
export type RiskDimension = (typeof RISK_DIMENSIONS)[number];
export const RISK_RESULTS = ['通过', '有条件通过', '不通过'] as const;
export type RiskResult = (typeof RISK_RESULTS)[number];

export interface DimensionReview {
  dimension: RiskDimension;
  result: RiskResult;
  /** The conditions (有条件通过), the reason (不通过), or a remark. */
  note: string;
}

export type ReviewCheck = { ok: true; verdict: RiskResult; conditions: string[] } | { ok: false; reason: string };

/** Checks a whole review (all four dimensions, once each, notes where required) and gives its verdict. */
export function judgeReview(dimensions: readonly Partial<DimensionReview>[]): ReviewCheck {
  const problems: string[] = [];
  for (const d of RISK_DIMENSIONS) {
    const hits = dimensions.filter((x) => x.dimension === d);
    if (hits.length === 0) problems.push(`缺少「${d}」的审查结论`);
    else if (hits.length > 1) problems.push(`「${d}」填写了多次`);
  }
  for (const x of dimensions) {
    if (!x.dimension || !(RISK_DIMENSIONS as readonly string[]).includes(x.dimension)) problems.push(`没有「${String(x.dimension)}」这一审查维度`);
    else if (!x.result || !(RISK_RESULTS as readonly string[]).includes(x.result)) problems.push(`请选择「${x.dimension}」的结论（通过 / 有条件通过 / 不通过）`);
    else if (x.result === '有条件通过' && !x.note?.trim()) problems.push(`「${x.dimension}」有条件通过，请写明条件`);
    else if (x.result === '不通过' && !x.note?.trim()) problems.push(`「${x.dimension}」不通过，请写明理由`);
  }
  if (problems.length) return { ok: false, reason: problems.join('；') };
  const results = dimensions.map((x) => x.result!);
  const verdict: RiskResult = results.includes('不通过') ? '不通过' : results.includes('有条件通过') ? '有条件通过' : '通过';
  const conditions = dimensions.filter((x) => x.result === '有条件通过').map((x) => `${x.dimension}：${x.note!.trim()}`);
  return { ok: true, verdict, conditions };
}

/** The 储备库 item's status after a review with this verdict. */
export function reserveStatusAfter(verdict: RiskResult): '审查通过' | '有条件通过' | '审查未通过' {
  return verdict === '通过' ? '审查通过' : verdict === '有条件通过' ? '有条件通过' : '审查未通过';
}

export const RESERVE_STATUSES = ['待审查', '审查通过', '有条件通过', '审查未通过', '已立项'] as const;
export type ReserveStatus = (typeof RESERVE_STATUSES)[number];

/** May the item be reviewed (again)? Not once it became a task. */
export function canReview(status: ReserveStatus): { ok: true } | { ok: false; reason: string } {
  if (status === '已立项') return { ok: false, reason: '该议题已立项，风控审查结论已记入事项，不能再改。' };
  return { ok: true };
}

/** May the item become a task (立项)? Only after a passed review. */
export function canLaunch(status: ReserveStatus): { ok: true } | { ok: false; reason: string; already?: boolean } {
  switch (status) {
    case '审查通过':
    case '有条件通过':
      return { ok: true };
    case '待审查':
      return { ok: false, reason: '该议题还没有经过风控审查（可行性、合法性、社会风险、舆情风险），审查通过后才能立项。请先发送「风控 <编号>」。' };
    case '审查未通过':
      return { ok: false, reason: '该议题风控审查未通过，不能立项。如情况有变，可重新审查。' };
    case '已立项':
      return { ok: false, reason: '该议题已立项，无需重复立项。', already: true };
  }
}
