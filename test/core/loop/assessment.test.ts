// 年度考核 arithmetic: weights per category and task, each component, the scaling when a component
// does not apply, 战略任务落实, ranking, and the explanations.
import { describe, expect, it } from 'vitest';
import { assessUnit, assessUnits, DEFAULT_ASSESSMENT_WEIGHTS, doneOnTime, parseAssessmentWeights, strategicScore, type AssessedTask } from '../../../src/core/loop/assessment.js';

const task = (over: Partial<AssessedTask>): AssessedTask => ({
  code: 'T-1', category: '其他', weight: 1, tags: [], deadline: '2026-06-30', status: '推进中',
  completedOn: null, closedOn: null, lastPercent: null, reportsExpected: 0, reportsOnTime: 0, ...over,
});
const W = parseAssessmentWeights(undefined);
const TODAY = '2026-12-31';

describe('年度考核', () => {
  it('weights tasks by category × task weight in completion and on-time', () => {
    // A: 重点改革任务 (×1.5) closed on time; B: 其他 ×2 weight, closed late; C: open, no deadline.
    const tasks = [
      task({ code: 'A', category: '重点改革任务', status: '已销号', completedOn: '2026-06-20', closedOn: '2026-06-25', reportsExpected: 6, reportsOnTime: 6 }),
      task({ code: 'B', weight: 2, status: '已销号', completedOn: '2026-07-10', closedOn: '2026-07-12', reportsExpected: 6, reportsOnTime: 3 }),
      task({ code: 'C', deadline: null }),
    ];
    const u = assessUnit({ unitId: 1, unitName: '石堡镇', tasks, lookbacks: [], adoptedSuggestions: 1, callsTakenOn: 1 }, W, TODAY);
    const by = Object.fromEntries(u.components.map((c) => [c.component, c]));
    // completion: (1.5 + 2) / (1.5 + 2 + 1) = 0.7778 × 40 = 31.1
    expect(by.completion!.points).toBe(31.1);
    expect(by.completion!.explain).toBe('完成情况：已销号 2/3 项（加权 3.5/4.5），得分率 77.8% × 40.0 分 = 31.1 分');
    // on time: 1.5 / (1.5 + 2) = 0.4286 × 20 = 8.6 (C has no deadline: not counted)
    expect(by.onTime!.points).toBe(8.6);
    expect(by.onTime!.explain).toContain('按时限完成 1/2 项');
    // reporting: (1.5×1 + 2×0.5) / 3.5 = 0.7143 × 15 = 10.7
    expect(by.reporting!.points).toBe(10.7);
    expect(by.reporting!.explain).toContain('应报 12 期、按时报送 9 期');
    // no 回头看 due: left out, total scaled over 90
    expect(by.lookback!.points).toBeNull();
    expect(by.lookback!.explain).toContain('不计入');
    // suggestions 1/2 × 10 = 5; calls 1/1 × 5 = 5
    expect(by.suggestions!.points).toBe(5);
    expect(by.calls!.points).toBe(5);
    const earned = 31.1 + 8.6 + 10.7 + 5 + 5;
    expect(u.total).toBe(Math.round((earned / 90) * 1000) / 10);
    expect(u.totalExplain).toBe(`各项合计 ${earned.toFixed(1)}/90.0 分，折算为百分制 ${u.total.toFixed(1)} 分`);
  });

  it('scores 回头看 answers 1 / 0.5 / 0 and an unanswered one 0', () => {
    const u = assessUnit({ unitId: 1, unitName: '甲', tasks: [], lookbacks: [
      { code: 'A', answer: '持续见效' }, { code: 'B', answer: '效果减弱' }, { code: 'C', answer: '已停止运行' }, { code: 'D', answer: null },
    ], adoptedSuggestions: 5, callsTakenOn: 0 }, W, TODAY);
    const lb = u.components.find((c) => c.component === 'lookback')!;
    expect(lb.points).toBe(3.8); // 1.5 / 4 × 10 = 3.75 → 3.8
    expect(lb.explain).toContain('持续见效 1、效果减弱 1、已停止运行 1、未答复 1');
    expect(u.components.find((c) => c.component === 'suggestions')!.points).toBe(10); // capped at the target
    expect(u.components.find((c) => c.component === 'calls')!.points).toBe(0);
    // completion, on time, reporting do not apply: (3.8 + 10 + 0) / (10 + 10 + 5) × 100 = 55.2
    expect(u.total).toBe(55.2);
  });

  it('counts on time by the completion report, a close-out alone by its date', () => {
    expect(doneOnTime(task({ status: '已销号', completedOn: '2026-06-30', closedOn: '2026-07-05' }))).toBe(true);
    expect(doneOnTime(task({ status: '已销号', completedOn: null, closedOn: '2026-06-29' }))).toBe(true);
    expect(doneOnTime(task({ status: '待销号', completedOn: '2026-06-30' }))).toBe(true);
    expect(doneOnTime(task({ status: '推进中', completedOn: null }))).toBe(false);
    expect(doneOnTime(task({ deadline: null }))).toBeNull();
  });

  it('战略任务落实: 100 on time, 60 late, percent while running, 0 overdue, weighted', () => {
    const tasks = [
      task({ code: 'S1', tags: ['战略任务'], status: '已销号', completedOn: '2026-06-01', closedOn: '2026-06-02' }),
      task({ code: 'S2', tags: ['战略任务'], status: '已销号', completedOn: '2026-08-01', closedOn: '2026-08-02' }),
      task({ code: 'S3', tags: ['战略任务'], deadline: '2027-03-31', lastPercent: 40, weight: 2 }),
      task({ code: 'S4', tags: ['战略任务'], deadline: '2026-10-31', lastPercent: 90 }),
      task({ code: 'X', status: '已销号' }),
    ];
    const s = strategicScore(tasks, W, TODAY);
    // (100 + 60 + 2×40 + 0) / 5 = 48
    expect(s.score).toBe(48);
    expect(s.explain).toBe('S1 已销号（按时）100；S2 已销号（超期）60；S3 推进中，进度 40；S4 逾期未完成 0；按事项权重平均 48.0 分');
    expect(strategicScore([task({})], W, TODAY)).toEqual({ score: null, explain: '无标记「战略任务」的事项' });
  });

  it('ranks units, ties sharing a rank', () => {
    const unit = (name: string, adopted: number) => ({ unitId: name.length, unitName: name, tasks: [], lookbacks: [], adoptedSuggestions: adopted, callsTakenOn: 0 });
    const ranked = assessUnits([unit('乙镇', 1), unit('甲镇', 2), unit('丙镇', 1)], W, TODAY);
    expect(ranked.map((u) => [u.unitName, u.rank])).toEqual([['甲镇', 1], ['丙镇', 2], ['乙镇', 2]]);
  });

  it('reads the office weights with defaults and Chinese errors', () => {
    expect(W).toEqual(DEFAULT_ASSESSMENT_WEIGHTS);
    const w = parseAssessmentWeights({ components: { completion: 50 }, categories: { 改革试点: 2 } });
    expect(w.components).toMatchObject({ completion: 50, onTime: 20 });
    expect(w.categories).toEqual({ 改革试点: 2 });
    expect(() => parseAssessmentWeights({ components: { completion: -1 } })).toThrow(/完成情况不能为负数/);
    expect(() => parseAssessmentWeights({ bonus: 1 })).toThrow(/年度考核权重/);
    expect(() => parseAssessmentWeights({ components: { completion: 0, onTime: 0, reporting: 0, lookback: 0, suggestions: 0, calls: 0 } })).toThrow(/不能全为 0/);
  });
});
