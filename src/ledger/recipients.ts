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

/** People of a unit with any of the roles (e.g. LIAISON and UNIT_HEAD for an urge), who have a Feishu id. */
export async function unitPeople(db: DbOrTx, tenantId: number, unitId: number, roles: Role[]): Promise<Recipient[]> {
  const people = await db.person.findMany({ where: { tenantId, unitId, active: true, openId: { not: null } }, orderBy: { id: 'asc' } });
  return people
    .filter((p) => roles.some((r) => hasRole(p.roles, r)))
    .map((p) => ({ receiveIdType: 'open_id' as const, receiveId: p.openId!, label: p.name }));
}

export async function personRecipients(db: DbOrTx, tenantId: number, personIds: number[]): Promise<Recipient[]> {
  if (personIds.length === 0) return [];
  const people = await db.person.findMany({ where: { tenantId, id: { in: personIds }, active: true, openId: { not: null } }, orderBy: { id: 'asc' } });
  return people.map((p) => ({ receiveIdType: 'open_id' as const, receiveId: p.openId!, label: p.name }));
}
