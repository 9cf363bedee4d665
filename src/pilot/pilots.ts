// Storage of 试点: the office makes a task a pilot (争取中) and moves its stage (one step forward, or
// back with a reason: src/core/pilot/stages.ts), inside a transaction, audited with before/after.
import { checkStageChange, type PilotLevel } from '../core/pilot/stages.js';
import type { Db } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import type { Clock } from '../clock.js';
import type { LedgerActor, TaskRecord } from '../ledger/actions.js';

type PilotRow = NonNullable<Awaited<ReturnType<Db['pilot']['findUnique']>>>;
export type PilotOutcome = { ok: true; pilot: PilotRow; changed: boolean } | { ok: false; reason: string };

const officeOnly = (actor: LedgerActor) => actor.roles.includes('ADMIN');

export async function createPilot(db: Db, clock: Clock, actor: LedgerActor, task: TaskRecord, level: PilotLevel, approvingBody: string | null): Promise<PilotOutcome> {
  if (!officeOnly(actor)) return { ok: false, reason: '只有改革办可以登记试点。' };
  return db.$transaction(async (tx) => {
    const existing = await tx.pilot.findUnique({ where: { tenantId_taskId: { tenantId: task.tenantId, taskId: task.id } } });
    if (existing) return { ok: true as const, pilot: existing, changed: false };
    const current = await tx.task.findUnique({ where: { id: task.id }, select: { status: true } });
    if (current?.status === '已撤销') return { ok: false as const, reason: `${task.code} 已撤销，不能登记为试点。` };
    const now = clock.now();
    const pilot = await tx.pilot.create({ data: { tenantId: task.tenantId, taskId: task.id, level, approvingBody, stageChangedAt: now } });
    await recordAudit(tx, [{ tenantId: task.tenantId, actor: actor.name, entity: 'pilot', entityId: pilot.id, action: 'create', after: pilot, at: now }]);
    return { ok: true as const, pilot, changed: true };
  });
}

export async function changePilotStage(db: Db, clock: Clock, actor: LedgerActor, task: TaskRecord, to: string, reason: string | null): Promise<PilotOutcome> {
  if (!officeOnly(actor)) return { ok: false, reason: '只有改革办可以变更试点阶段。' };
  return db.$transaction(async (tx) => {
    const before = await tx.pilot.findUnique({ where: { tenantId_taskId: { tenantId: task.tenantId, taskId: task.id } } });
    if (!before) return { ok: false as const, reason: `${task.code} 还不是试点。登记试点：试点 ${task.code} 省级 省民政厅` };
    const check = checkStageChange(before.stage, to, reason);
    if (!check.ok) return { ok: false as const, reason: check.reason };
    const now = clock.now();
    // Conditional on the stage read: a concurrent change makes this one refuse rather than skip a step.
    const res = await tx.pilot.updateMany({ where: { id: before.id, stage: before.stage }, data: { stage: to, stageChangedAt: now, ...(to === '已获批' ? { approvedOn: now.toISOString().slice(0, 10) } : {}) } });
    if (res.count === 0) return { ok: false as const, reason: '试点阶段刚被他人修改，请重新查看后再试。' };
    const pilot = (await tx.pilot.findUnique({ where: { id: before.id } }))!;
    await recordAudit(tx, [{ tenantId: task.tenantId, actor: actor.name, entity: 'pilot', entityId: pilot.id, action: 'update', before: { stage: before.stage }, after: { stage: to, reason }, at: now }]);
    return { ok: true as const, pilot, changed: true };
  });
}

export async function listPilots(db: Db, tenantId: number) {
  const pilots = await db.pilot.findMany({ where: { tenantId }, orderBy: { id: 'asc' } });
  const tasks = await db.task.findMany({ where: { id: { in: pilots.map((p) => p.taskId) } }, select: { id: true, code: true, title: true, leadUnit: { select: { name: true } } } });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return pilots.map((p) => ({ ...p, code: byId.get(p.taskId)?.code ?? '—', title: byId.get(p.taskId)?.title ?? '—', unitName: byId.get(p.taskId)?.leadUnit.name ?? '—' }));
}
