import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/core/calendar.js';
import { createWorkingCalendar, loadChineseDaysData } from '../../src/core/calendar-data.js';
import {
  compareLevels,
  computeSupervision,
  DEFAULT_THRESHOLDS,
  dueItems,
  maxLevel,
  parseSupervisionThresholds,
  type TaskSnapshot,
} from '../../src/core/supervision.js';
import { TASK_STATUSES, OPEN_STATUSES } from '../../src/core/types.js';
import { InvalidSettingsError } from '../../src/core/validation.js';

const cal = createWorkingCalendar();

/** A task that reported today, so only the time-limit rules can colour it. */
function task(today: string, extra: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return { status: '推进中', milestones: [], createdOn: '2026-01-05', lastReportOn: today, ...extra };
}

const sv = (t: TaskSnapshot, today: string, thresholds = DEFAULT_THRESHOLDS) => computeSupervision(t, today, cal, thresholds);

describe('nothing to flag', () => {
  it('no deadline, recent report → none', () => {
    const r = sv(task('2026-11-20'), '2026-11-20');
    expect(r).toEqual({
      level: 'none',
      reasons: [],
      overdueWorkingDays: 0,
      overdue: false,
      overdueItems: [],
      nextDue: null,
      dueInWorkingDays: null,
      missedReportingCycles: [],
    });
  });

  it('closed, reported-complete and paused tasks get no colour even when long overdue', () => {
    for (const status of TASK_STATUSES.filter((s) => !OPEN_STATUSES.includes(s))) {
      const r = sv(task('2026-01-10', { status, deadline: '2026-03-01', lastReportOn: null }), '2026-11-20');
      expect(r.level, status).toBe('none');
      expect(r.reasons).toEqual([]);
      expect(r.overdueWorkingDays).toBe(0);
    }
  });

  it('every open status is coloured', () => {
    for (const status of OPEN_STATUSES) {
      expect(sv(task('2026-11-20', { status, deadline: '2026-11-01' }), '2026-11-20').level, status).not.toBe('none');
    }
  });
});

describe('blue: a time limit within 5 working days', () => {
  // Deadline Friday 2026-10-30.
  it('exactly 5 working days before → blue', () => {
    const r = sv(task('2026-10-23', { deadline: '2026-10-30' }), '2026-10-23');
    expect(r.level).toBe('blue');
    expect(r.dueInWorkingDays).toBe(5);
    expect(r.reasons).toEqual(['距完成时限还有 5 个工作日（完成时限 2026-10-30）']);
    expect(r.nextDue).toEqual({ date: '2026-10-30', title: '完成时限', effectiveDate: '2026-10-30', kind: 'deadline' });
  });

  it('6 working days before → none', () => {
    const r = sv(task('2026-10-22', { deadline: '2026-10-30' }), '2026-10-22');
    expect(r.level).toBe('none');
    expect(r.dueInWorkingDays).toBe(6);
    expect(r.nextDue?.date).toBe('2026-10-30');
  });

  it('on a weekend, counts working days only', () => {
    // Saturday 10-24 → 10-26..10-30 = 5
    expect(sv(task('2026-10-24', { deadline: '2026-10-30' }), '2026-10-24').dueInWorkingDays).toBe(5);
  });

  it('due today → blue, 0 days', () => {
    const r = sv(task('2026-10-30', { deadline: '2026-10-30' }), '2026-10-30');
    expect(r.level).toBe('blue');
    expect(r.dueInWorkingDays).toBe(0);
    expect(r.overdue).toBe(false);
    expect(r.reasons).toEqual(['今天是完成时限（完成时限 2026-10-30）']);
  });

  it('an unfinished milestone due soon → blue; a done one is ignored', () => {
    const milestones = [
      { title: '方案起草', dueDate: '2026-10-28', doneDate: null },
      { title: '征求意见', dueDate: '2026-10-20', doneDate: '2026-10-19' },
    ];
    const r = sv(task('2026-10-26', { deadline: '2026-12-31', milestones }), '2026-10-26');
    expect(r.level).toBe('blue');
    expect(r.reasons).toEqual(['节点「方案起草」还有 2 个工作日到期（节点时限 2026-10-28）']);
    expect(r.nextDue).toEqual({ date: '2026-10-28', title: '方案起草', effectiveDate: '2026-10-28', kind: 'milestone' });
    expect(r.dueInWorkingDays).toBe(2);
  });

  it('the threshold is configurable', () => {
    const t = task('2026-10-22', { deadline: '2026-10-30' });
    expect(sv(t, '2026-10-22', { ...DEFAULT_THRESHOLDS, blueWithinWorkingDays: 6 }).level).toBe('blue');
    expect(sv(task('2026-10-29', { deadline: '2026-10-30' }), '2026-10-29', { ...DEFAULT_THRESHOLDS, blueWithinWorkingDays: 0 }).level).toBe('none');
  });
});

