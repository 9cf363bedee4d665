// Who may do what to a task (DESIGN §6). Pure. Card values and chat text are never trusted: every
// action is checked here against the operator's person record. Refusals explain why, in Chinese.
import type { Role } from './types.js';

export interface Actor {
  personId: number;
  name: string;
  unitId: number | null;
  roles: readonly Role[];
}

export interface TaskParties {
  leadUnitId: number;
  leadUnitName: string;
  /** 联合牵头: the other lead units, each as much a lead as the first. */
  jointLeadUnitIds?: readonly number[];
  coUnitIds: readonly number[];
  leadLeaderIds: readonly number[];
}

export type TaskOperation =
  | 'report' | 'problem' | 'complete' | 'sign' | 'dispute' | 'urge' | 'review' | 'resolveDispute'
  /** 撤回 a completion report awaiting review; 延期 request; 交办单 re-sent. */
  | 'withdraw' | 'extend' | 'redispatch'
  /** The office: decide an extension, answer a problem, edit the ledger (调整/暂缓/恢复/撤销). */
  | 'decideExtension' | 'answerProblem' | 'edit'
  /** 批示: a county leader on an item they lead. */
  | 'instruct';

export type Permission = { ok: true } | { ok: false; reason: string };

const OK: Permission = { ok: true };
const isOffice = (a: Actor) => a.roles.includes('ADMIN');
const inLeadUnit = (a: Actor, t: TaskParties) => a.unitId !== null && (a.unitId === t.leadUnitId || (t.jointLeadUnitIds ?? []).includes(a.unitId));
const inCoUnit = (a: Actor, t: TaskParties) => a.unitId !== null && t.coUnitIds.includes(a.unitId);
const leadsIt = (a: Actor, t: TaskParties) => t.leadLeaderIds.includes(a.personId);

const OFFICE_VERBS = {
  urge: '催办', review: '审核销号', resolveDispute: '处理异议', decideExtension: '审批延期', answerProblem: '处理问题反映', edit: '调整台账',
} as const;

export function checkPermission(actor: Actor, task: TaskParties, op: TaskOperation): Permission {
  switch (op) {
    case 'report':
    case 'problem':
      if (inLeadUnit(actor, task) || inCoUnit(actor, task) || leadsIt(actor, task) || isOffice(actor)) return OK;
      return { ok: false, reason: `您不是该事项牵头单位（${task.leadUnitName}）、配合单位或领衔领导的人员，不能报送。` };
    case 'complete':
      if (inLeadUnit(actor, task) || leadsIt(actor, task) || isOffice(actor)) return OK;
      return { ok: false, reason: `完成情况由牵头单位（${task.leadUnitName}）报送，配合单位请用「进展」报送配合情况。` };
    case 'sign':
    case 'dispute':
      if (inLeadUnit(actor, task)) return OK;
      return { ok: false, reason: `只有牵头单位（${task.leadUnitName}）的人员可以${op === 'sign' ? '签收' : '对交办提出异议'}。` };
    case 'urge':
    case 'review':
    case 'resolveDispute':
    case 'decideExtension':
    case 'answerProblem':
    case 'edit':
      if (isOffice(actor)) return OK;
      return { ok: false, reason: `只有改革办可以${OFFICE_VERBS[op]}。` };
    case 'withdraw':
      if (inLeadUnit(actor, task)) return OK;
      return { ok: false, reason: `只有牵头单位（${task.leadUnitName}）的人员可以撤回完成报告。` };
    case 'extend':
      // The office decides extensions: it does not apply to itself (it changes a deadline by 调整).
      if (inLeadUnit(actor, task)) return OK;
      return { ok: false, reason: isOffice(actor)
        ? `延期由牵头单位（${task.leadUnitName}）申请、改革办审批；改革办要改完成时限，请发「调整 编号」并写明理由。`
        : `只有牵头单位（${task.leadUnitName}）可以申请延期。` };
    case 'redispatch':
      if (inLeadUnit(actor, task) || isOffice(actor)) return OK;
      return { ok: false, reason: `任务交办单只发给牵头单位（${task.leadUnitName}）和改革办。` };
    case 'instruct':
      if (leadsIt(actor, task)) return OK;
      return { ok: false, reason: '只有该事项的领衔领导可以作出批示。' };
  }
}
