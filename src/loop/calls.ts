// 揭榜挂帅: the office publishes a 榜单 (JB-<year>-NN) to all units or chosen ones; units apply once
// each (实施思路, 团队负责人, 预期成果) while it is open; the office compares and picks one (挂帅) → a
// ledger task led by that unit; the others are told; unpicked applications are kept (未选中).
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/repos/audit.js';
import type { DbOrTx } from '../db/client.js';
import { shanghaiDate } from '../core/dates.js';
import { applyingUnit, canApply, canPick, checkPublish, type CallStatus } from '../core/loop/call.js';
import { actorUnitIds } from '../core/permissions.js';
import { formatNumber } from '../core/loop/numbers.js';
import { checkLoopPermission } from '../core/loop/permissions.js';
import type { LedgerActor } from '../ledger/actions.js';
import { actorKey, isUniqueViolation, nextSerial, withSerialRetry, type Db, type Effects, type Outcome } from './common.js';
import { createLoopTask } from './tasks.js';

export interface ApplicationRecord { id: number; unitId: number; unitName: string; applicantName: string; applicantOpenId: string | null; plan: string; teamLead: string; expected: string; status: string; createdAt: Date }

export interface CallRecord {
  id: number; tenantId: number; number: string; title: string; requirements: string; support: string | null; deadline: string;
  audience: 'all' | number[]; audienceNames: string[]; status: CallStatus; winnerId: number | null; taskId: number | null; taskCode: string | null;
  applications: ApplicationRecord[];
}

export async function loadCall(db: DbOrTx, tenantId: number, id: number): Promise<CallRecord | null> {
  const c = await db.openCall.findFirst({ where: { tenantId, id } });
  if (!c) return null;
  const audience = c.audience === 'all' ? 'all' as const : c.audience.split(',').filter(Boolean).map(Number);
  const apps = await db.callApplication.findMany({ where: { tenantId, callId: id }, orderBy: { id: 'asc' } });
  const units = await db.unit.findMany({ where: { tenantId, id: { in: [...apps.map((a) => a.unitId), ...(audience === 'all' ? [] : audience)] } }, select: { id: true, name: true } });
  const people = await db.person.findMany({ where: { tenantId, id: { in: apps.map((a) => a.applicantId) } }, select: { id: true, name: true, openId: true } });
  const task = c.taskId ? await db.task.findFirst({ where: { tenantId, id: c.taskId }, select: { code: true } }) : null;
  return {
    id: c.id, tenantId, number: c.number, title: c.title, requirements: c.requirements, support: c.support, deadline: c.deadline, audience,
    audienceNames: audience === 'all' ? [] : audience.map((u) => units.find((x) => x.id === u)?.name ?? `单位${u}`),
    status: c.status as CallStatus, winnerId: c.winnerId, taskId: c.taskId, taskCode: task?.code ?? null,
    applications: apps.map((a) => {
      const p = people.find((x) => x.id === a.applicantId);
      return { id: a.id, unitId: a.unitId, unitName: units.find((u) => u.id === a.unitId)?.name ?? '—', applicantName: p?.name ?? '—', applicantOpenId: p?.openId ?? null, plan: a.plan, teamLead: a.teamLead, expected: a.expected, status: a.status, createdAt: a.createdAt };
    }),
  };
}

export async function listCalls(db: DbOrTx, tenantId: number, opts: { openOnly?: boolean } = {}): Promise<CallRecord[]> {
  const rows = await db.openCall.findMany({ where: { tenantId, ...(opts.openOnly ? { status: '征集中' } : {}) }, orderBy: { id: 'desc' }, take: 30, select: { id: true } });
  const out: CallRecord[] = [];
  for (const r of rows) out.push((await loadCall(db, tenantId, r.id))!);
  return out;
}

export interface PublishInput { title: string; requirements: string; support: string | null; deadline: string; audience: 'all' | number[]; sourceRef: string }

export async function publishCall(db: Db, clock: Clock, actor: LedgerActor, input: PublishInput, effects?: Effects<{ call: CallRecord }>): Promise<Outcome<{ call: CallRecord; duplicate: boolean }>> {
  const allowed = checkLoopPermission(actor, 'publishCall');
  if (!allowed.ok) return allowed;
  const now = clock.now();
  const today = shanghaiDate(now);
  const existing = await db.openCall.findUnique({ where: { tenantId_sourceRef: { tenantId: actor.tenantId, sourceRef: input.sourceRef } } });
  if (existing) return { ok: true, duplicate: true, call: (await loadCall(db, actor.tenantId, existing.id))! };
  const check = checkPublish(input, today);
  if (!check.ok) return check;
  const year = Number(today.slice(0, 4));
  try {
    return await withSerialRetry(() => db.$transaction(async (tx) => {
      const serial = await nextSerial(tx, 'call', actor.tenantId, year);
      const row = await tx.openCall.create({
        data: {
          tenantId: actor.tenantId, number: formatNumber('call', year, serial), year, serial, title: input.title, requirements: input.requirements, support: input.support,
          deadline: input.deadline, audience: input.audience === 'all' ? 'all' : input.audience.join(','), createdById: actor.personId, sourceRef: input.sourceRef, createdAt: now,
        },
      });
      await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actorKey(actor), entity: 'call', entityId: row.id, action: 'create', at: now, after: { number: row.number, title: row.title, deadline: row.deadline, audience: row.audience } }]);
      const call = (await loadCall(tx, actor.tenantId, row.id))!;
      await effects?.(tx, { call });
      return { ok: true as const, duplicate: false, call };
    }));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const first = await db.openCall.findUnique({ where: { tenantId_sourceRef: { tenantId: actor.tenantId, sourceRef: input.sourceRef } } });
    if (!first) throw err;
    return { ok: true, duplicate: true, call: (await loadCall(db, actor.tenantId, first.id))! };
  }
}

