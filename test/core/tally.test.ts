import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { computeTally, computeYearEndLedger, YEAR_END_CLASSES, type TallyTask } from '../../src/core/tally.js';
import { TASK_STATUSES } from '../../src/core/types.js';

const cal = createWorkingCalendar();

let id = 0;
function t(o: Partial<TallyTask> & Pick<TallyTask, 'unitId' | 'unitName' | 'status'>): TallyTask {
  id++;
  return { taskId: id, code: `LY-2026-${String(id).padStart(3, '0')}`, title: `事项${id}`, deadline: '2026-06-30', ...o };
}

const A = { unitId: 1, unitName: '临邑镇' };
const B = { unitId: 2, unitName: '德平镇' };
const C = { unitId: 3, unitName: '翟家镇' };
const D = { unitId: 4, unitName: '邢侗街道' };

describe('computeTally (半年一通报)', () => {
  // Tally on the first working day of July 2026.
  const asOf = '2026-07-01';
  const tasks: TallyTask[] = [
    // 临邑镇: 4 tasks, 2 closed (1 on time), 1 overdue, 1 paused → 2/3
    t({ ...A, status: '已销号', completedOn: '2026-06-20', closedOn: '2026-06-25' }),
    t({ ...A, status: '已销号', deadline: '2026-05-29', completedOn: '2026-06-10', closedOn: '2026-06-12' }),
    t({ ...A, status: '推进中', deadline: '2026-06-19', code: 'LY-2026-900' }), // 06-19 is Dragon Boat → 06-22
    t({ ...A, status: '暂缓', deadline: '2026-03-31' }),
    // 德平镇: 3 tasks, 2 closed on time → 2/3, on time 2 — ties with 临邑镇 on rate, wins on on-time
    t({ ...B, status: '已销号', completedOn: '2026-06-01', closedOn: '2026-06-02' }),
    t({ ...B, status: '已销号', deadline: null, completedOn: '2026-04-01', closedOn: '2026-04-02' }),
    t({ ...B, status: '待销号', completedOn: '2026-06-29' }),
    // 翟家镇: 1 task, overdue long ago
    t({ ...C, status: '待签收', deadline: '2026-03-31', code: 'LY-2026-800' }),
    // 邢侗街道: 3 tasks, 2 closed on time (1 closed after the tally date: not counted)
    t({ ...D, status: '已销号', completedOn: '2026-06-01', closedOn: '2026-06-05' }),
    t({ ...D, status: '已销号', completedOn: '2026-06-02', closedOn: '2026-06-06' }),
    t({ ...D, status: '已销号', deadline: '2026-12-31', completedOn: '2026-07-10', closedOn: '2026-07-15' }),
  ];
  const tally = computeTally(tasks, { asOf, calendar: cal });

  it('per-unit counts', () => {
    const a = tally.units.find((u) => u.unitId === 1)!;
    expect(a).toMatchObject({ total: 4, paused: 1, counted: 3, completed: 2, completedOnTime: 1, overdue: 1 });
    expect(a.completionRate).toBe(2 / 3);
    expect(a.onTimeRate).toBe(0.5);
    const b = tally.units.find((u) => u.unitId === 2)!;
    expect(b).toMatchObject({ total: 3, completed: 2, completedOnTime: 2, overdue: 0 });
    const c = tally.units.find((u) => u.unitId === 3)!;
    expect(c).toMatchObject({ total: 1, completed: 0, overdue: 1, completionRate: 0, onTimeRate: null });
  });

  it('judges as of the tally date: a close-out after it does not count', () => {
    const d = tally.units.find((u) => u.unitId === 4)!;
    expect(d).toMatchObject({ total: 3, completed: 2, completedOnTime: 2, overdue: 0 });
  });

  it('ranks by completion rate, then on-time count; ties share a rank', () => {
    expect(tally.units.map((u) => [u.unitName, u.rank])).toEqual([
      ['德平镇', 1], // 2/3, 2 on time
      ['邢侗街道', 1], // 2/3, 2 on time — same; listed by name (pinyin D < X)
      ['临邑镇', 3], // 2/3, 1 on time
      ['翟家镇', 4],
    ]);
  });

  it('overall totals', () => {
    expect(tally.totals).toMatchObject({ total: 11, paused: 1, counted: 10, completed: 6, completedOnTime: 5, overdue: 2 });
    expect(tally.totals.completionRate).toBe(0.6);
    expect(tally.asOf).toBe(asOf);
  });

  it('the overdue list: most overdue first, with working days counted by the calendar', () => {
    expect(tally.overdue.map((o) => [o.code, o.unitName, o.deadline, o.effectiveDeadline])).toEqual([
      ['LY-2026-800', '翟家镇', '2026-03-31', '2026-03-31'],
      ['LY-2026-900', '临邑镇', '2026-06-19', '2026-06-22'],
    ]);
    // 06-22 → 07-01: 06-23..26, 06-29, 06-30, 07-01 = 7
    expect(tally.overdue[1]!.overdueWorkingDays).toBe(7);
    expect(tally.overdue[0]!.overdueWorkingDays).toBe(cal.workingDaysBetween('2026-03-31', asOf));
    expect(tally.overdue[0]!.title).toBe('事项8');
  });

  it('a task reported complete before the tally but still awaiting review is not overdue', () => {
    const r = computeTally([t({ ...A, status: '待销号', deadline: '2026-06-01', completedOn: '2026-06-20' })], { asOf, calendar: cal });
    expect(r.totals.overdue).toBe(0);
    expect(r.totals.completed).toBe(0);
  });

  it('a previewed earlier date: a completion reported later makes the task unfinished then', () => {
    const r = computeTally([t({ ...A, status: '待销号', deadline: '2026-06-01', completedOn: '2026-06-20' })], { asOf: '2026-06-10', calendar: cal });
    expect(r.totals.overdue).toBe(1);
  });

  it('a returned task (退回) with a stale completion date is unfinished', () => {
    const r = computeTally([t({ ...A, status: '推进中', deadline: '2026-06-01', completedOn: '2026-05-20' })], { asOf, calendar: cal });
    expect(r.totals.overdue).toBe(1);
  });

  it('an empty ledger', () => {
    const r = computeTally([], { asOf, calendar: cal });
    expect(r.units).toEqual([]);
    expect(r.overdue).toEqual([]);
    expect(r.totals.completionRate).toBeNull();
  });

  it('a unit with only paused tasks ranks last (no rate)', () => {
    const r = computeTally([t({ ...A, status: '暂缓' }), t({ ...B, status: '推进中', deadline: '2026-12-31' })], { asOf, calendar: cal });
    expect(r.units.map((u) => [u.unitName, u.completionRate, u.rank])).toEqual([
      ['德平镇', 0, 1],
      ['临邑镇', null, 2],
    ]);
  });

  it('handles 100,000 tasks (linear)', () => {
    const many = generate(100_000);
    const r = computeTally(many, { asOf: '2026-07-01', calendar: cal });
    expect(r.totals.total).toBe(100_000);
    expect(r.units).toHaveLength(300);
    expect(r.overdue.length).toBeGreaterThan(0);
    const sorted = r.overdue.every((o, i) => i === 0 || r.overdue[i - 1]!.overdueWorkingDays >= o.overdueWorkingDays);
    expect(sorted).toBe(true);
    const ranks = r.units.map((u) => u.rank);
    expect(ranks[0]).toBe(1);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });
});

