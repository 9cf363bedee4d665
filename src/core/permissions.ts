// Who may do what to a task (DESIGN §6). Pure. Card values and chat text are never trusted: every
// action is checked here against the operator's person record. Refusals explain why, in Chinese.
import type { Role } from './types.js';

/** One unit a person holds roles in, with the roles they hold there. */
export interface UnitRoles {
  unitId: number;
  roles: readonly Role[];
}

export interface Actor {
  personId: number;
  name: string;
  /** The primary unit (Person.unitId). */
  unitId: number | null;
  /** Person.roles: the primary unit's roles and the person-wide ones (ADMIN, LEADER; also from a 兼职 row). */
  roles: readonly Role[];
  /**
   * 兼职: every unit the person holds roles in, primary first, each with that unit's roles
   * (PersonUnit). Absent: the primary unit only, with `roles`. Read it through the helpers below.
   */
  units?: readonly UnitRoles[];
}

/** The units the actor acts for, primary first, each with the roles held there. */
export function actorUnits(a: Pick<Actor, 'unitId' | 'roles' | 'units'>): readonly UnitRoles[] {
  if (a.units) return a.units;
  return a.unitId === null ? [] : [{ unitId: a.unitId, roles: a.roles }];
}

/** Ids of the actor's units, primary first. */
export const actorUnitIds = (a: Pick<Actor, 'unitId' | 'roles' | 'units'>): number[] => actorUnits(a).map((u) => u.unitId);

/** The roles the actor holds in one unit (none when they do not belong to it). */
export const rolesIn = (a: Pick<Actor, 'unitId' | 'roles' | 'units'>, unitId: number): readonly Role[] =>
  actorUnits(a).find((u) => u.unitId === unitId)?.roles ?? [];

/**
 * Whether the actor belongs to the unit — with one of `roles` there when given: a liaison of A who
 * is head of B is 一把手 for B only. The one test of "actor of unit X" for every check.
 */
export function inUnit(a: Pick<Actor, 'unitId' | 'roles' | 'units'>, unitId: number | null | undefined, roles?: readonly Role[]): boolean {
  if (unitId === null || unitId === undefined) return false;
  const u = actorUnits(a).find((x) => x.unitId === unitId);
  return u !== undefined && (roles === undefined || roles.some((r) => u.roles.includes(r)));
}

/** The first of the actor's units (primary first) among `unitIds`, or null. */
export function actorUnitAmong(a: Pick<Actor, 'unitId' | 'roles' | 'units'>, unitIds: readonly number[]): number | null {
  return actorUnitIds(a).find((id) => unitIds.includes(id)) ?? null;
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
const inLeadUnit = (a: Actor, t: TaskParties) => actorUnitAmong(a, [t.leadUnitId, ...(t.jointLeadUnitIds ?? [])]) !== null;
const inCoUnit = (a: Actor, t: TaskParties) => actorUnitAmong(a, t.coUnitIds) !== null;
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
