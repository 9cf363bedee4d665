// 年度考核: an annual per-unit score computed from the ledger with the office's weights (清远: 考核
// weights around the strategy's tasks). Pure arithmetic; every number explains itself in Chinese.
//
// Each task counts with weight w = task weight × its category's weight. Components (points set by
// the office, default 40/20/15/10/10/5 = 100):
//   完成情况  Σw of tasks closed out (已销号) / Σw of the unit's tasks in the year
//   按时完成  Σw of tasks whose completion was reported by their 完成时限 / Σw of tasks with a 完成时限
//   按时报送  per task, reports made on time / reports expected, averaged with w
//   回头看    per 回头看 due in the year: 持续见效 1, 效果减弱 0.5, 已停止运行 or no answer 0, averaged
//   改革建议  adopted suggestions (采纳入库) / the target, at most 1
//   揭榜挂帅  calls taken on (挂帅) / the target, at most 1
// A component with nothing to measure (no task with a 完成时限, no 回头看 due) is left out and the
// total is scaled back to 100 over the components that apply — said in its line.
// 战略任务落实 is a separate single-item score over tasks tagged strategic: closed on time 100,
// closed late 60, open and not overdue its percent, open and overdue 0 — averaged with w.
import { z } from 'zod';
import { parseSettings } from '../validation.js';
import { LOOKBACK_SCORE, type LookbackAnswer } from './lookback.js';
import type { IsoDate } from '../types.js';

export const COMPONENTS = ['completion', 'onTime', 'reporting', 'lookback', 'suggestions', 'calls'] as const;
export type Component = (typeof COMPONENTS)[number];
export const COMPONENT_LABELS: Record<Component, string> = {
  completion: '完成情况', onTime: '按时完成', reporting: '按时报送', lookback: '回头看', suggestions: '改革建议', calls: '揭榜挂帅',
};

export interface AssessmentWeights {
  components: Record<Component, number>;
  /** Multiplier per task category; a category not listed counts 1. */
  categories: Record<string, number>;
  suggestionsTarget: number;
  callsTarget: number;
  /** Tasks with this tag count for 战略任务落实. */
  strategicTag: string;
}

export const DEFAULT_ASSESSMENT_WEIGHTS: Readonly<AssessmentWeights> = Object.freeze({
  components: { completion: 40, onTime: 20, reporting: 15, lookback: 10, suggestions: 10, calls: 5 },
  categories: { 重点改革任务: 1.5 },
  suggestionsTarget: 2,
  callsTarget: 1,
  strategicTag: '战略任务',
});

const points = (label: string) => z.number({ error: `${label}应为数字` }).min(0, { error: `${label}不能为负数` }).max(100, { error: `${label}不能超过 100` });
const schema = z.strictObject({
  components: z.strictObject(Object.fromEntries(COMPONENTS.map((c) => [c, points(COMPONENT_LABELS[c]).optional()])) as Record<Component, z.ZodOptional<z.ZodNumber>>).optional(),
  categories: z.record(z.string(), z.number({ error: '类别权重应为数字' }).min(0, { error: '类别权重不能为负数' }).max(10, { error: '类别权重不能超过 10' })).optional(),
  suggestionsTarget: z.number().int().min(1, { error: '建议目标数至少为 1' }).max(100).optional(),
  callsTarget: z.number().int().min(1, { error: '揭榜目标数至少为 1' }).max(100).optional(),
  strategicTag: z.string().trim().min(1).max(20).optional(),
});

export function parseAssessmentWeights(json: unknown): AssessmentWeights {
  const v = parseSettings(schema, json ?? {}, '年度考核权重');
  const components = { ...DEFAULT_ASSESSMENT_WEIGHTS.components, ...(v.components ?? {}) } as Record<Component, number>;
  if (COMPONENTS.every((c) => components[c] === 0)) parseSettings(z.never({ error: '各项分值不能全为 0' }), 0, '年度考核权重');
  return {
    components,
    categories: v.categories ?? { ...DEFAULT_ASSESSMENT_WEIGHTS.categories },
    suggestionsTarget: v.suggestionsTarget ?? DEFAULT_ASSESSMENT_WEIGHTS.suggestionsTarget,
    callsTarget: v.callsTarget ?? DEFAULT_ASSESSMENT_WEIGHTS.callsTarget,
    strategicTag: v.strategicTag ?? DEFAULT_ASSESSMENT_WEIGHTS.strategicTag,
  };
}