describe('computeYearEndLedger (年终盘总账)', () => {
  // Year 2026, run on the first working day of 2027 (weekday fallback: 2027-01-01 is a Friday).
  const asOf = '2027-01-04';
  const tasks: TallyTask[] = [
    t({ ...A, code: 'LY-2026-101', status: '已销号', deadline: '2026-10-30', completedOn: '2026-10-20', closedOn: '2026-10-22' }),
    t({ ...A, code: 'LY-2026-102', status: '已销号', deadline: '2026-10-30', completedOn: '2026-11-20', closedOn: '2026-11-22' }),
    t({ ...A, code: 'LY-2026-103', status: '推进中', deadline: '2027-06-30' }),
    t({ ...A, code: 'LY-2026-104', status: '推进中', deadline: null }),
    t({ ...B, code: 'LY-2026-201', status: '推进中', deadline: '2026-12-31' }),
    t({ ...B, code: 'LY-2026-202', status: '暂缓', deadline: '2026-09-30' }),
    t({ ...B, code: 'LY-2026-203', status: '待销号', deadline: '2026-12-31', completedOn: '2026-12-30' }),
    t({ ...B, code: 'LY-2026-204', status: '有异议', deadline: '2026-08-31' }),
  ];
  const ledger = computeYearEndLedger(tasks, { year: 2026, asOf, calendar: cal });
  const byCode = new Map(ledger.rows.map((r) => [r.code, r]));

  it('classifies every task', () => {
    expect(ledger.rows).toHaveLength(tasks.length);
    expect(Object.fromEntries([...byCode].map(([code, r]) => [code, r.class]))).toEqual({
      'LY-2026-101': '已销号',
      'LY-2026-102': '已销号',
      'LY-2026-103': '结转',
      'LY-2026-104': '结转',
      'LY-2026-201': '逾期',
      'LY-2026-202': '结转',
      'LY-2026-203': '待销号',
      'LY-2026-204': '逾期',
    });
  });

  it('notes say why', () => {
    expect(byCode.get('LY-2026-101')!.note).toBe('按时完成');
    expect(byCode.get('LY-2026-102')!.note).toBe('逾期完成');
    expect(byCode.get('LY-2026-103')!.note).toBe('完成时限 2027-06-30，结转下年');
    expect(byCode.get('LY-2026-104')!.note).toBe('未设完成时限，结转下年');
    expect(byCode.get('LY-2026-202')!.note).toBe('暂缓，结转下年');
    expect(byCode.get('LY-2026-203')!.note).toBe('已报告完成，待审核销号');
    // 12-31 → 2027-01-04: 01-01 is 元旦 (computed: the library has no 2027), so only 01-04 = 1
    expect(byCode.get('LY-2026-201')!).toMatchObject({ overdueWorkingDays: 1, note: '逾期 1 个工作日' });
  });

  it('counts overall and per unit, rows by unit name then code', () => {
    expect(ledger.counts).toEqual({ total: 8, 已销号: 2, 待销号: 1, 结转: 3, 逾期: 2 });
    expect(ledger.byUnit.map((u) => [u.unitName, u.counts.total])).toEqual([
      ['德平镇', 4],
      ['临邑镇', 4],
    ]);
    expect(ledger.rows.map((r) => r.code)).toEqual([
      'LY-2026-201',
      'LY-2026-202',
      'LY-2026-203',
      'LY-2026-204',
      'LY-2026-101',
      'LY-2026-102',
      'LY-2026-103',
      'LY-2026-104',
    ]);
    expect(ledger.year).toBe(2026);
    expect(YEAR_END_CLASSES).toEqual(['已销号', '待销号', '结转', '逾期']);
  });

  it('handles 100,000 tasks (linear)', () => {
    const r = computeYearEndLedger(generate(100_000), { year: 2026, asOf, calendar: cal });
    expect(r.counts.total).toBe(100_000);
    expect(r.counts['已销号'] + r.counts['待销号'] + r.counts['结转'] + r.counts['逾期']).toBe(100_000);
  });
});

