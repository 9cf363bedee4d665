// The reform loop's pure rules: numbers, the suggestion state machine, the 风控 verdict, the call's
// life, 回头看 dates.
import { describe, expect, it } from 'vitest';
import { formatNumber, readNumber } from '../../../src/core/loop/numbers.js';
import { applySuggestionAction, SUGGESTION_ACTIONS, SUGGESTION_STATUSES } from '../../../src/core/loop/suggestion.js';
import { canLaunch, canReview, judgeReview, reserveStatusAfter, RESERVE_STATUSES } from '../../../src/core/loop/risk.js';
import { applyingUnit, callPhase, canApply, canPick, checkPublish, deadlineReminderDue } from '../../../src/core/loop/call.js';
import { addMonths, canReopen, checkAnswer, lookbackDueOn, parseLookbackSetting, quarterOf } from '../../../src/core/loop/lookback.js';
import { createWorkingCalendar } from '../../../src/core/calendar-data.js';

describe('numbers', () => {
  it('formats and reads back in any width, case, or by serial', () => {
    expect(formatNumber('suggestion', 2026, 1)).toBe('JY-2026-001');
    expect(formatNumber('call', 2026, 3)).toBe('JB-2026-03');
    expect(formatNumber('reserve', 2026, 1234)).toBe('CB-2026-1234');
    expect(readNumber('suggestion', 'jy－２０２６－001')).toEqual({ year: 2026, serial: 1 });
    expect(readNumber('suggestion', '001')).toEqual({ year: null, serial: 1 });
    expect(readNumber('suggestion', '2026-12')).toEqual({ year: 2026, serial: 12 });
    expect(readNumber('call', 'JB-2026-01')).toEqual({ year: 2026, serial: 1 });
    expect(readNumber('suggestion', 'CB-2026-001')).toBeNull();
    expect(readNumber('suggestion', '0')).toBeNull();
    expect(readNumber('suggestion', '改革')).toBeNull();
  });
});

describe('suggestion state machine', () => {
  const expected: Record<string, Record<string, string | null>> = {
    待处理: { 采纳入库: '已入库', 转单位研究: '研究中', 单位答复: null, 合并: '已合并', 不予采纳: '不予采纳' },
    研究中: { 采纳入库: '已入库', 转单位研究: null, 单位答复: '待处理', 合并: '已合并', 不予采纳: '不予采纳' },
    已入库: { 采纳入库: null, 转单位研究: null, 单位答复: null, 合并: null, 不予采纳: null },
    已合并: { 采纳入库: null, 转单位研究: null, 单位答复: null, 合并: null, 不予采纳: null },
    不予采纳: { 采纳入库: null, 转单位研究: null, 单位答复: null, 合并: null, 不予采纳: null },
  };
  const full = { reason: '与现行政策冲突', unitId: 3, due: '2026-12-10', today: '2026-11-23', intoId: 2, selfId: 1, intoStatus: '待处理' as const, answer: '可行' };
  for (const from of SUGGESTION_STATUSES) {
    for (const action of SUGGESTION_ACTIONS) {
      it(`${from} --${action}--> ${expected[from]![action] ?? '拒绝'}`, () => {
        const r = applySuggestionAction(from, action, full);
        const to = expected[from]![action];
        if (to) expect(r).toEqual({ ok: true, to });
        else {
          expect(r.ok).toBe(false);
          if (!r.ok) {
            expect(r.reason).toMatch(/[\u4e00-\u9fff]/);
            expect(r.already).toBe(from === { 采纳入库: '已入库', 转单位研究: '研究中', 单位答复: '待处理', 合并: '已合并', 不予采纳: '不予采纳' }[action]);
          }
        }
      });
    }
  }
  it('needs a reason to decline, a unit and a future date to send for study, another open suggestion to merge into, an answer', () => {
    expect(applySuggestionAction('待处理', '不予采纳', { reason: '  ' })).toMatchObject({ ok: false, reason: expect.stringContaining('理由') });
    expect(applySuggestionAction('待处理', '转单位研究', { due: '2026-12-01' })).toMatchObject({ ok: false, reason: '请选择研究单位。' });
    expect(applySuggestionAction('待处理', '转单位研究', { unitId: 1 })).toMatchObject({ ok: false, reason: '请填写答复时限。' });
    expect(applySuggestionAction('待处理', '转单位研究', { unitId: 1, due: '2026-11-01', today: '2026-11-23' })).toMatchObject({ ok: false, reason: expect.stringContaining('已过') });
    expect(applySuggestionAction('待处理', '合并', { intoId: 5, selfId: 5 })).toMatchObject({ ok: false, reason: '不能合并到这条建议本身。' });
    expect(applySuggestionAction('待处理', '合并', { intoId: 6, selfId: 5, intoStatus: '已合并' })).toMatchObject({ ok: false });
    expect(applySuggestionAction('待处理', '合并', { intoId: 6, selfId: 5, intoStatus: '已入库' })).toEqual({ ok: true, to: '已合并' });
    expect(applySuggestionAction('研究中', '单位答复', { answer: '' })).toMatchObject({ ok: false, reason: '请填写研究意见。' });
  });
});

