// 改革建议 (基层议改革): what the office may do with a suggestion in each state. Pure.
//
//   待处理 --采纳入库--> 已入库
//   待处理 --转单位研究--> 研究中 --单位答复--> 待处理 (back with the unit's answer)
//   待处理 | 研究中 --合并--> 已合并
//   待处理 | 研究中 --不予采纳--> 不予采纳
// 已入库, 已合并, 不予采纳 are final: the suggester has been told the outcome.
export const SUGGESTION_STATUSES = ['待处理', '研究中', '已入库', '已合并', '不予采纳'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];
export const SUGGESTION_ACTIONS = ['采纳入库', '转单位研究', '单位答复', '合并', '不予采纳'] as const;
export type SuggestionAction = (typeof SUGGESTION_ACTIONS)[number];

const RULES: Record<SuggestionAction, { from: readonly SuggestionStatus[]; to: SuggestionStatus }> = {
  采纳入库: { from: ['待处理', '研究中'], to: '已入库' },
  转单位研究: { from: ['待处理'], to: '研究中' },
  单位答复: { from: ['研究中'], to: '待处理' },
  合并: { from: ['待处理', '研究中'], to: '已合并' },
  不予采纳: { from: ['待处理', '研究中'], to: '不予采纳' },
};

export const FINAL_SUGGESTION_STATUSES: readonly SuggestionStatus[] = ['已入库', '已合并', '不予采纳'];

export interface SuggestionActionInput {
  reason?: string | null;
  /** 转单位研究 */
  unitId?: number | null;
  due?: string | null;
  today?: string;
  /** 合并: the suggestion it goes into, and that one's status. */
  intoId?: number | null;
  intoStatus?: SuggestionStatus | null;
  selfId?: number;
  /** 单位答复 */
  answer?: string | null;
}

export type SuggestionTransition = { ok: true; to: SuggestionStatus } | { ok: false; reason: string; already?: boolean };

export function applySuggestionAction(current: SuggestionStatus, action: SuggestionAction, input: SuggestionActionInput = {}): SuggestionTransition {
  const rule = RULES[action];
  if (!rule.from.includes(current)) {
    // A second click on the same button finds the suggestion where the first one put it.
    return { ok: false, reason: refusal(current, action), already: current === rule.to };
  }
  if (action === '不予采纳' && !input.reason?.trim()) return { ok: false, reason: '不予采纳需要填写理由，建议人会收到这条理由。' };
  if (action === '转单位研究') {
    if (!input.unitId) return { ok: false, reason: '请选择研究单位。' };
    if (!input.due) return { ok: false, reason: '请填写答复时限。' };
    if (input.today && input.due < input.today) return { ok: false, reason: `答复时限（${input.due}）已过，请选择今天或以后的日期。` };
  }
  if (action === '合并') {
    if (!input.intoId) return { ok: false, reason: '请填写要合并到的建议编号。' };
    if (input.intoId === input.selfId) return { ok: false, reason: '不能合并到这条建议本身。' };
    if (input.intoStatus === '已合并' || input.intoStatus === '不予采纳') return { ok: false, reason: `目标建议${input.intoStatus}，不能再合并进去。` };
  }
  if (action === '单位答复' && !input.answer?.trim()) return { ok: false, reason: '请填写研究意见。' };
  return { ok: true, to: rule.to };
}

function refusal(current: SuggestionStatus, action: SuggestionAction): string {
  if (current === '已入库') return `该建议已采纳入库，不能再${action}。`;
  if (current === '已合并') return `该建议已合并到其他建议，不能再${action}。`;
  if (current === '不予采纳') return `该建议已不予采纳，不能再${action}。`;
  if (current === '研究中') return action === '转单位研究' ? '该建议已转单位研究，请等待单位答复。' : `该建议正在单位研究中，不能${action}。`;
  return action === '单位答复' ? '该建议没有转给单位研究，或已答复。' : `该建议当前为「${current}」，不能${action}。`;
}

/** What the suggester is told for each outcome (the office's reason or the unit's answer appended by the caller). */
export const OUTCOME_HEADLINE: Record<SuggestionAction, string> = {
  采纳入库: '您的改革建议已被采纳，纳入改革议题储备库',
  转单位研究: '您的改革建议已转有关单位研究',
  单位答复: '有关单位已对您的改革建议提出研究意见',
  合并: '您的改革建议已与相近建议合并办理',
  不予采纳: '您的改革建议经研究暂不采纳',
};

export function isSuggestionStatus(s: string): s is SuggestionStatus {
  return (SUGGESTION_STATUSES as readonly string[]).includes(s);
}
