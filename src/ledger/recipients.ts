// Who receives what. The office configures groups in the setting "recipients"; otherwise sensible
// fallbacks from the ledger (the office's unit group, then each ADMIN privately).
import { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import { getSetting } from '../db/repos/settings.js';
import { parseSettings } from '../core/validation.js';
import type { Role } from '../core/types.js';

export interface Recipient {
  receiveIdType: 'open_id' | 'chat_id';
  receiveId: string;
  /** For people: the person's name or the group's label, shown by --dry-run. */
  label: string;
}

export const recipientsSettingSchema = z.strictObject({
  /** 改革办 group: disputes, problems, review cards, permanent send failures. */
  officeChatId: z.string().regex(/^oc_/, { error: '群 ID 应以 oc_ 开头' }).optional(),
  /** 全体群: honour roll, half-year tally, year-end ledger. */
  allHandsChatId: z.string().regex(/^oc_/, { error: '群 ID 应以 oc_ 开头' }).optional(),
});
export type RecipientsSetting = z.infer<typeof recipientsSettingSchema>;

export async function recipientsSetting(db: DbOrTx, tenantId: number): Promise<RecipientsSetting> {
  return parseSettings(recipientsSettingSchema, (await getSetting(db, tenantId, 'recipients')) ?? {}, '接收群设置');
}

const hasRole = (roles: string, role: Role) => roles.split(',').includes(role);

/** The reform office: its configured group, else the group of the unit its staff belong to, else each ADMIN. */
export async function officeRecipients(db: DbOrTx, tenantId: number): Promise<Recipient[]> {
  const setting = await recipientsSetting(db, tenantId);
  if (setting.officeChatId) return [{ receiveIdType: 'chat_id', receiveId: setting.officeChatId, label: '改革办工作群' }];
  const admins = await db.person.findMany({ where: { tenantId, active: true, roles: { contains: 'ADMIN' } }, include: { unit: true } });
  const group = admins.find((a) => a.unit?.chatId)?.unit;
  if (group?.chatId) return [{ receiveIdType: 'chat_id', receiveId: group.chatId, label: `${group.name}工作群` }];
  return admins.filter((a) => a.openId && hasRole(a.roles, 'ADMIN')).map((a) => ({ receiveIdType: 'open_id' as const, receiveId: a.openId!, label: a.name }));
}

export async function allHandsRecipients(db: DbOrTx, tenantId: number): Promise<Recipient[]> {
  const setting = await recipientsSetting(db, tenantId);
  if (setting.allHandsChatId) return [{ receiveIdType: 'chat_id', receiveId: setting.allHandsChatId, label: '全体工作群' }];
  return officeRecipients(db, tenantId);
}

/**
 * Active people holding a role in a unit, with the roles they hold THERE: its own people (Person.unitId)
 * and those who hold it as a further unit (兼职, PersonUnit), each person once, by id.
 */
export async function unitHolders(db: DbOrTx, tenantId: number, unitIds: readonly number[], opts: { reachableOnly?: boolean } = {}) {
  const person = { tenantId, active: true, ...(opts.reachableOnly ? { openId: { not: null } } : {}) };
  const [own, partTime] = await Promise.all([
    db.person.findMany({ where: { ...person, unitId: { in: [...unitIds] } }, orderBy: { id: 'asc' } }),
    db.personUnit.findMany({ where: { tenantId, unitId: { in: [...unitIds] }, active: true, person }, include: { person: true }, orderBy: { personId: 'asc' } }),
  ]);
  const out = new Map<string, { person: (typeof own)[number]; unitId: number; roles: string }>();
  for (const p of own) out.set(`${p.unitId}:${p.id}`, { person: p, unitId: p.unitId!, roles: p.roles });
  for (const pu of partTime) if (!out.has(`${pu.unitId}:${pu.personId}`)) out.set(`${pu.unitId}:${pu.personId}`, { person: pu.person, unitId: pu.unitId, roles: pu.roles });
  return [...out.values()].sort((a, b) => a.person.id - b.person.id);
}

/**
 * People of a unit with any of the roles there (e.g. LIAISON and UNIT_HEAD for an urge), who have a
 * Feishu id — 兼职 included: a 联络员 of this unit whose primary unit is another is reached too.
 */
export async function unitPeople(db: DbOrTx, tenantId: number, unitId: number, roles: Role[]): Promise<Recipient[]> {
  const holders = await unitHolders(db, tenantId, [unitId], { reachableOnly: true });
  return holders
    .filter((h) => roles.some((r) => hasRole(h.roles, r)))
    .map((h) => ({ receiveIdType: 'open_id' as const, receiveId: h.person.openId!, label: h.person.name }));
}

export async function personRecipients(db: DbOrTx, tenantId: number, personIds: number[]): Promise<Recipient[]> {
  if (personIds.length === 0) return [];
  const people = await db.person.findMany({ where: { tenantId, id: { in: personIds }, active: true, openId: { not: null } }, orderBy: { id: 'asc' } });
  return people.map((p) => ({ receiveIdType: 'open_id' as const, receiveId: p.openId!, label: p.name }));
}