export interface AssessedTask {
  code: string;
  category: string;
  weight: number;
  tags: readonly string[];
  deadline: IsoDate | null;
  status: string;
  /** Completion reported (待销号) on; closed out (已销号) on. */
  completedOn: IsoDate | null;
  closedOn: IsoDate | null;
  lastPercent: number | null;
  /** Reporting cycles in the year the unit was expected to report, and those it reported in. */
  reportsExpected: number;
  reportsOnTime: number;
}

export interface UnitAssessmentInput {
  unitId: number;
  unitName: string;
  tasks: readonly AssessedTask[];
  lookbacks: readonly { code: string; answer: LookbackAnswer | null }[];
  adoptedSuggestions: number;
  callsTakenOn: number;
}

export interface ComponentScore {
  component: Component;
  label: string;
  /** Points earned, out of `max`; null when the component does not apply. */
  points: number | null;
  max: number;
  explain: string;
}

export interface UnitAssessment {
  unitId: number;
  unitName: string;
  components: ComponentScore[];
  /** Out of 100. */
  total: number;
  totalExplain: string;
  strategic: { score: number | null; explain: string };
  rank: number;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const f1 = (n: number) => r1(n).toFixed(1);
const pct = (n: number) => `${f1(n * 100)}%`;

export function taskWeight(t: Pick<AssessedTask, 'weight' | 'category'>, w: AssessmentWeights): number {
  return t.weight * (w.categories[t.category] ?? 1);
}

/** Reported by its 完成时限 (the completion report's date; a close-out alone counts by its date). */
export function doneOnTime(t: AssessedTask): boolean | null {
  if (!t.deadline) return null;
  const on = t.completedOn ?? (t.status === '已销号' ? t.closedOn : null);
  return on !== null && on <= t.deadline && (t.status === '已销号' || t.status === '待销号');
}

export function assessUnit(input: UnitAssessmentInput, w: AssessmentWeights, today: IsoDate): Omit<UnitAssessment, 'rank'> {
  const tasks = input.tasks;
  const weightOf = (t: AssessedTask) => taskWeight(t, w);
  const sumW = (list: readonly AssessedTask[]) => list.reduce((s, t) => s + weightOf(t), 0);
  const scored = (component: Component, ratio: number | null, explainBasis: string): ComponentScore => {
    const max = w.components[component];
    const label = COMPONENT_LABELS[component];
    if (ratio === null) return { component, label, points: null, max, explain: `${label}：${explainBasis}，本项不计入，总分按其余各项折算` };
    const p = r1(ratio * max);
    return { component, label, points: p, max, explain: `${label}：${explainBasis}，得分率 ${pct(ratio)} × ${f1(max)} 分 = ${f1(p)} 分` };
  };

  const all = sumW(tasks);
  const closed = tasks.filter((t) => t.status === '已销号');
  const completion = scored('completion', all > 0 ? sumW(closed) / all : null,
    all > 0 ? `已销号 ${closed.length}/${tasks.length} 项（加权 ${f1(sumW(closed))}/${f1(all)}）` : '本年度无牵头事项');

  const timed = tasks.filter((t) => t.deadline !== null);
  const onTime = timed.filter((t) => doneOnTime(t));
  const onTimeScore = scored('onTime', sumW(timed) > 0 ? sumW(onTime) / sumW(timed) : null,
    timed.length ? `按时限完成 ${onTime.length}/${timed.length} 项（加权 ${f1(sumW(onTime))}/${f1(sumW(timed))}）` : '无有完成时限的事项');

  const reporting = tasks.filter((t) => t.reportsExpected > 0);
  const repW = sumW(reporting);
  const repRatio = repW > 0 ? reporting.reduce((s, t) => s + weightOf(t) * Math.min(1, t.reportsOnTime / t.reportsExpected), 0) / repW : null;
  const expected = reporting.reduce((s, t) => s + t.reportsExpected, 0);
  const made = reporting.reduce((s, t) => s + Math.min(t.reportsOnTime, t.reportsExpected), 0);
  const reportingScore = scored('reporting', repRatio, reporting.length ? `应报 ${expected} 期、按时报送 ${made} 期（按事项权重平均）` : '无应报送的事项');

  const lb = input.lookbacks;
  const lbSum = lb.reduce((s, l) => s + (l.answer ? LOOKBACK_SCORE[l.answer] : 0), 0);
  const counts = (a: LookbackAnswer | null) => lb.filter((l) => l.answer === a).length;
  const lookbackScore = scored('lookback', lb.length ? lbSum / lb.length : null,
    lb.length ? `回头看 ${lb.length} 项：持续见效 ${counts('持续见效')}、效果减弱 ${counts('效果减弱')}、已停止运行 ${counts('已停止运行')}、未答复 ${counts(null)}（持续见效 1 分、效果减弱 0.5 分、其余 0 分）` : '本年度无到期的回头看');

  const sugg = scored('suggestions', Math.min(1, input.adoptedSuggestions / w.suggestionsTarget), `采纳入库的改革建议 ${input.adoptedSuggestions} 条（目标 ${w.suggestionsTarget} 条）`);
  const calls = scored('calls', Math.min(1, input.callsTakenOn / w.callsTarget), `揭榜挂帅 ${input.callsTakenOn} 项（目标 ${w.callsTarget} 项）`);

  const components = [completion, onTimeScore, reportingScore, lookbackScore, sugg, calls];
  const applicable = components.filter((c) => c.points !== null);
  const earned = applicable.reduce((s, c) => s + c.points!, 0);
  const possible = applicable.reduce((s, c) => s + c.max, 0);
  const total = possible > 0 ? r1((earned / possible) * 100) : 0;
  const scaled = applicable.length < components.length;
  const totalExplain = scaled ? `各项合计 ${f1(earned)}/${f1(possible)} 分，折算为百分制 ${f1(total)} 分` : `各项合计 ${f1(total)} 分`;

  return { unitId: input.unitId, unitName: input.unitName, components, total, totalExplain, strategic: strategicScore(tasks, w, today) };
}

/** 战略任务落实: tasks tagged strategic, each 100 / 60 / its percent / 0, averaged with w. */
export function strategicScore(tasks: readonly AssessedTask[], w: AssessmentWeights, today: IsoDate): { score: number | null; explain: string } {
  const list = tasks.filter((t) => t.tags.includes(w.strategicTag));
  if (list.length === 0) return { score: null, explain: `无标记「${w.strategicTag}」的事项` };
  const parts = list.map((t) => {
    const onTime = doneOnTime(t);
    if (t.status === '已销号') return onTime === false ? { t, s: 60, why: '已销号（超期）60' } : { t, s: 100, why: '已销号（按时）100' };
    if (t.deadline && t.deadline < today) return { t, s: 0, why: '逾期未完成 0' };
    const p = Math.max(0, Math.min(100, t.lastPercent ?? 0));
    return { t, s: p, why: `推进中，进度 ${p}` };
  });
  const sum = parts.reduce((s, p) => s + taskWeight(p.t, w), 0);
  const score = sum > 0 ? r1(parts.reduce((s, p) => s + taskWeight(p.t, w) * p.s, 0) / sum) : 0;
  return { score, explain: `${parts.map((p) => `${p.t.code} ${p.why}`).join('；')}；按事项权重平均 ${f1(score)} 分` };
}

/** Every unit's assessment, ranked by total (ties share a rank; then by name for a stable order). */
export function assessUnits(inputs: readonly UnitAssessmentInput[], w: AssessmentWeights, today: IsoDate): UnitAssessment[] {
  const list = inputs.map((i) => assessUnit(i, w, today)).sort((a, b) => b.total - a.total || a.unitName.localeCompare(b.unitName, 'zh-CN'));
  let rank = 0;
  return list.map((u, i) => {
    if (i === 0 || u.total !== list[i - 1]!.total) rank = i + 1;
    return { ...u, rank };
  });
}
