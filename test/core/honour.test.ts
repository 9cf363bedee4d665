import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import {
  collectUnitOutcomes,
  DEFAULT_HONOUR_WEIGHTS,
  describeScoringRules,
  parseHonourWeights,
  publishHonourRoll,
  rankHonourRoll,
  type HonourTask,
  type UnitOutcomes,
} from '../../src/core/honour.js';
import { InvalidSettingsError } from '../../src/core/validation.js';

const cal = createWorkingCalendar();

function outcome(unitId: number, unitName: string, o: Partial<UnitOutcomes> = {}): UnitOutcomes {
  return { unitId, unitName, onTimeCompletions: 0, earlyCompletions: 0, overdueTasks: 0, reportsExpected: 0, reportsTimely: 0, ...o };
}

describe('rankHonourRoll', () => {
  it('scores outcomes with the default weights and explains the score', () => {
    const [entry] = rankHonourRoll([outcome(1, '临邑镇', { onTimeCompletions: 3, earlyCompletions: 1, overdueTasks: 2, reportsExpected: 10, reportsTimely: 8 })]);
    // 3×10 + 1×5 − 2×5 + 0.8×20 = 41
    expect(entry!.score).toBe(41);
    expect(entry!.rank).toBe(1);
    expect(entry!.breakdown).toEqual([
      { label: '按时销号', count: 3, points: 30 },
      { label: '提前完成', count: 1, points: 5 },
      { label: '逾期未完成', count: 2, points: -10 },
      { label: '按时报送进展', count: 8, points: 16, detail: '8/10 项（80%）' },
    ]);
    expect(entry!.explanation).toBe(
      '按时销号 3 项，得 30 分；提前完成 1 项，加 5 分；逾期未完成 2 项，扣 10 分；按时报送进展 8/10 项（80%），得 16 分；合计 41 分，排第1名。',
    );
  });

  it('competition ranking 1, 2, 2, 4 with ties explained and ordered by name', () => {
    const entries = rankHonourRoll([
      outcome(4, '邢侗街道', { onTimeCompletions: 1 }), // 10
      outcome(2, '翟家镇', { onTimeCompletions: 2 }), // 20
      outcome(1, '临盘街道', { onTimeCompletions: 3 }), // 30
      outcome(3, '德平镇', { onTimeCompletions: 2 }), // 20
    ]);
    expect(entries.map((e) => [e.unitName, e.score, e.rank])).toEqual([
      ['临盘街道', 30, 1],
      ['德平镇', 20, 2], // D(é) before Z(hái) in pinyin order
      ['翟家镇', 20, 2],
      ['邢侗街道', 10, 4],
    ]);
    expect(entries[1]!.tiedWith).toEqual(['翟家镇']);
    expect(entries[1]!.explanation).toMatch(/合计 20 分，与翟家镇并列第2名。$/);
    expect(entries[2]!.explanation).toMatch(/与德平镇并列第2名。$/);
    expect(entries[3]!.explanation).toMatch(/排第4名。$/);
    expect(entries[0]!.tiedWith).toEqual([]);
  });

  it('three-way ties name all the others', () => {
    const entries = rankHonourRoll([outcome(1, '甲'), outcome(2, '乙'), outcome(3, '丙')]);
    expect(entries.map((e) => e.rank)).toEqual([1, 1, 1]);
    expect(entries.find((e) => e.unitName === '甲')!.explanation).toContain('并列第1名');
    expect(entries.find((e) => e.unitName === '甲')!.tiedWith).toHaveLength(2);
  });

  it('is deterministic whatever the input order; same names fall back to id', () => {
    const input = [outcome(9, '同名镇'), outcome(3, '同名镇'), outcome(5, '另一镇', { onTimeCompletions: 1 })];
    const a = rankHonourRoll(input);
    const b = rankHonourRoll([...input].reverse());
    expect(a).toEqual(b);
    expect(a.map((e) => e.unitId)).toEqual([5, 3, 9]);
  });

  it('ranks on outcomes: reporting more often cannot beat finishing on time', () => {
    const entries = rankHonourRoll([
      outcome(1, '多发消息镇', { reportsExpected: 5, reportsTimely: 5 }), // 20
      outcome(2, '按时完成镇', { onTimeCompletions: 3 }), // 30
    ]);
    expect(entries[0]!.unitName).toBe('按时完成镇');
  });

  it('scores round to one decimal and equal displayed scores tie', () => {
    const entries = rankHonourRoll([
      outcome(1, '甲', { reportsExpected: 3, reportsTimely: 1 }), // 6.666… → 6.7
      outcome(2, '乙', { reportsExpected: 6, reportsTimely: 2 }), // same rate
    ]);
    expect(entries.map((e) => e.score)).toEqual([6.7, 6.7]);
    expect(entries.map((e) => e.rank)).toEqual([1, 1]);
    expect(entries[0]!.breakdown[3]!.detail).toBe('1/3 项（33.3%）');
  });

  it('no expected reports: 0 points, said so', () => {
    const [e] = rankHonourRoll([outcome(1, '甲')]);
    expect(e!.breakdown[3]).toEqual({ label: '按时报送进展', count: 0, points: 0, detail: '本期无应报送进展的事项' });
    expect(e!.explanation).toBe('本期无按时销号事项；无逾期未完成事项；本期无应报送进展的事项；合计 0 分，排第1名。');
  });

  it('negative totals are allowed and ranked below', () => {
    const entries = rankHonourRoll([outcome(1, '甲', { overdueTasks: 3 }), outcome(2, '乙')]);
    expect(entries.map((e) => [e.unitName, e.score])).toEqual([
      ['乙', 0],
      ['甲', -15],
    ]);
    expect(entries[1]!.explanation).toContain('合计 -15 分');
  });

  it('custom weights', () => {
    const w = { ...DEFAULT_HONOUR_WEIGHTS, onTimeCompletion: 2, overduePenalty: 0, timelyReportRate: 0 };
    const [e] = rankHonourRoll([outcome(1, '甲', { onTimeCompletions: 3, overdueTasks: 4, reportsExpected: 2, reportsTimely: 2 })], w);
    expect(e!.score).toBe(6);
  });

  it('empty input', () => {
    expect(rankHonourRoll([])).toEqual([]);
  });
});