/**
 * Whether the actor may apply to the call today, and for which unit: 兼职 people apply for the one of
 * their units the call is published to (primary first). The one check for the 揭榜 command, form and submission.
 */
export function applicationCheck(call: CallRecord, actor: LedgerActor, today: string): { ok: true; unitId: number; unitName: string } | { ok: false; reason: string; already?: boolean } {
  const unitId = applyingUnit(call, actorUnitIds(actor));
  const applied = unitId !== null && call.applications.some((a) => a.unitId === unitId);
  const check = canApply(call, unitId, today, applied);
  if (!check.ok) return check;
  const unitName = actor.units?.find((u) => u.unitId === unitId)?.unitName ?? actor.unitName ?? '';
  return { ok: true, unitId: unitId!, unitName };
}

export async function applyToCall(
  db: Db, clock: Clock, actor: LedgerActor, call: CallRecord, input: { plan: string; teamLead: string; expected: string }, effects?: Effects<{ application: ApplicationRecord; at: Date }>,
): Promise<Outcome<{ application: ApplicationRecord; at: Date }>> {
  if (call.tenantId !== actor.tenantId) return { ok: false, reason: '该榜单不存在。' };
  const allowed = checkLoopPermission(actor, 'applyCall');
  if (!allowed.ok) return allowed;
  const now = clock.now();
  const check = applicationCheck(call, actor, shanghaiDate(now));
  if (!check.ok) return check;
  const { unitId } = check;
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.callApplication.create({ data: { tenantId: call.tenantId, callId: call.id, unitId, applicantId: actor.personId, plan: input.plan, teamLead: input.teamLead, expected: input.expected, createdAt: now } });
      await recordAudit(tx, [{ tenantId: call.tenantId, actor: actorKey(actor), entity: 'application', entityId: row.id, action: 'create', at: now, after: { call: call.number, unitId: row.unitId, teamLead: row.teamLead } }]);
      const application = (await loadCall(tx, call.tenantId, call.id))!.applications.find((a) => a.id === row.id)!;
      await effects?.(tx, { application, at: now });
      return { ok: true as const, application, at: now };
    });
  } catch (err) {
    // The same unit applying twice at once: (callId, unitId) is unique.
    if (isUniqueViolation(err)) return { ok: false, reason: '贵单位已揭榜，无需重复提交。如需修改，请联系县委改革办。', already: true };
    throw err;
  }
}

export interface PickResult { call: CallRecord; winner: ApplicationRecord; others: ApplicationRecord[]; taskId: number; code: string; at: Date }

/** 挂帅: the chosen application's unit leads a new task; the call closes; the others are kept as 未选中. */
export async function pickApplication(db: Db, clock: Clock, actor: LedgerActor, call: CallRecord, applicationId: number, deadline: string, effects?: Effects<PickResult>): Promise<Outcome<PickResult>> {
  const allowed = checkLoopPermission(actor, 'publishCall');
  if (!allowed.ok) return allowed;
  if (call.tenantId !== actor.tenantId) return { ok: false, reason: '该榜单不存在。' };
  const check = canPick(call, call.applications.length);
  if (!check.ok) return check;
  const winner = call.applications.find((a) => a.id === applicationId);
  if (!winner) return { ok: false, reason: '请从揭榜单位中选择挂帅单位。' };
  const now = clock.now();
  if (deadline < shanghaiDate(now)) return { ok: false, reason: `完成时限（${deadline}）已过。` };
  return db.$transaction(async (tx) => {
    const claimed = await tx.openCall.updateMany({ where: { id: call.id, status: '征集中' }, data: { status: '已挂帅', winnerId: winner.id } });
    if (claimed.count === 0) return { ok: false as const, reason: '该榜单刚刚已确定挂帅单位。', already: true };
    await tx.callApplication.update({ where: { id: winner.id }, data: { status: '已挂帅' } });
    await tx.callApplication.updateMany({ where: { callId: call.id, id: { not: winner.id } }, data: { status: '未选中' } });
    const task = await createLoopTask(tx, call.tenantId, actorKey(actor), now, {
      title: call.title, category: '重点改革任务', leadUnitId: winner.unitId, leaderIds: [], coUnitIds: [], deadline, milestones: [],
      deliverable: winner.expected, implementationPath: `实施思路：${winner.plan}\n团队负责人：${winner.teamLead}`, tags: ['揭榜挂帅'],
    }, { kind: '揭榜挂帅', callId: call.id });
    await tx.openCall.update({ where: { id: call.id }, data: { taskId: task.id } });
    await recordAudit(tx, [{ tenantId: call.tenantId, actor: actorKey(actor), entity: 'call', entityId: call.id, action: 'update', at: now, before: { status: call.status }, after: { status: '已挂帅', winner: winner.unitName, taskId: task.id, code: task.code } }]);
    const result: PickResult = { call: (await loadCall(tx, call.tenantId, call.id))!, winner, others: call.applications.filter((a) => a.id !== winner.id), taskId: task.id, code: task.code, at: now };
    await effects?.(tx, result);
    return { ok: true as const, ...result };
  });
}
