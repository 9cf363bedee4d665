// Storage of a 复制推广 plan: the office creates it from a pilot that worked (总结评估 or 经验形成) —
// core practice, 底线要求, batches of units with dates — office only, once per title, audited; the
// promoting units are told inside the same transaction (through the outbox).
import type { PromotionPlanDraft } from '../core/pilot/promotion-plan.js';
import type { Db, Tx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import type { Clock } from '../clock.js';
import type { LedgerActor, TaskRecord } from '../ledger/actions.js';

/** Pilot stages a plan may start from: the practice has been tried and assessed. */
export const PROMOTABLE_STAGES = ['总结评估', '经验形成'] as const;

type PlanRow = NonNullable<Awaited<ReturnType<Db['promotionPlan']['findUnique']>>>;
export type PlanUnit = { unitId: number; unitName: string; batch: string; startOn: string };
export type PromotionPlanOutcome =
  | { ok: true; plan: PlanRow; units: PlanUnit[]; created: boolean }
  | { ok: false; reason: string };

/** Unit names → units: exact name, else the one unit whose name contains it. */
export function matchUnits(names: string[], units: { id: number; name: string }[]): { ok: true; ids: Map<string, { id: number; name: string }> } | { ok: false; reason: string } {
  const ids = new Map<string, { id: number; name: string }>();
  const unknown: string[] = [];
  for (const n of names) {
    const exact = units.find((u) => u.name === n);
    const partial = units.filter((u) => u.name.includes(n));
    const u = exact ?? (partial.length === 1 ? partial[0] : undefined);
    if (!u) {
      unknown.push(partial.length > 1 ? `${n}（可指 ${partial.slice(0, 3).map((p) => p.name).join('、')}）` : n);
      continue;
    }
    if ([...ids.values()].some((x) => x.id === u.id)) return { ok: false, reason: `「${u.name}」在推广单位中出现了两次` };
    ids.set(n, u);
  }
  return unknown.length ? { ok: false, reason: `没有找到这些单位：${unknown.join('、')}` } : { ok: true, ids };
}

export async function createPromotionPlan(
  db: Db, clock: Clock, actor: LedgerActor, task: TaskRecord, draft: PromotionPlanDraft,
  notify: (tx: Tx, plan: PlanRow, units: PlanUnit[]) => Promise<void>,
): Promise<PromotionPlanOutcome> {
  if (!actor.roles.includes('ADMIN')) return { ok: false, reason: '只有县委改革办可以制定推广方案。' };
  const pilot = await db.pilot.findUnique({ where: { tenantId_taskId: { tenantId: task.tenantId, taskId: task.id } } });
  if (!pilot) return { ok: false, reason: `${task.code} 还不是试点，不能据此制定推广方案。` };
  if (!(PROMOTABLE_STAGES as readonly string[]).includes(pilot.stage)) {
    return { ok: false, reason: `${task.code} 试点处于「${pilot.stage}」阶段，到「${PROMOTABLE_STAGES.join('」或「')}」阶段后才能制定推广方案。` };
  }
  const allUnits = await db.unit.findMany({ where: { tenantId: task.tenantId, active: true }, select: { id: true, name: true }, orderBy: { id: 'asc' } });
  const matched = matchUnits(draft.batches.flatMap((b) => b.unitNames), allUnits);
  if (!matched.ok) return matched;
  const units: PlanUnit[] = draft.batches.flatMap((b) => b.unitNames.map((n) => {
    const u = matched.ids.get(n)!;
    return { unitId: u.id, unitName: u.name, batch: b.batch, startOn: b.startOn };
  }));
  const title = (draft.title ?? `${task.title}经验复制推广`).slice(0, 100);
  return db.$transaction(async (tx) => {
    const existing = await tx.promotionPlan.findUnique({ where: { tenantId_title: { tenantId: task.tenantId, title } }, include: { units: { orderBy: { id: 'asc' } } } });
    if (existing) {
      const names = new Map(allUnits.map((u) => [u.id, u.name]));
      return { ok: true as const, plan: existing, units: existing.units.map((u) => ({ unitId: u.unitId, unitName: names.get(u.unitId) ?? '—', batch: u.batch, startOn: u.startOn })), created: false };
    }
    const now = clock.now();
    const plan = await tx.promotionPlan.create({ data: { tenantId: task.tenantId, pilotId: pilot.id, title, corePractice: draft.corePractice, bottomLines: draft.bottomLines, createdById: actor.personId, createdAt: now } });
    for (const u of units) await tx.promotionUnit.create({ data: { planId: plan.id, unitId: u.unitId, batch: u.batch, startOn: u.startOn } });
    await recordAudit(tx, [{ tenantId: task.tenantId, actor: actor.name, entity: 'promotion', entityId: `plan:${plan.id}`, action: 'create', after: { ...plan, units }, at: now }]);
    await notify(tx, plan, units);
    return { ok: true as const, plan, units, created: true };
  });
}
