// Task lifecycle (DESIGN §2). One table says which action moves which status where; every refusal
// is a Chinese sentence that can go straight into a reply or a toast, because people do click
// "签收" twice and report completion on closed tasks.
//
//   待签收 --签收--> 推进中 --报告完成--> 待销号 --同意销号--> 已销号
//   待签收 --提出异议--> 有异议 --解决异议--> 待签收 | 推进中 (the office chooses)
//   待销号 --退回--> 推进中
//   any open status --调整--> 已调整 --报告完成--> 待销号
//   any open status --暂缓--> 暂缓 --恢复--> 推进中
//   待销号 --撤回完成--> 推进中 | 已调整 (where it was before the completion was reported)
//   any status but 已销号 --撤销--> 已撤销 (the office revokes the item: it leaves every count)
import { OPEN_STATUSES, type TaskStatus } from './types.js';

export const TASK_ACTIONS = ['签收', '提出异议', '解决异议', '报告完成', '同意销号', '退回', '调整', '暂缓', '恢复', '撤回完成', '撤销'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** Actions refused without a reason: the office and the unit must see why. */
export const ACTIONS_REQUIRING_REASON: readonly TaskAction[] = ['提出异议', '调整', '暂缓', '撤销'];
/** Where 解决异议 may send a task. */
export const DISPUTE_RESOLUTION_TARGETS: readonly TaskStatus[] = ['待签收', '推进中'];

export interface TransitionOptions {
  reason?: string;
  /** Only for 解决异议: 待签收 (re-dispatch) or 推进中 (unit must proceed). */
  target?: TaskStatus;
}

export type TransitionResult = { ok: true; to: TaskStatus } | { ok: false; reason: string };

/** from-statuses and the to-status of each action (解决异议's target comes from the options). */
const RULES: Record<TaskAction, { from: readonly TaskStatus[]; to: TaskStatus | 'target' }> = {
  签收: { from: ['待签收'], to: '推进中' },
  提出异议: { from: ['待签收'], to: '有异议' },
  解决异议: { from: ['有异议'], to: 'target' },
  报告完成: { from: ['推进中', '已调整'], to: '待销号' },
  同意销号: { from: ['待销号'], to: '已销号' },
  退回: { from: ['待销号'], to: '推进中' },
  调整: { from: OPEN_STATUSES, to: '已调整' },
  暂缓: { from: OPEN_STATUSES, to: '暂缓' },
  恢复: { from: ['暂缓'], to: '推进中' },
  撤回完成: { from: ['待销号'], to: '推进中' },
  撤销: { from: ['待签收', '推进中', '待销号', '有异议', '已调整', '暂缓'], to: '已撤销' },
};

export function isTaskAction(value: string): value is TaskAction {
  return (TASK_ACTIONS as readonly string[]).includes(value);
}

export function applyTransition(current: TaskStatus, action: TaskAction, opts: TransitionOptions = {}): TransitionResult {
  const rule = RULES[action];
  if (!rule) return { ok: false, reason: `无法识别的操作"${String(action)}"。` };
  if (!rule.from.includes(current)) return { ok: false, reason: refusal(current, action) };

  if (ACTIONS_REQUIRING_REASON.includes(action) && !opts.reason?.trim()) {
    return { ok: false, reason: `${action}需要填写理由，请补充后再提交。` };
  }
  if (action === '撤回完成' && opts.target === '已调整') return { ok: true, to: '已调整' };
  if (rule.to === 'target') {
    if (!opts.target) return { ok: false, reason: '解决异议时请选择处理结果：重新交办（待签收）或直接推进（推进中）。' };
    if (!DISPUTE_RESOLUTION_TARGETS.includes(opts.target)) {
      return { ok: false, reason: `解决异议后只能转为"待签收"或"推进中"，不能转为"${opts.target}"。` };
    }
    return { ok: true, to: opts.target };
  }
  return { ok: true, to: rule.to };
}

/** The actions that can apply to a task in this status (given a reason/target where needed). */
export function availableActions(status: TaskStatus): TaskAction[] {
  return TASK_ACTIONS.filter((action) => RULES[action].from.includes(status));
}

function refusal(current: TaskStatus, action: TaskAction): string {
  const now = `该事项当前状态为"${current}"`;
  // Repeats of an action already done: say so plainly, the click was probably a double click.
  if (current === '已销号') return `${now}，不能再${action}。`;
  if (current === '已撤销') return `${now}，改革办已撤销该事项，不能${action}。`;
  switch (action) {
    case '签收':
      if (current === '推进中' || current === '待销号') return `${now}，已签收过，无需重复签收。`;
      if (current === '有异议') return `${now}，异议正在等待改革办处理，处理后再签收。`;
      return `${now}，不能签收。`;
    case '提出异议':
      return current === '有异议' ? `${now}，异议已提交，正在等待改革办处理。` : `${now}，已签收的事项不能再提出异议；如需调整请联系改革办。`;
    case '解决异议':
      return `${now}，没有待处理的异议。`;
    case '报告完成':
      if (current === '待销号') return `${now}，已报告完成，正在等待改革办审核销号。`;
      if (current === '待签收') return `${now}，请先签收再报告完成。`;
      if (current === '有异议') return `${now}，请等待改革办处理异议后再报告完成。`;
      if (current === '暂缓') return `${now}，暂缓的事项需先恢复推进，才能报告完成。`;
      return `${now}，不能报告完成。`;
    case '同意销号':
    case '退回':
      return `${now}，尚未报告完成，不能${action}。`;
    case '调整':
    case '暂缓':
      if (current === '暂缓' && action === '暂缓') return `${now}，已经暂缓，无需重复操作。`;
      if (current === '待销号') return `${now}，已报告完成待审核，请先退回再${action}。`;
      return `${now}，不能${action}。`;
    case '恢复':
      return `${now}，并未暂缓，无需恢复。`;
    case '撤回完成':
      return `${now}，没有等待审核的完成报告，无需撤回。`;
    default:
      return `${now}，不能${action}。`;
  }
}

/**
 * Requests that do not move a task but only make sense in some states. Each card button and
 * command checks its task's state here or through applyTransition — a 延期申请 on a task already
 * closed out must not reach the office.
 */
export type TaskRequest = '申请延期' | '审批延期' | '催办' | '填报进展';

const REQUEST_FROM: Record<TaskRequest, readonly TaskStatus[]> = {
  申请延期: ['待签收', '推进中', '已调整'],
  审批延期: ['待签收', '推进中', '已调整'],
  催办: ['待签收', '推进中', '有异议', '已调整'],
  填报进展: ['待签收', '推进中', '有异议', '已调整', '待销号', '暂缓'],
};

export function checkRequest(current: TaskStatus, request: TaskRequest): { ok: true } | { ok: false; reason: string } {
  if (REQUEST_FROM[request].includes(current)) return { ok: true };
  const now = `该事项当前状态为"${current}"`;
  switch (current) {
    case '已销号':
      return { ok: false, reason: request === '填报进展' ? `${now}，不再接收进展。如需补充，请联系改革办。` : `${now}，无需${request}。` };
    case '待销号':
      return { ok: false, reason: `${now}，已报告完成、正在等待改革办审核销号，无需${request}。` };
    case '暂缓':
      return { ok: false, reason: `${now}，改革办已暂缓推进，无需${request}；恢复推进后再办理。` };
    case '有异议':
      return { ok: false, reason: `${now}，交办异议正在等待改革办处理，处理后再${request}。` };
    default:
      return { ok: false, reason: `${now}，不能${request}。` };
  }
}
