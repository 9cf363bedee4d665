// 兼职 rows of the 人员 sheet written as PersonUnit: the person's further unit with that row's roles.
// A re-imported 人员 sheet without the row, or 状态 离岗 on it, makes it inactive (kept, audited),
// as for people removed from the sheet; listed again, it is active again.
import type { Tx } from '../../db/client.js';
import type { AuditEntry } from '../../db/repos/audit.js';
import type { ImportCounts } from './apply.js';
import type { PersonDraft } from './validate.js';

export interface PartTimeContext {
  personByKey: Map<string, { id: number; name: string }>;
  unitId: (name: string) => number;
  unitNameById: Map<number, string>;
  log: (entity: AuditEntry['entity'], entityId: number | string, action: AuditEntry['action'], before?: unknown, after?: unknown) => void;
  counts: ImportCounts;
}

export async function writePartTime(tx: Tx, tenantId: number, rows: readonly PersonDraft[], sheetPresent: boolean, ctx: PartTimeContext): Promise<void> {
  const existing = await tx.personUnit.findMany({ where: { tenantId }, include: { person: { select: { name: true } } } });
  const byPair = new Map(existing.map((pu) => [`${pu.personId}:${pu.unitId}`, pu]));
  const view = (name: string, unitId: number, roles: string, active: boolean) => ({ name, unit: ctx.unitNameById.get(unitId) ?? null, roles, active });
  const wanted = new Set<string>();
  for (const d of rows) {
    const person = ctx.personByKey.get(d.partTimeOf!);
    if (!person || !d.unitName) continue;
    const unitId = ctx.unitId(d.unitName);
    const pair = `${person.id}:${unitId}`;
    wanted.add(pair);
    const want = { roles: [...d.roles].sort().join(','), active: d.active ?? true };
    const have = byPair.get(pair);
    if (!have) {
      const created = await tx.personUnit.create({ data: { tenantId, personId: person.id, unitId, ...want } });
      ctx.log('personUnit', created.id, 'create', undefined, view(person.name, unitId, want.roles, want.active));
      ctx.counts.created++;
    } else if (have.roles !== want.roles || have.active !== want.active) {
      await tx.personUnit.update({ where: { id: have.id }, data: want });
      ctx.log('personUnit', have.id, 'update', view(person.name, unitId, have.roles, have.active), view(person.name, unitId, want.roles, want.active));
      ctx.counts.updated++;
    } else ctx.counts.unchanged++;
  }
  if (!sheetPresent) return;
  for (const pu of existing) {
    if (!pu.active || wanted.has(`${pu.personId}:${pu.unitId}`)) continue;
    await tx.personUnit.update({ where: { id: pu.id }, data: { active: false } });
    ctx.log('personUnit', pu.id, 'update', view(pu.person.name, pu.unitId, pu.roles, true), view(pu.person.name, pu.unitId, pu.roles, false));
    ctx.counts.updated++;
  }
}