describe('a time limit on a holiday moves to the next working day', () => {
  // 2026-10-03 is in the National Day holiday; the next working day is 10-08.
  it('the day before the holiday: 1 working day left', () => {
    const r = sv(task('2026-09-30', { deadline: '2026-10-03' }), '2026-09-30');
    expect(r.level).toBe('blue');
    expect(r.dueInWorkingDays).toBe(1);
    expect(r.nextDue?.effectiveDate).toBe('2026-10-08');
  });

  it('during the holiday and on 10-08: not overdue, due today', () => {
    expect(sv(task('2026-10-05', { deadline: '2026-10-03' }), '2026-10-05').overdue).toBe(false);
    const r = sv(task('2026-10-08', { deadline: '2026-10-03' }), '2026-10-08');
    expect(r.overdue).toBe(false);
    expect(r.level).toBe('blue');
    expect(r.dueInWorkingDays).toBe(0);
    expect(r.reasons).toEqual(['今天是完成时限（完成时限 2026-10-03，遇节假日顺延至 2026-10-08）']);
  });

  it('10-09: overdue 1 working day', () => {
    const r = sv(task('2026-10-09', { deadline: '2026-10-03' }), '2026-10-09');
    expect(r.level).toBe('yellow');
    expect(r.overdueWorkingDays).toBe(1);
    expect(r.reasons).toEqual(['已逾期 1 个工作日（完成时限 2026-10-03，遇节假日顺延至 2026-10-08）']);
  });

  it('a deadline on a weekday just before a holiday is overdue during it, by 0 working days', () => {
    const r = sv(task('2026-10-03', { deadline: '2026-09-30' }), '2026-10-03');
    expect(r.overdue).toBe(true);
    expect(r.overdueWorkingDays).toBe(0);
    expect(r.level).toBe('yellow');
    expect(r.reasons).toEqual(['已过时限，逾期不足 1 个工作日（完成时限 2026-09-30）']);
    // …and 1 working day on 10-08.
    expect(sv(task('2026-10-08', { deadline: '2026-09-30' }), '2026-10-08').overdueWorkingDays).toBe(1);
  });
});

