import { describe, expect, it } from 'vitest';
import {
  ACTIONS_REQUIRING_REASON,
  applyTransition,
  checkRequest,
  availableActions,
  isTaskAction,
  TASK_ACTIONS,
  type TaskAction,
} from '../../src/core/status.js';
import { TASK_STATUSES, type TaskStatus } from '../../src/core/types.js';

/** The whole lifecycle (DESIGN §2): the target of every allowed (status, action), nothing else. */
const EXPECTED: Record<TaskStatus, Partial<Record<TaskAction, TaskStatus | 'target'>>> = {
  待签收: { 签收: '推进中', 提出异议: '有异议', 调整: '已调整', 暂缓: '暂缓', 撤销: '已撤销' },
  推进中: { 报告完成: '待销号', 调整: '已调整', 暂缓: '暂缓', 撤销: '已撤销' },
  待销号: { 同意销号: '已销号', 退回: '推进中', 撤回完成: '推进中', 撤销: '已撤销' },
  已销号: {},
  有异议: { 解决异议: 'target', 调整: '已调整', 暂缓: '暂缓', 撤销: '已撤销' },
  已调整: { 报告完成: '待销号', 调整: '已调整', 暂缓: '暂缓', 撤销: '已撤销' },
  暂缓: { 恢复: '推进中', 撤销: '已撤销' },
  已撤销: {},
};

const opts = { reason: '县委深改委会议决定调整', target: '推进中' as TaskStatus };

describe('applyTransition — every (status, action) pair', () => {
  for (const status of TASK_STATUSES) {
    for (const action of TASK_ACTIONS) {
      const expected = EXPECTED[status][action];
      it(`${status} + ${action} → ${expected ?? '拒绝'}`, () => {
        const result = applyTransition(status, action, opts);
        if (expected === undefined) {
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(result.reason).toContain(`该事项当前状态为"${status}"`);
            expect(result.reason).toMatch(/[。]$/);
          }
        } else {
          expect(result).toEqual({ ok: true, to: expected === 'target' ? '推进中' : expected });
        }
      });
    }
  }
});

describe('availableActions', () => {
  it('matches the table for every status', () => {
    for (const status of TASK_STATUSES) {
      expect(availableActions(status)).toEqual(TASK_ACTIONS.filter((a) => EXPECTED[status][a] !== undefined));
    }
  });

  it('a closed task has no actions', () => {
    expect(availableActions('已销号')).toEqual([]);
  });

  it('every available action succeeds with a reason and target', () => {
    for (const status of TASK_STATUSES) {
      for (const action of availableActions(status)) expect(applyTransition(status, action, opts).ok).toBe(true);
    }
  });
});

describe('refusal messages', () => {
  const reason = (status: TaskStatus, action: TaskAction) => {
    const r = applyTransition(status, action, opts);
    if (r.ok) throw new Error('expected a refusal');
    return r.reason;
  };

  it('closed tasks: "不能再…"', () => {
    expect(reason('已销号', '报告完成')).toBe('该事项当前状态为"已销号"，不能再报告完成。');
    expect(reason('已销号', '签收')).toBe('该事项当前状态为"已销号"，不能再签收。');
  });

  it('double clicks are named as such', () => {
    expect(reason('推进中', '签收')).toBe('该事项当前状态为"推进中"，已签收过，无需重复签收。');
    expect(reason('待销号', '报告完成')).toContain('正在等待改革办审核销号');
    expect(reason('有异议', '提出异议')).toContain('异议已提交');
    expect(reason('暂缓', '暂缓')).toContain('无需重复');
  });

  it('says what to do first', () => {
    expect(reason('待签收', '报告完成')).toContain('请先签收');
    expect(reason('有异议', '报告完成')).toContain('处理异议');
    expect(reason('暂缓', '报告完成')).toContain('恢复');
    expect(reason('待销号', '调整')).toContain('请先退回');
    expect(reason('推进中', '同意销号')).toContain('尚未报告完成');
    expect(reason('推进中', '恢复')).toContain('并未暂缓');
    expect(reason('推进中', '解决异议')).toContain('没有待处理的异议');
    expect(reason('有异议', '签收')).toContain('异议正在等待改革办处理');
  });
});

