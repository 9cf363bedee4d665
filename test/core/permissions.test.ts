import { describe, expect, it } from 'vitest';
import { actorUnitIds, checkPermission, inUnit, rolesIn, type Actor, type TaskOperation, type TaskParties } from '../../src/core/permissions.js';

const task: TaskParties = { leadUnitId: 1, leadUnitName: '石堡镇', coUnitIds: [2], leadLeaderIds: [100] };
const actor = (over: Partial<Actor>): Actor => ({ personId: 1, name: '某人', unitId: null, roles: [], ...over });
const liaisonA = actor({ unitId: 1, roles: ['LIAISON'] });
const liaisonCo = actor({ unitId: 2, roles: ['LIAISON'] });
const liaisonB = actor({ unitId: 3, roles: ['LIAISON'] });
const leader = actor({ personId: 100, roles: ['LEADER'] });
const otherLeader = actor({ personId: 101, roles: ['LEADER'] });
const office = actor({ unitId: 9, roles: ['ADMIN'] });

const allowed = (a: Actor, op: TaskOperation) => checkPermission(a, task, op).ok;

describe('permissions', () => {
  it.each<[string, Actor, Record<TaskOperation, boolean>]>([
    ['lead-unit liaison', liaisonA, { report: true, problem: true, complete: true, sign: true, dispute: true, urge: false, review: false, resolveDispute: false, withdraw: true, extend: true, redispatch: true, decideExtension: false, answerProblem: false, edit: false, instruct: false }],
    ['co-unit liaison', liaisonCo, { report: true, problem: true, complete: false, sign: false, dispute: false, urge: false, review: false, resolveDispute: false, withdraw: false, extend: false, redispatch: false, decideExtension: false, answerProblem: false, edit: false, instruct: false }],
    ['another unit', liaisonB, { report: false, problem: false, complete: false, sign: false, dispute: false, urge: false, review: false, resolveDispute: false, withdraw: false, extend: false, redispatch: false, decideExtension: false, answerProblem: false, edit: false, instruct: false }],
    ['lead leader', leader, { report: true, problem: true, complete: true, sign: false, dispute: false, urge: false, review: false, resolveDispute: false, withdraw: false, extend: false, redispatch: false, decideExtension: false, answerProblem: false, edit: false, instruct: true }],
    ['another leader', otherLeader, { report: false, problem: false, complete: false, sign: false, dispute: false, urge: false, review: false, resolveDispute: false, withdraw: false, extend: false, redispatch: false, decideExtension: false, answerProblem: false, edit: false, instruct: false }],
    ['office', office, { report: true, problem: true, complete: true, sign: false, dispute: false, urge: true, review: true, resolveDispute: true, withdraw: false, extend: false, redispatch: true, decideExtension: true, answerProblem: true, edit: true, instruct: false }],
  ])('%s', (_name, who, expected) => {
    for (const [op, ok] of Object.entries(expected)) expect([op, allowed(who, op as TaskOperation)]).toEqual([op, ok]);
  });

  it('兼职: a person of unit 3 holding a role in the lead unit (1) acts as that unit, with the roles held there', () => {
    // 联络员 of unit 3 (primary), 一把手 of the lead unit 1 (PersonUnit).
    const partTimer = actor({ unitId: 3, roles: ['LIAISON'], units: [{ unitId: 3, roles: ['LIAISON'] }, { unitId: 1, roles: ['UNIT_HEAD'] }] });
    expect(actorUnitIds(partTimer)).toEqual([3, 1]);
    for (const op of ['sign', 'complete', 'withdraw', 'extend', 'report'] as const) expect([op, allowed(partTimer, op)]).toEqual([op, true]);
    expect(rolesIn(partTimer, 1)).toEqual(['UNIT_HEAD']);
    expect([inUnit(partTimer, 1, ['UNIT_HEAD']), inUnit(partTimer, 3, ['UNIT_HEAD']), inUnit(partTimer, 3, ['LIAISON']), inUnit(partTimer, 2)]).toEqual([true, false, true, false]);
    // Joint leads count too; without `units` the primary unit alone, with the person's roles.
    expect(checkPermission(partTimer, { ...task, leadUnitId: 7, jointLeadUnitIds: [1] }, 'sign').ok).toBe(true);
    expect([actorUnitIds(liaisonA), inUnit(liaisonA, 1, ['LIAISON']), inUnit(liaisonA, 1, ['UNIT_HEAD']), actorUnitIds(leader)]).toEqual([[1], true, false, []]);
  });

  it('explains a refusal in Chinese', () => {
    expect(checkPermission(liaisonB, task, 'report')).toEqual({ ok: false, reason: expect.stringContaining('石堡镇') });
    expect(checkPermission(liaisonA, task, 'review')).toEqual({ ok: false, reason: '只有改革办可以审核销号。' });
    expect(checkPermission(liaisonA, task, 'decideExtension')).toEqual({ ok: false, reason: '只有改革办可以审批延期。' });
    expect(checkPermission(otherLeader, task, 'instruct')).toEqual({ ok: false, reason: '只有该事项的领衔领导可以作出批示。' });
    expect(checkPermission(liaisonCo, task, 'withdraw')).toEqual({ ok: false, reason: expect.stringContaining('石堡镇') });
  });
});