describe('collectUnitOutcomes', () => {
  const period = { start: '2026-10-01', end: '2026-10-31' };
  const units = [
    { unitId: 1, unitName: '临邑镇' },
    { unitId: 2, unitName: '德平镇' },
    { unitId: 3, unitName: '没有事项的单位' },
  ];
  let id = 0;
  const task = (o: Partial<HonourTask>): HonourTask => ({
    taskId: ++id,
    leadUnitId: 1,
    status: '推进中',
    deadline: '2026-12-31',
    createdOn: '2026-01-05',
    reportsInPeriod: 1,
    ...o,
  });

  it('counts on-time and early close-outs in the period, overdue tasks and timely reporting', () => {
    const tasks: HonourTask[] = [
      // closed in October, reported 2026-10-12 with deadline 12-31: on time and early (≥ 10 working days)
      task({ status: '已销号', completedOn: '2026-10-12', closedOn: '2026-10-15' }),
      // closed in October, reported on the deadline: on time, not early
      task({ status: '已销号', deadline: '2026-10-20', completedOn: '2026-10-20', closedOn: '2026-10-22' }),
      // closed in October but late: no points
      task({ status: '已销号', deadline: '2026-10-09', completedOn: '2026-10-13', closedOn: '2026-10-14' }),
      // closed in September: not this period
      task({ status: '已销号', completedOn: '2026-09-10', closedOn: '2026-09-12' }),
      // open and overdue at the end of October
      task({ status: '推进中', deadline: '2026-10-16', reportsInPeriod: 0 }),
      // overdue deadline on a holiday moved to 10-08 → still overdue at 10-31
      task({ status: '待签收', deadline: '2026-10-03', reportsInPeriod: 0 }),
      // paused: not overdue, not expected to report
      task({ status: '暂缓', deadline: '2026-06-30', reportsInPeriod: 0 }),
      // disputed: not expected to report, but overdue counts (OPEN_STATUSES)
      task({ status: '有异议', deadline: '2026-12-31', reportsInPeriod: 0 }),
      // created mid-October: not expected to report in October
      task({ status: '推进中', createdOn: '2026-10-15', reportsInPeriod: 0 }),
      task({ leadUnitId: 2, status: '推进中', reportsInPeriod: 2 }),
      task({ leadUnitId: 2, status: '待销号', completedOn: '2026-10-30', reportsInPeriod: 0 }),
      task({ leadUnitId: 7, status: '推进中' }), // a unit not in the list
    ];
    const out = collectUnitOutcomes(units, tasks, { period, calendar: cal });
    expect(out.map((o) => o.unitId)).toEqual([1, 2, 7]);
    expect(out[0]).toEqual({
      unitId: 1,
      unitName: '临邑镇',
      onTimeCompletions: 2,
      earlyCompletions: 1,
      overdueTasks: 2,
      // expected: the 3 closed in October (completed within the period), the 2 overdue open ones
      reportsExpected: 5,
      reportsTimely: 3,
    });
    expect(out[1]).toMatchObject({ unitName: '德平镇', reportsExpected: 2, reportsTimely: 2, overdueTasks: 0 });
    expect(out[2]!.unitName).toBe('单位#7');
  });

  it('overdue is judged as of `asOf` (defaults to the period end)', () => {
    const tasks = [task({ deadline: '2026-11-02' })];
    expect(collectUnitOutcomes(units, tasks, { period, calendar: cal })[0]!.overdueTasks).toBe(0);
    expect(collectUnitOutcomes(units, tasks, { period, calendar: cal, asOf: '2026-11-03' })[0]!.overdueTasks).toBe(1);
  });

  it('the early threshold comes from the weights', () => {
    const tasks = [task({ status: '已销号', deadline: '2026-10-30', completedOn: '2026-10-26', closedOn: '2026-10-27' })];
    expect(collectUnitOutcomes(units, tasks, { period, calendar: cal })[0]!.earlyCompletions).toBe(0);
    const w = { ...DEFAULT_HONOUR_WEIGHTS, earlyMinWorkingDays: 4 };
    expect(collectUnitOutcomes(units, tasks, { period, calendar: cal, weights: w })[0]!.earlyCompletions).toBe(1);
  });

  it('feeds rankHonourRoll', () => {
    const tasks = [
      task({ leadUnitId: 1, status: '已销号', completedOn: '2026-10-12', closedOn: '2026-10-15' }),
      task({ leadUnitId: 2, status: '推进中', deadline: '2026-10-09' }),
    ];
    const roll = rankHonourRoll(collectUnitOutcomes(units, tasks, { period, calendar: cal }));
    expect(roll.map((e) => [e.unitName, e.score, e.rank])).toEqual([
      ['临邑镇', 35, 1], // 10 on time + 5 early + 1/1 reported × 20
      ['德平镇', 15, 2], // −5 overdue + 1/1 reported × 20
    ]);
  });
});