describe('reasons and targets', () => {
  it('调整, 暂缓, 撤销 and 提出异议 need a non-blank reason', () => {
    expect(ACTIONS_REQUIRING_REASON).toEqual(['提出异议', '调整', '暂缓', '撤销']);
    for (const action of ACTIONS_REQUIRING_REASON) {
      const from: TaskStatus = '待签收';
      expect(applyTransition(from, action)).toEqual({ ok: false, reason: `${action}需要填写理由，请补充后再提交。` });
      expect(applyTransition(from, action, { reason: '   ' }).ok).toBe(false);
      expect(applyTransition(from, action, { reason: '用地指标未落实' }).ok).toBe(true);
    }
  });

  it('other actions need no reason', () => {
    expect(applyTransition('待签收', '签收')).toEqual({ ok: true, to: '推进中' });
    expect(applyTransition('待销号', '退回')).toEqual({ ok: true, to: '推进中' });
    expect(applyTransition('暂缓', '恢复')).toEqual({ ok: true, to: '推进中' });
  });

  it('解决异议 goes where the office chooses: 待签收 or 推进中, nothing else', () => {
    expect(applyTransition('有异议', '解决异议', { target: '待签收' })).toEqual({ ok: true, to: '待签收' });
    expect(applyTransition('有异议', '解决异议', { target: '推进中' })).toEqual({ ok: true, to: '推进中' });
    const missing = applyTransition('有异议', '解决异议');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.reason).toContain('请选择处理结果');
    const wrong = applyTransition('有异议', '解决异议', { target: '已销号' });
    expect(wrong).toEqual({ ok: false, reason: '解决异议后只能转为"待签收"或"推进中"，不能转为"已销号"。' });
  });

  it('a status check comes before the reason check', () => {
    const r = applyTransition('已销号', '调整');
    expect(r).toEqual({ ok: false, reason: '该事项当前状态为"已销号"，不能再调整。' });
  });
});

describe('whole lifecycles', () => {
  const run = (start: TaskStatus, steps: [TaskAction, { reason?: string; target?: TaskStatus }?][]) => {
    let s = start;
    for (const [action, o] of steps) {
      const r = applyTransition(s, action, o);
      if (!r.ok) throw new Error(r.reason);
      s = r.to;
    }
    return s;
  };

  it('dispatch → sign → report → reject → report → close', () => {
    expect(run('待签收', [['签收'], ['报告完成'], ['退回'], ['报告完成'], ['同意销号']])).toBe('已销号');
  });

  it('dispute → resolved to re-dispatch → sign', () => {
    expect(run('待签收', [['提出异议', { reason: '不属于本单位职责' }], ['解决异议', { target: '待签收' }], ['签收']])).toBe('推进中');
  });

  it('pause → resume; adjust → report', () => {
    expect(run('推进中', [['暂缓', { reason: '上级政策调整' }], ['恢复']])).toBe('推进中');
    expect(run('推进中', [['调整', { reason: '时限调整' }], ['报告完成']])).toBe('待销号');
  });
});

describe('isTaskAction', () => {
  it('recognises the action words only', () => {
    expect(isTaskAction('签收')).toBe(true);
    expect(isTaskAction('删除')).toBe(false);
  });

  it('an unknown action is refused, not thrown', () => {
    const r = applyTransition('推进中', '删除' as TaskAction);
    expect(r).toEqual({ ok: false, reason: '无法识别的操作"删除"。' });
  });
});

describe('checkRequest: requests that do not move a task still check its state', () => {
  it('延期申请 only while the task runs', () => {
    for (const s of ['待签收', '推进中', '已调整'] as const) expect(checkRequest(s, '申请延期')).toEqual({ ok: true });
    expect(checkRequest('已销号', '申请延期')).toMatchObject({ ok: false, reason: expect.stringContaining('已销号') });
    expect(checkRequest('待销号', '申请延期')).toMatchObject({ ok: false, reason: expect.stringContaining('等待改革办审核销号') });
    expect(checkRequest('暂缓', '申请延期')).toMatchObject({ ok: false, reason: expect.stringContaining('暂缓') });
  });
  it('催办 not on a task closed out, waiting for review or paused; 填报进展 not on one closed out', () => {
    for (const s of ['已销号', '待销号', '暂缓'] as const) expect(checkRequest(s, '催办').ok).toBe(false);
    expect(checkRequest('有异议', '催办').ok).toBe(true);
    expect(checkRequest('已销号', '填报进展')).toMatchObject({ ok: false, reason: expect.stringContaining('不再接收进展') });
    expect(checkRequest('待销号', '填报进展').ok).toBe(true);
  });
});
