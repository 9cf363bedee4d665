// Storage of 复制推广 reports: a promoting unit reports the month's progress, problems and 适应性调整
// by card — only a unit in the plan, once per click, audited; a later report in the month is the
// month's latest (the 简报 reads the latest).
import { z } from 'zod';
import { monthContaining } from '../core/periods.js';
import type { IsoDate } from '../core/types.js';
import type { Db } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import type { Clock } from '../clock.js';
import type { LedgerActor } from '../ledger/actions.js';
import { renderCard, type Card } from '../cards/render.js';
import { actorUnitIds } from '../core/permissions.js';

export const promotionFormSchema = z.object({
  progress: z.string({ error: '请填写推广进展' }).trim().min(2, { error: '请填写推广进展' }).max(1000),
  problems: z.string().trim().max(1000).optional().default(''),
  adaptations: z.string().trim().max(1000).optional().default(''),
});

export async function plansOfUnit(db: Db, tenantId: number, unitId: number) {
  return db.promotionPlan.findMany({ where: { tenantId, units: { some: { unitId } } }, include: { units: { where: { unitId } } }, orderBy: { id: 'asc' } });
}

export async function submitPromotionReport(db: Db, clock: Clock, actor: LedgerActor, planId: number, today: IsoDate, form: z.infer<typeof promotionFormSchema>, sourceRef: string) {
  const unitIds = actorUnitIds(actor);
  if (unitIds.length === 0) return { ok: false as const, reason: '您没有所属单位，无法报送推广进展。' };
  // 兼职: the first of the person's units (primary first) that the plan promotes in.
  const members = await db.promotionUnit.findMany({ where: { planId, unitId: { in: unitIds }, plan: { tenantId: actor.tenantId } } });
  const member = unitIds.map((id) => members.find((m) => m.unitId === id)).find(Boolean);
  if (!member) return { ok: false as const, reason: `${actor.unitName ?? '本单位'}不在该推广方案的推广单位中。` };
  const period = monthContaining(today).key;
  return db.$transaction(async (tx) => {
    const existing = await tx.promotionReport.findUnique({ where: { tenantId_sourceRef: { tenantId: actor.tenantId, sourceRef } } });
    if (existing) return { ok: true as const, row: existing, created: false };
    const now = clock.now();
    const row = await tx.promotionReport.create({ data: { tenantId: actor.tenantId, planId, unitId: member.unitId, period, ...form, reporterId: actor.personId, sourceRef, createdAt: now } });
    await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actor.name, entity: 'promotion', entityId: row.id, action: 'create', after: row, at: now }]);
    return { ok: true as const, row, created: true };
  });
}

export function promotionFormCard(plan: { id: number; title: string; corePractice: string; bottomLines: string }, unit: string, batch: string, month: string): Card {
  return renderCard('promotion-form', { plan: plan.title, corePractice: plan.corePractice, bottomLines: plan.bottomLines, unit, batch, month, planId: plan.id });
}
