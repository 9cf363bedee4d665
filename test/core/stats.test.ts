import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { formatPercent, onTimeJudge, ratio, summarizeLedger, type StatsTask } from '../../src/core/stats.js';
import { LEVELS, TASK_STATUSES, type SupervisionLevel, type TaskStatus } from '../../src/core/types.js';

const cal = createWorkingCalendar();

let nextId = 1;
function t(extra: Partial<StatsTask> & { status: TaskStatus }): StatsTask {
  return { taskId: nextId++, leadUnitId: 1, leadLeaderIds: [], deadline: '2026-10-30', level: 'none', ...extra };
}

describe('formatPercent', () => {
  it('one decimal, trailing .0 dropped, null as a dash', () => {
    expect(formatPercent(0.8333)).toBe('83.3%');
    expect(formatPercent(5 / 6)).toBe('83.3%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(0.12345, 2)).toBe('12.35%');
    expect(formatPercent(2 / 3, 0)).toBe('67%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('ratio is null without a denominator', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(0, 4)).toBe(0);
  });
});

describe('on time', () => {
  const judge = onTimeJudge();
  it('completion reported on or before the deadline', () => {
    expect(judge({ deadline: '2026-10-30', completedOn: '2026-10-30' })).toBe(true);
    expect(judge({ deadline: '2026-10-30', completedOn: '2026-10-31' })).toBe(false);
  });

  it('uses the report date, not the office review date; closedOn only as a fallback', () => {
    expect(judge({ deadline: '2026-10-30', completedOn: '2026-10-29', closedOn: '2026-11-10' })).toBe(true);
    expect(judge({ deadline: '2026-10-30', completedOn: null, closedOn: '2026-10-20' })).toBe(true);
  });

  it('no deadline → on time; deadline but no known date → not provably on time', () => {
    expect(judge({ deadline: null, completedOn: null })).toBe(true);
    expect(judge({ deadline: '2026-10-30' })).toBe(false);
  });

  it('with a calendar, a deadline on a holiday moves to the next working day', () => {
    // 2026-10-03 → 10-08
    expect(judge({ deadline: '2026-10-03', completedOn: '2026-10-08' })).toBe(false);
    expect(onTimeJudge(cal)({ deadline: '2026-10-03', completedOn: '2026-10-08' })).toBe(true);
    expect(onTimeJudge(cal)({ deadline: '2026-10-03', completedOn: '2026-10-09' })).toBe(false);
  });
});

describe('summarizeLedger', () => {
  const tasks: StatsTask[] = [
    t({ status: '已销号', leadUnitId: 1, leadLeaderIds: [100], completedOn: '2026-10-20', closedOn: '2026-10-25' }), // on time
    t({ status: '已销号', leadUnitId: 1, leadLeaderIds: [100, 101], completedOn: '2026-11-05', closedOn: '2026-11-06' }), // late
    t({ status: '待销号', leadUnitId: 1, leadLeaderIds: [101], completedOn: '2026-10-28' }),
    t({ status: '推进中', leadUnitId: 1, leadLeaderIds: [], level: 'red' }),
    t({ status: '暂缓', leadUnitId: 1, leadLeaderIds: [100] }),
    t({ status: '已销号', leadUnitId: 2, leadLeaderIds: [101], deadline: null, closedOn: '2026-06-01' }), // no deadline: on time
    t({ status: '待签收', leadUnitId: 2, leadLeaderIds: [], level: 'blue' }),
    t({ status: '有异议', leadUnitId: 2, leadLeaderIds: [], level: 'yellow' }),
    t({ status: '已调整', leadUnitId: 3, leadLeaderIds: [], level: 'yellow' }),
    t({ status: '暂缓', leadUnitId: 4, leadLeaderIds: [] }),
  ];
  const stats = summarizeLedger(tasks);

  it('overall counts by status and colour', () => {
    expect(stats.overall.total).toBe(10);
    expect(stats.overall.byStatus).toEqual({ 待签收: 1, 推进中: 1, 待销号: 1, 已销号: 3, 有异议: 1, 已调整: 1, 暂缓: 2, 已撤销: 0 });
    expect(stats.overall.byLevel).toEqual({ none: 6, blue: 1, yellow: 2, red: 1 });
    expect(stats.overall.open).toBe(4);
    expect(stats.overall.reported).toBe(1);
    expect(stats.overall.paused).toBe(2);
    expect(stats.overall.completed).toBe(3);
    expect(stats.overall.completedOnTime).toBe(2);
  });

  it('completion rate = 已销号 / (total − 暂缓); 待销号 is not completed', () => {
    expect(stats.overall.counted).toBe(8);
    expect(stats.overall.completionRate).toBe(3 / 8);
    expect(stats.overall.onTimeRate).toBe(2 / 3);
    expect(formatPercent(stats.overall.completionRate)).toBe('37.5%');
  });

  it('per unit, sorted by id', () => {
    expect(stats.byUnit.map((u) => u.unitId)).toEqual([1, 2, 3, 4]);
    const u1 = stats.byUnit[0]!;
    expect(u1).toMatchObject({ total: 5, counted: 4, paused: 1, completed: 2, completedOnTime: 1, reported: 1, open: 1 });
    expect(u1.completionRate).toBe(0.5);
    expect(u1.onTimeRate).toBe(0.5);
    const u2 = stats.byUnit[1]!;
    expect(u2.completionRate).toBe(1 / 3);
    expect(u2.onTimeRate).toBe(1);
    const u3 = stats.byUnit[2]!;
    expect(u3.completionRate).toBe(0);
    expect(u3.onTimeRate).toBeNull(); // nothing completed: no on-time rate, not 0%
    const u4 = stats.byUnit[3]!;
    expect(u4.completionRate).toBeNull(); // only paused tasks: nothing to rate
    expect(u4.byStatus['暂缓']).toBe(1);
  });

  it('per leader: each of several lead leaders counts the task', () => {
    expect(stats.byLeader.map((l) => l.leaderId)).toEqual([100, 101]);
    const l100 = stats.byLeader[0]!;
    expect(l100).toMatchObject({ total: 3, completed: 2, completedOnTime: 1, paused: 1, counted: 2 });
    expect(l100.completionRate).toBe(1);
    const l101 = stats.byLeader[1]!;
    expect(l101).toMatchObject({ total: 3, completed: 2, completedOnTime: 1, reported: 1 });
    expect(l101.completionRate).toBe(2 / 3);
  });

  it('an empty ledger', () => {
    const empty = summarizeLedger([]);
    expect(empty.overall.total).toBe(0);
    expect(empty.overall.completionRate).toBeNull();
    expect(empty.overall.onTimeRate).toBeNull();
    expect(empty.byUnit).toEqual([]);
    expect(empty.byLeader).toEqual([]);
    expect(Object.keys(empty.overall.byStatus)).toEqual([...TASK_STATUSES]);
    expect(Object.keys(empty.overall.byLevel)).toEqual([...LEVELS]);
  });

  it('uses the calendar for the on-time test when given', () => {
    const holidayDeadline = [t({ status: '已销号', deadline: '2026-10-03', completedOn: '2026-10-08', closedOn: '2026-10-09' })];
    expect(summarizeLedger(holidayDeadline).overall.completedOnTime).toBe(0);
    expect(summarizeLedger(holidayDeadline, { calendar: cal }).overall.completedOnTime).toBe(1);
  });

  it('accepts any iterable', () => {
    function* gen() {
      yield t({ status: '推进中' });
      yield t({ status: '已销号', completedOn: '2026-01-01' });
    }
    expect(summarizeLedger(gen()).overall.completionRate).toBe(0.5);
  });

  // Speed is measured by scripts/bench-ledger.ts, not asserted here.
  it('summarises 100,000 tasks in one pass', () => {
    const many = generate(100_000);
    const s = summarizeLedger(many, { calendar: cal });
    expect(s.overall.total).toBe(100_000);
    expect(s.byUnit).toHaveLength(200);
    expect(s.overall.byStatus['已销号'] + s.overall.byStatus['推进中']).toBeGreaterThan(0);
  });
});

function generate(n: number): StatsTask[] {
  const statuses = TASK_STATUSES.filter((s) => s !== '已撤销');
  const levels: SupervisionLevel[] = ['none', 'blue', 'yellow', 'red'];
  const out: StatsTask[] = [];
  for (let i = 0; i < n; i++) {
    const status = statuses[i % statuses.length]!;
    out.push({
      taskId: i,
      leadUnitId: i % 200,
      leadLeaderIds: i % 3 === 0 ? [i % 40] : [i % 40, (i + 7) % 40],
      status,
      deadline: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      completedOn: status === '已销号' || status === '待销号' ? `2026-${String((i % 12) + 1).padStart(2, '0')}-15` : null,
      closedOn: status === '已销号' ? '2026-12-20' : null,
      level: levels[i % 4]!,
    });
  }
  return out;
}

describe('已撤销', () => {
  it('a revoked item leaves every count', () => {
    const base = { leadUnitId: 1, leadLeaderIds: [], level: 'none' as const, deadline: '2026-12-31', completedOn: null, closedOn: null };
    const s = summarizeLedger([{ ...base, taskId: 1, status: '推进中' as const }, { ...base, taskId: 2, status: '已撤销' as const }]);
    expect([s.overall.total, s.overall.open, s.overall.byStatus['已撤销']]).toEqual([1, 1, 0]);
  });
});