describe('风控审查', () => {
  const all = (result: '通过' | '有条件通过' | '不通过', note = '') => (['可行性', '合法性', '社会风险', '舆情风险'] as const).map((dimension) => ({ dimension, result, note }));
  it('the verdict is the worst of the four dimensions', () => {
    expect(judgeReview(all('通过'))).toEqual({ ok: true, verdict: '通过', conditions: [] });
    const cond = all('通过');
    cond[2] = { dimension: '社会风险', result: '有条件通过', note: '先在两个村试行' };
    expect(judgeReview(cond)).toEqual({ ok: true, verdict: '有条件通过', conditions: ['社会风险：先在两个村试行'] });
    const fail = [...cond];
    fail[1] = { dimension: '合法性', result: '不通过', note: '与上位法冲突' };
    expect(judgeReview(fail)).toMatchObject({ ok: true, verdict: '不通过' });
  });
  it('refuses a review missing a dimension, repeating one, or without conditions or reasons', () => {
    expect(judgeReview(all('通过').slice(0, 3))).toMatchObject({ ok: false, reason: expect.stringContaining('缺少「舆情风险」') });
    expect(judgeReview([...all('通过'), { dimension: '可行性', result: '通过', note: '' }])).toMatchObject({ ok: false, reason: expect.stringContaining('填写了多次') });
    expect(judgeReview(all('有条件通过'))).toMatchObject({ ok: false, reason: expect.stringContaining('请写明条件') });
    expect(judgeReview(all('不通过'))).toMatchObject({ ok: false, reason: expect.stringContaining('请写明理由') });
    expect(judgeReview([...all('通过').slice(0, 3), { dimension: '舆情风险' }])).toMatchObject({ ok: false, reason: expect.stringContaining('请选择「舆情风险」') });
  });
  it('only a passed item can be 立项; a launched item is not reviewed again', () => {
    expect(reserveStatusAfter('通过')).toBe('审查通过');
    expect(reserveStatusAfter('有条件通过')).toBe('有条件通过');
    expect(reserveStatusAfter('不通过')).toBe('审查未通过');
    const launchable = RESERVE_STATUSES.filter((s) => canLaunch(s).ok);
    expect(launchable).toEqual(['审查通过', '有条件通过']);
    expect(canLaunch('待审查')).toMatchObject({ ok: false, reason: expect.stringContaining('风控') });
    expect(canLaunch('已立项')).toMatchObject({ ok: false, already: true });
    expect(RESERVE_STATUSES.filter((s) => !canReview(s).ok)).toEqual(['已立项']);
  });
});