function generate(n: number): TallyTask[] {
  const out: TallyTask[] = [];
  for (let i = 0; i < n; i++) {
    const statuses = TASK_STATUSES.filter((s) => s !== '已撤销');
    const status = statuses[i % statuses.length]!;
    const month = String((i % 12) + 1).padStart(2, '0');
    out.push({
      taskId: i,
      code: `T-${i}`,
      title: `事项${i}`,
      unitId: i % 300,
      unitName: `单位${i % 300}`,
      status,
      deadline: i % 10 === 0 ? null : `2026-${month}-${String((i % 28) + 1).padStart(2, '0')}`,
      completedOn: status === '已销号' || status === '待销号' ? `2026-${month}-10` : null,
      closedOn: status === '已销号' ? `2026-${month}-20` : null,
    });
  }
  return out;
}

describe('延期: the original deadline is kept', () => {
  it('an item closed within its extension but after its first 完成时限 counts as 延期, not on time', () => {
    const base = { code: 'X-1', title: '事项', unitId: 1, unitName: '石堡镇', status: '已销号' as const };
    const tally = computeTally([
      { ...base, taskId: 1, deadline: '2026-12-31', originalDeadline: '2026-10-15', completedOn: '2026-11-20', closedOn: '2026-11-23' },
      { ...base, taskId: 2, deadline: '2026-12-31', originalDeadline: '2026-12-31', completedOn: '2026-11-20', closedOn: '2026-11-23' },
      { ...base, taskId: 3, deadline: '2026-10-15', completedOn: '2026-10-10', closedOn: '2026-10-12' },
    ], { asOf: '2026-12-31', calendar: createWorkingCalendar() });
    expect(tally.totals).toMatchObject({ total: 3, completed: 3, completedOnTime: 2, extended: 1 });
  });
});