describe('parseHonourWeights', () => {
  it('defaults and partial settings', () => {
    expect(parseHonourWeights({})).toEqual(DEFAULT_HONOUR_WEIGHTS);
    expect(parseHonourWeights(undefined)).toEqual(DEFAULT_HONOUR_WEIGHTS);
    expect(parseHonourWeights({ overduePenalty: -8, earlyMinWorkingDays: 5 })).toEqual({
      ...DEFAULT_HONOUR_WEIGHTS,
      overduePenalty: -8,
      earlyMinWorkingDays: 5,
    });
  });

  it('rejects bad values in Chinese', () => {
    const msg = (input: unknown) => {
      try {
        parseHonourWeights(input);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidSettingsError);
        return (err as Error).message;
      }
      throw new Error('expected failure');
    };
    expect(msg({ overduePenalty: 5 })).toBe('光荣榜计分设置有误：overduePenalty：逾期扣分应为负数或 0，如 -5');
    expect(msg({ onTimeCompletion: -1 })).toContain('按时销号分值不能为负数');
    expect(msg({ earlyMinWorkingDays: 0 })).toContain('至少为 1 个工作日');
    expect(msg({ messageCount: 1 })).toContain('无法识别的设置项：messageCount');
  });
});

describe('describeScoringRules', () => {
  it('explains the default rules in Chinese', () => {
    const text = describeScoringRules();
    expect(text).toContain('不看发消息多少');
    expect(text).toContain('每项得 10 分');
    expect(text).toContain('提前 10 个工作日以上');
    expect(text).toContain('每项另加 5 分');
    expect(text).toContain('每项扣 5 分');
    expect(text).toContain('× 20 分');
    expect(text).toContain('并列');
  });

  it('follows the configured weights and says when an item is not scored', () => {
    const text = describeScoringRules({ ...DEFAULT_HONOUR_WEIGHTS, onTimeCompletion: 12, earlyCompletion: 0 });
    expect(text).toContain('每项得 12 分');
    expect(text).toContain('2. 提前完成：不计分；');
  });
});

describe('publishHonourRoll: the roll everyone sees honours', () => {
  it('lists positive scores only, counts the rest, and sets apart units with nothing to assess', () => {
    const roll = publishHonourRoll([
      outcome(1, '城关街道', { onTimeCompletions: 1, reportsExpected: 2, reportsTimely: 1 }), // 20
      outcome(2, '石堡镇', { overdueTasks: 2, reportsExpected: 2, reportsTimely: 0 }), // −10
      outcome(3, '三岔乡'), // nothing due
      outcome(4, '白马滩镇', { reportsExpected: 1, reportsTimely: 0 }), // 0
      outcome(5, '县教育局'), // nothing due
    ]);
    expect(roll.honoured.map((e) => [e.unitName, e.score, e.rank])).toEqual([['城关街道', 20, 1]]);
    expect(roll.honoured.every((e) => e.score > 0)).toBe(true);
    expect(roll.notListed).toBe(2);
    expect(roll.unassessed).toEqual(['三岔乡', '县教育局']);
    // Nobody is "tied first with 0 分" for having nothing due.
    expect(roll.ranked.map((e) => e.unitName)).not.toContain('三岔乡');
  });

  it('the first month after a load: tasks begun long before by their own dates are expected to report', () => {
    const period = { start: '2026-11-01', end: '2026-11-30' };
    const loadedMidMonth: HonourTask = { taskId: 1, leadUnitId: 1, status: '推进中', deadline: '2026-12-31', startDate: '2026-01-01', createdOn: '2026-11-20', reportsInPeriod: 1 };
    const [o] = collectUnitOutcomes([{ unitId: 1, unitName: '城关街道' }], [loadedMidMonth], { period, calendar: cal });
    expect(o).toMatchObject({ reportsExpected: 1, reportsTimely: 1 });
  });
});