describe('yellow / red: overdue', () => {
  // Deadline Friday 2026-10-30. 11-02..11-06 and 11-09..11-13 are ten working days.
  it('1 working day overdue → yellow', () => {
    const r = sv(task('2026-11-02', { deadline: '2026-10-30' }), '2026-11-02');
    expect(r.level).toBe('yellow');
    expect(r.overdueWorkingDays).toBe(1);
    expect(r.nextDue).toBeNull();
    expect(r.dueInWorkingDays).toBeNull();
  });

  it('exactly 10 working days overdue → yellow', () => {
    const r = sv(task('2026-11-13', { deadline: '2026-10-30' }), '2026-11-13');
    expect(r.level).toBe('yellow');
    expect(r.overdueWorkingDays).toBe(10);
    expect(r.reasons).toEqual(['已逾期 10 个工作日（完成时限 2026-10-30）']);
  });

  it('weekend after 10 days: still 10 → yellow', () => {
    expect(sv(task('2026-11-15', { deadline: '2026-10-30' }), '2026-11-15').level).toBe('yellow');
  });

  it('11 working days overdue → red', () => {
    const r = sv(task('2026-11-16', { deadline: '2026-10-30' }), '2026-11-16');
    expect(r.level).toBe('red');
    expect(r.overdueWorkingDays).toBe(11);
    expect(r.reasons).toEqual(['已逾期 11 个工作日（完成时限 2026-10-30）']);
  });

  it('an overdue milestone counts, named', () => {
    const milestones = [{ title: '出台实施方案', dueDate: '2026-10-30' }];
    const r = sv(task('2026-11-04', { deadline: '2026-12-31', milestones }), '2026-11-04');
    expect(r.level).toBe('yellow');
    expect(r.overdueItems).toEqual([
      { kind: 'milestone', title: '出台实施方案', date: '2026-10-30', effectiveDate: '2026-10-30', overdueWorkingDays: 3 },
    ]);
    expect(r.reasons).toEqual(['节点「出台实施方案」已逾期 3 个工作日（节点时限 2026-10-30）']);
    expect(r.nextDue?.title).toBe('完成时限');
  });

  it('the worst overdue item sets the level and the count', () => {
    const milestones = [
      { title: '节点一', dueDate: '2026-10-09' }, // 10-12..11-16 = far more than 10
      { title: '节点二', dueDate: '2026-11-13' },
    ];
    const r = sv(task('2026-11-16', { deadline: '2026-11-20', milestones }), '2026-11-16');
    expect(r.level).toBe('red');
    expect(r.overdueItems.map((i) => i.title)).toEqual(['节点一', '节点二']);
    expect(r.overdueWorkingDays).toBe(r.overdueItems[0]!.overdueWorkingDays);
    expect(r.overdueItems[1]!.overdueWorkingDays).toBe(1);
    // red first, then yellow, then blue (deadline 11-20 is 4 working days away).
    expect(r.reasons[0]).toMatch(/^节点「节点一」已逾期 2\d 个工作日/);
    expect(r.reasons[1]).toBe('节点「节点二」已逾期 1 个工作日（节点时限 2026-11-13）');
    expect(r.reasons[2]).toBe('距完成时限还有 4 个工作日（完成时限 2026-11-20）');
  });

  it('the yellow limit is configurable', () => {
    const t = task('2026-11-06', { deadline: '2026-10-30' });
    expect(sv(t, '2026-11-06').level).toBe('yellow');
    expect(sv(t, '2026-11-06', { ...DEFAULT_THRESHOLDS, yellowOverdueMaxWorkingDays: 4 }).level).toBe('red');
  });
});

describe('blue: behind schedule (时间过半、任务未过半)', () => {
  // 2026-01-01 → 2026-12-31 is 364 days; 2026-07-02 is day 182, exactly 50%.
  const base = { startDate: '2026-01-01', deadline: '2026-12-31' };

  it('percent below elapsed share minus 20 → blue', () => {
    const r = sv(task('2026-07-02', { ...base, lastPercent: 29 }), '2026-07-02');
    expect(r.level).toBe('blue');
    expect(r.reasons).toEqual(['进度滞后：时间已过 50%，报告进度为 29%（落后超过 20 个百分点）']);
  });

  it('exactly at the gap → none', () => {
    expect(sv(task('2026-07-02', { ...base, lastPercent: 30 }), '2026-07-02').level).toBe('none');
  });

  it('no percent, no start, or outside the span → not judged', () => {
    expect(sv(task('2026-07-02', { ...base, lastPercent: null }), '2026-07-02').level).toBe('none');
    expect(sv(task('2026-07-02', { deadline: '2026-12-31', createdOn: undefined, lastPercent: 0 }), '2026-07-02').level).toBe('none');
    expect(sv(task('2025-12-01', { ...base, lastPercent: 0 }), '2025-12-01').level).toBe('none');
  });

  it('falls back to the creation date as the start', () => {
    const r = sv(task('2026-07-02', { deadline: '2026-12-31', createdOn: '2026-01-01', lastPercent: 10 }), '2026-07-02');
    expect(r.level).toBe('blue');
  });

  it('the gap is configurable', () => {
    const t = task('2026-07-02', { ...base, lastPercent: 45 });
    expect(sv(t, '2026-07-02').level).toBe('none');
    expect(sv(t, '2026-07-02', { ...DEFAULT_THRESHOLDS, behindScheduleGapPercent: 0 }).level).toBe('blue');
  });
});