describe('揭榜挂帅', () => {
  const call = { status: '征集中' as const, deadline: '2026-12-04', audience: 'all' as const };
  it('is open until its deadline day inclusive, then 已截止 until picked', () => {
    expect(callPhase(call, '2026-12-04')).toBe('征集中');
    expect(callPhase(call, '2026-12-05')).toBe('已截止');
    expect(callPhase({ ...call, status: '已挂帅' }, '2026-12-05')).toBe('已挂帅');
  });
  it('lets units of the audience apply once while open', () => {
    expect(canApply(call, 3, '2026-11-23', false)).toEqual({ ok: true });
    expect(canApply(call, 3, '2026-11-23', true)).toMatchObject({ ok: false, already: true });
    expect(canApply(call, null, '2026-11-23', false)).toMatchObject({ ok: false, reason: expect.stringContaining('单位') });
    expect(canApply(call, 3, '2026-12-05', false)).toMatchObject({ ok: false, reason: expect.stringContaining('截止') });
    expect(canApply({ ...call, audience: [1, 2] }, 3, '2026-11-23', false)).toMatchObject({ ok: false, reason: expect.stringContaining('发布范围') });
    expect(canApply({ ...call, audience: [1, 3] }, 3, '2026-11-23', false)).toEqual({ ok: true });
    expect(canApply({ ...call, status: '已挂帅' }, 3, '2026-11-23', false)).toMatchObject({ ok: false });
    expect(canApply({ ...call, status: '已撤销' }, 3, '2026-11-23', false)).toMatchObject({ ok: false, reason: '该榜单已撤销。' });
  });
  it('兼职: a person applies for the one of their units the call is published to (primary first; 全体 → primary)', () => {
    expect(applyingUnit({ audience: [5, 7] }, [3, 7])).toBe(7);
    expect(applyingUnit({ audience: [3, 7] }, [3, 7])).toBe(3);
    expect(applyingUnit({ audience: 'all' }, [3, 7])).toBe(3);
    expect(applyingUnit({ audience: [5] }, [3, 7])).toBe(3); // none in range: the primary, refused by canApply with its reason
    expect(applyingUnit({ audience: 'all' }, [])).toBeNull();
  });
  it('picks once, only from applications', () => {
    expect(canPick(call, 2)).toEqual({ ok: true });
    expect(canPick(call, 0)).toMatchObject({ ok: false, reason: expect.stringContaining('还没有单位揭榜') });
    expect(canPick({ ...call, status: '已挂帅' }, 2)).toMatchObject({ ok: false, already: true });
    expect(checkPublish({ title: '题', requirements: '要求', deadline: '2026-11-22' }, '2026-11-23')).toMatchObject({ ok: false });
    expect(checkPublish({ title: ' ', requirements: '要求', deadline: '2026-12-22' }, '2026-11-23')).toMatchObject({ ok: false, reason: '请填写榜单题目。' });
  });
  it('reminds 3 and 1 working days before the deadline and on the day, on working days only', () => {
    const cal = createWorkingCalendar();
    // 2026-12-04 is a Friday: 3 working days before = Tuesday 12-01, 1 = Thursday 12-03.
    const due = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'].map((d) => deadlineReminderDue('2026-12-04', d, cal));
    expect(due).toEqual([null, 3, null, 1, 0, null]);
    // Across the 国庆 holiday of 2026 (10-01..10-07): 10-09 (Fri) deadline, 1 working day before is 10-08.
    expect(deadlineReminderDue('2026-10-09', '2026-10-08', cal)).toBe(1);
    expect(deadlineReminderDue('2026-10-09', '2026-10-05', cal)).toBeNull();
  });
});

describe('回头看', () => {
  it('is due N months after close-out, per category, the month end clamped', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-05-15', 12)).toBe('2027-05-15');
    expect(lookbackDueOn('2026-05-20', '其他')).toBe('2026-11-20');
    const s = parseLookbackSetting({ months: 3, byCategory: { 改革试点: 12 } });
    expect(lookbackDueOn('2026-05-20', '小切口改革', s)).toBe('2026-08-20');
    expect(lookbackDueOn('2026-05-20', '改革试点', s)).toBe('2027-05-20');
    expect(() => parseLookbackSetting({ months: 0 })).toThrow(/月数至少为 1/);
    expect(() => parseLookbackSetting({ weeks: 2 })).toThrow(/回头看设置/);
  });
  it('reopens only weak or stopped reforms, once', () => {
    expect(canReopen('效果减弱', null)).toEqual({ ok: true });
    expect(canReopen('已停止运行', null)).toEqual({ ok: true });
    expect(canReopen('持续见效', null)).toMatchObject({ ok: false });
    expect(canReopen(null, null)).toMatchObject({ ok: false, reason: expect.stringContaining('还没有答复') });
    expect(canReopen('效果减弱', 9)).toMatchObject({ ok: false, already: true });
  });
  it('checks answers', () => {
    expect(checkAnswer('持续见效', '群众满意度 95%')).toEqual({ ok: true, answer: '持续见效' });
    expect(checkAnswer('很好', '…')).toMatchObject({ ok: false });
    expect(checkAnswer('效果减弱', ' ')).toMatchObject({ ok: false, reason: expect.stringContaining('佐证') });
    expect(quarterOf('2026-11-23')).toBe('2026-Q4');
    expect(quarterOf('2026-01-01')).toBe('2026-Q1');
  });
});
