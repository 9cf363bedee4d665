// 兼职 outside the import: a person's further unit written directly — when the directory says two
// people of the same name in two units are one Feishu account (reach.ts), the second becomes a
// further unit (PersonUnit, with its roles) of the first, and its own record stops (history kept).
import type { DbOrTx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';

interface PersonRow { id: number; name: string; unitId: number | null; roles: string; unit?: { name: string } | null }

/** Makes `extra` (same name, another unit) a further unit of `person`; audited. */
export async function mergeAsFurtherUnit(db: DbOrTx, tenantId: number, person: PersonRow, extra: PersonRow & { unitId: number }, actor: string): Promise<void> {
  const data = { roles: extra.roles, active: true };
  const pu = await db.personUnit.upsert({
    where: { personId_unitId: { personId: person.id, unitId: extra.unitId } },
    create: { tenantId, personId: person.id, unitId: extra.unitId, ...data },
    update: data,
  });
  await db.person.update({ where: { id: extra.id }, data: { active: false } });
  await recordAudit(db, [
    { tenantId, actor, entity: 'personUnit', entityId: pu.id, action: 'update', after: { name: person.name, unit: extra.unit?.name ?? null, roles: extra.roles, active: true, source: '手机号/邮箱对应的飞书账号与本人相同：兼职' } },
    { tenantId, actor, entity: 'person', entityId: extra.id, action: 'update', before: { active: true }, after: { active: false, mergedInto: person.id } },
  ]);
}