describe('reporting cycles (按月推进)', () => {
  const today = '2026-11-10'; // previous cycle: October; before that: September

  it('no report in the whole previous month → yellow', () => {
    const r = sv({ status: '推进中', milestones: [], createdOn: '2026-09-15', lastReportOn: '2026-09-20' }, today);
    expect(r.level).toBe('yellow');
    expect(r.reasons).toEqual(['上个报告周期（2026年10月）没有报送进展']);
    expect(r.missedReportingCycles.map((p) => p.key)).toEqual(['2026-10']);
  });

  it('two whole months without a report → red', () => {
    const r = sv({ status: '推进中', milestones: [], createdOn: '2026-08-01', lastReportOn: '2026-08-20' }, today);
    expect(r.level).toBe('red');
    expect(r.reasons).toEqual(['连续两个报告周期（2026年9月、2026年10月）没有报送进展']);
    expect(r.missedReportingCycles.map((p) => p.key)).toEqual(['2026-10', '2026-09']);
  });

  it('never reported, existed for two months → red', () => {
    expect(sv({ status: '待签收', milestones: [], createdOn: '2026-09-01', lastReportOn: null }, today).level).toBe('red');
  });

  it('a report on the last day of the previous month clears it', () => {
    expect(sv({ status: '推进中', milestones: [], createdOn: '2026-01-01', lastReportOn: '2026-10-31' }, today).level).toBe('none');
  });

  it('a report this month (catching up) clears it', () => {
    expect(sv({ status: '推进中', milestones: [], createdOn: '2026-01-01', lastReportOn: '2026-11-02' }, today).level).toBe('none');
  });

  it('only counts months the task existed for from their first day', () => {
    expect(sv({ status: '推进中', milestones: [], createdOn: '2026-10-01', lastReportOn: null }, today).level).toBe('yellow');
    expect(sv({ status: '推进中', milestones: [], createdOn: '2026-10-02', lastReportOn: null }, today).level).toBe('none');
    // Planned start counts too: created early, starts in October.
    expect(sv({ status: '推进中', milestones: [], createdOn: '2026-01-01', startDate: '2026-10-15', lastReportOn: null }, today).level).toBe(
      'none',
    );
  });

  it('a disputed task is not chased for reports (it waits on the office)', () => {
    expect(sv({ status: '有异议', milestones: [], createdOn: '2026-01-01', lastReportOn: null }, today).level).toBe('none');
  });

  it('quarterly cycles', () => {
    const q = { ...DEFAULT_THRESHOLDS, reportingCycle: 'quarterly' as const };
    const r = sv({ status: '推进中', milestones: [], createdOn: '2026-01-01', lastReportOn: '2026-06-30' }, today, q);
    expect(r.level).toBe('yellow');
    expect(r.reasons).toEqual(['上个报告周期（2026年第三季度）没有报送进展']);
    expect(sv({ status: '推进中', milestones: [], createdOn: '2026-01-01', lastReportOn: '2026-03-31' }, today, q).level).toBe('red');
  });

  it('January looks back at December and November of the previous year', () => {
    const r = sv({ status: '推进中', milestones: [], createdOn: '2026-01-01', lastReportOn: '2026-10-15' }, '2027-01-05');
    expect(r.reasons).toEqual(['连续两个报告周期（2026年11月、2026年12月）没有报送进展']);
  });

  it('overdue and missed reports combine; the worst wins', () => {
    const r = sv({ status: '推进中', milestones: [], createdOn: '2026-09-15', lastReportOn: '2026-09-20', deadline: '2026-11-09' }, today);
    expect(r.level).toBe('yellow');
    expect(r.reasons).toEqual(['已逾期 1 个工作日（完成时限 2026-11-09）', '上个报告周期（2026年10月）没有报送进展']);
    const worse = sv({ status: '推进中', milestones: [], createdOn: '2026-01-01', lastReportOn: null, deadline: '2026-11-09' }, today);
    expect(worse.level).toBe('red');
    expect(worse.reasons).toEqual(['连续两个报告周期（2026年9月、2026年10月）没有报送进展', '已逾期 1 个工作日（完成时限 2026-11-09）']);
  });
});

