import { describe, expect, it } from 'vitest';
import { checkStageChange, nextStage, PILOT_STAGES } from '../../../src/core/pilot/stages.js';
import { checkDecision, DEFAULT_ACHIEVEMENT_CATEGORIES, findCategory, parseAchievementCategories } from '../../../src/core/pilot/achievements.js';
import { achievementsByUnit, describeAchievements } from '../../../src/core/pilot/honour-mix.js';
import { DEFAULT_HONOUR_WEIGHTS, parseHonourWeights, publishHonourRoll, type UnitOutcomes } from '../../../src/core/honour.js';
import { InvalidSettingsError } from '../../../src/core/validation.js';

describe('pilot stages', () => {
  it('moves one step forward, one step back with a reason, never skips', () => {
    expect(checkStageChange('争取中', '已获批')).toEqual({ ok: true });
    expect(checkStageChange('争取中', '实施中')).toMatchObject({ ok: false, reason: expect.stringContaining('下一阶段是「已获批」') });
    expect(checkStageChange('实施中', '已获批')).toMatchObject({ ok: false, reason: expect.stringContaining('须说明理由') });
    expect(checkStageChange('实施中', '已获批', '批复撤回')).toEqual({ ok: true });
    expect(checkStageChange('经验形成', '争取中', 'x')).toMatchObject({ ok: false });
    expect(checkStageChange('实施中', '实施中')).toMatchObject({ ok: false, reason: '试点已处于「实施中」阶段。' });
    expect(checkStageChange('实施中', '推广')).toMatchObject({ ok: false });
    expect(PILOT_STAGES.map(nextStage)).toEqual(['已获批', '实施中', '总结评估', '经验形成', null]);
  });
});

describe('achievement categories', () => {
  it('finds a category by name, alias or unambiguous beginning', () => {
    const cats = parseAchievementCategories(undefined);
    expect(findCategory(cats, '批示')?.key).toBe('获上级批示肯定');
    expect(findCategory(cats, '主流')?.key).toBe('主流媒体报道');
    expect(findCategory(cats, '获')).toBeNull(); // 获上级…, 获批试点, 获评改革品牌
    expect(findCategory(cats, '获评改革品牌')?.points).toBe(12);
  });
  it('takes the office points and refuses unknown categories and negative points', () => {
    const cats = parseAchievementCategories({ points: { 主流媒体报道: 6 } });
    expect(cats.find((c) => c.key === '主流媒体报道')?.points).toBe(6);
    expect(cats.length).toBe(DEFAULT_ACHIEVEMENT_CATEGORIES.length);
    expect(() => parseAchievementCategories({ points: { 点赞: 1 } })).toThrow(InvalidSettingsError);
    expect(() => parseAchievementCategories({ points: { 主流媒体报道: -1 } })).toThrow(/不能为负数/);
  });
  it('decides once; a refusal needs a reason', () => {
    expect(checkDecision('待确认', 'confirm')).toEqual({ ok: true });
    expect(checkDecision('待确认', 'reject')).toMatchObject({ ok: false });
    expect(checkDecision('待确认', 'reject', '证明材料不足')).toEqual({ ok: true });
    expect(checkDecision('已确认', 'confirm')).toMatchObject({ ok: false, reason: expect.stringContaining('不能重复') });
  });
});

describe('honour roll with achievements', () => {
  const cats = parseAchievementCategories({ points: { 主流媒体报道: 6 } });
  const period = { start: '2026-10-01', end: '2026-10-31' };
  const facts = [
    { id: 1, unitId: 1, category: '获上级批示肯定', description: '市委书记批示', status: '已确认', confirmedOn: '2026-10-12' },
    { id: 2, unitId: 1, category: '主流媒体报道', description: '人民日报', status: '已确认', confirmedOn: '2026-10-20' },
    { id: 3, unitId: 1, category: '主流媒体报道', description: '新华社', status: '待确认', confirmedOn: null },
    { id: 4, unitId: 2, category: '获评改革品牌', description: '品牌', status: '已确认', confirmedOn: '2026-09-30' }, // last month
    { id: 5, unitId: 3, category: '入选典型案例', description: '案例', status: '已确认', confirmedOn: '2026-10-31' },
  ];
  it('counts confirmed achievements once, in the month they were confirmed', () => {
    const by = achievementsByUnit(facts, cats, period);
    expect(by.get(1)!.map((a) => a.points)).toEqual([10, 6]);
    expect(by.has(2)).toBe(false);
    expect(by.get(3)!.map((a) => a.id)).toEqual([5]);
    expect(describeAchievements(by.get(1)!)).toBe('获上级批示肯定 1 项、主流媒体报道 1 项');
  });
  it('adds achievement points by the office weight, names them, and publishes no negative score', () => {
    const by = achievementsByUnit(facts, cats, period);
    const base = { onTimeCompletions: 0, earlyCompletions: 0, overdueTasks: 0, reportsExpected: 0, reportsTimely: 0 };
    const outcomes: UnitOutcomes[] = [
      { unitId: 1, unitName: '石堡镇', ...base, onTimeCompletions: 1, achievements: by.get(1) },
      { unitId: 3, unitName: '城关镇', ...base, achievements: by.get(3) },
      { unitId: 4, unitName: '河口乡', ...base, overdueTasks: 2 },
      { unitId: 5, unitName: '农业农村局', ...base },
    ];
    const weights = parseHonourWeights({ achievement: 2, onTimeCompletion: 10 });
    const roll = publishHonourRoll(outcomes, weights);
    // 石堡镇: 10 (on time) + (10 + 6) × 2 = 42; 城关镇: 8 × 2 = 16 (achievements alone make it assessable).
    expect(roll.honoured.map((e) => [e.unitName, e.score, e.rank])).toEqual([['石堡镇', 42, 1], ['城关镇', 16, 2]]);
    expect(roll.honoured[0]!.explanation).toContain('经改革办确认的改革成果：获上级批示肯定 1 项、主流媒体报道 1 项，得 32 分');
    expect(roll.honoured.every((e) => e.score > 0)).toBe(true);
    expect(roll.notListed).toBe(1); // 河口乡 −10 is counted, not shown
    expect(roll.unassessed).toEqual(['农业农村局']);
    // Weight 0 leaves achievements out of the score.
    const none = publishHonourRoll(outcomes, { ...DEFAULT_HONOUR_WEIGHTS, achievement: 0 });
    expect(none.honoured.map((e) => e.unitName)).toEqual(['石堡镇']);
    expect(() => parseHonourWeights({ achievement: -1 })).toThrow(/不能为负数/);
  });
});