describe('unknown year (2027): statutory holidays computed', () => {
  it('元旦 (a Friday the library does not know) is not counted as overdue; overrides still change the count', () => {
    // 2027-01-01 is a Friday and a statutory holiday: 12-31 → 01-04 is 1 working day, not 2.
    expect(sv(task('2027-01-04', { deadline: '2026-12-31' }), '2027-01-04').overdueWorkingDays).toBe(1);
    // Monday–Friday only (the old fallback) would have said 2.
    const weekdaysOnly = new WorkingCalendar(loadChineseDaysData(), {}, { statutory: false });
    expect(computeSupervision(task('2027-01-04', { deadline: '2026-12-31' }), '2027-01-04', weekdaysOnly).overdueWorkingDays).toBe(2);
    // The office makes 01-02 (a Saturday) a working day: 2 again.
    const makeUp = new WorkingCalendar(loadChineseDaysData(), {}, { office: { '2027-01-02': 'workday' } });
    expect(computeSupervision(task('2027-01-04', { deadline: '2026-12-31' }), '2027-01-04', makeUp).overdueWorkingDays).toBe(2);
  });
});

describe('dueItems', () => {
  it('sorts by effective date, deadline first on the same day, skips done milestones', () => {
    const items = dueItems(
      {
        deadline: '2026-10-08',
        milestones: [
          { title: 'B', dueDate: '2026-10-03' },
          { title: 'A', dueDate: '2026-09-01', doneDate: '2026-08-30' },
          { title: 'C', dueDate: '2026-09-30' },
        ],
      },
      cal,
    );
    expect(items.map((i) => [i.title, i.effectiveDate])).toEqual([
      ['C', '2026-09-30'],
      ['完成时限', '2026-10-08'],
      ['B', '2026-10-08'],
    ]);
  });
});

describe('levels', () => {
  it('maxLevel and compareLevels order none < blue < yellow < red', () => {
    expect(maxLevel('blue', 'yellow')).toBe('yellow');
    expect(maxLevel('red', 'none')).toBe('red');
    expect(compareLevels('blue', 'red')).toBeLessThan(0);
    expect(compareLevels('yellow', 'yellow')).toBe(0);
  });
});

describe('parseSupervisionThresholds', () => {
  it('defaults, partial settings, and null', () => {
    expect(parseSupervisionThresholds({})).toEqual(DEFAULT_THRESHOLDS);
    expect(parseSupervisionThresholds(null)).toEqual(DEFAULT_THRESHOLDS);
    expect(parseSupervisionThresholds({ blueWithinWorkingDays: 3, reportingCycle: 'quarterly' })).toEqual({
      ...DEFAULT_THRESHOLDS,
      blueWithinWorkingDays: 3,
      reportingCycle: 'quarterly',
    });
  });

  it('rejects bad values in Chinese', () => {
    const msg = (input: unknown) => {
      try {
        parseSupervisionThresholds(input);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidSettingsError);
        return (err as Error).message;
      }
      throw new Error('expected failure');
    };
    expect(msg({ blueWithinWorkingDays: -1 })).toBe('三色督办阈值设置有误：blueWithinWorkingDays：蓝色预警提前天数不能为负数');
    expect(msg({ blueWithinWorkingDays: 2.5 })).toContain('应为整数');
    expect(msg({ yellowOverdueMaxWorkingDays: '10' })).toContain('黄色预警逾期天数上限应为数字');
    expect(msg({ reportingCycle: 'weekly' })).toContain('按月');
    expect(msg({ behindScheduleGapPercent: 120 })).toContain('不能超过 100');
    expect(msg({ blueDays: 3 })).toContain('无法识别的设置项：blueDays');
    expect(msg('x')).toContain('应为一个对象');
  });
});
