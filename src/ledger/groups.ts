// Feishu groups the bot is in and the unit each one is bound to (Unit.chatId). Recorded when the
// bot is added, marked gone when it is removed (event or 230002 on send); bound in the group by
// 「绑定 单位」, or automatically when the group's name is the unit's 工作群 in the sheet.
import type { DbOrTx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';

export interface GroupRow {
  chatId: string;
  name: string;
  present: boolean;
  units: string[];
  /** The chat API refused the name: why (Chinese). */
  nameRefused?: string;
}

/** The bot joined a group: remembered (again) with its name. Returns the unit the name binds automatically, if any. */
export async function recordBotAdded(
  db: DbOrTx,
  tenantId: number,
  e: { chatId: string; name: string; addedBy?: string; at: Date },
): Promise<{ autoBound?: string }> {
  await db.feishuChat.upsert({
    where: { tenantId_chatId: { tenantId, chatId: e.chatId } },
    create: { tenantId, chatId: e.chatId, name: e.name, addedBy: e.addedBy ?? null, addedAt: e.at },
    update: { name: e.name, addedBy: e.addedBy ?? null, addedAt: e.at, removedAt: null },
  });
  if (!e.name) return {};
  const named = await db.unit.findMany({ where: { tenantId, active: true, chatName: e.name } });
  // Only an unambiguous match, and never over a group the office already bound.
  if (named.length !== 1 || named[0]!.chatId) return {};
  await bindUnit(db, tenantId, named[0]!.id, e.chatId, 'feishu:auto-bind');
  return { autoBound: named[0]!.name };
}

/** Sets a unit's group (audited). */
export async function bindUnit(db: DbOrTx, tenantId: number, unitId: number, chatId: string | null, actor: string): Promise<void> {
  const unit = await db.unit.findFirstOrThrow({ where: { id: unitId, tenantId } });
  if (unit.chatId === chatId) return;
  await db.unit.update({ where: { id: unitId }, data: { chatId } });
  await recordAudit(db, [{ tenantId, actor, entity: 'unit', entityId: unitId, action: 'update', before: { chatId: unit.chatId }, after: { chatId } }]);
}

/** Every unit bound to this group loses it (audited). Returns their names. */
export async function unbindChat(db: DbOrTx, tenantId: number, chatId: string, actor: string): Promise<string[]> {
  const units = await db.unit.findMany({ where: { tenantId, chatId }, orderBy: { id: 'asc' } });
  for (const u of units) await bindUnit(db, tenantId, u.id, null, actor);
  return units.map((u) => u.name);
}

/**
 * The bot is no longer in a group: unbound, marked gone. `firstTime` is false when it was already
 * marked (a second event, or 230002 after the event) — the office is told only the first time.
 */
export async function recordBotRemoved(db: DbOrTx, tenantId: number, chatId: string, at: Date, actor: string): Promise<{ firstTime: boolean; units: string[]; name: string }> {
  const existing = await db.feishuChat.findUnique({ where: { tenantId_chatId: { tenantId, chatId } } });
  const units = await unbindChat(db, tenantId, chatId, actor);
  if (existing?.removedAt) return { firstTime: units.length > 0, units, name: existing.name };
  const marked = await db.feishuChat.updateMany({ where: { tenantId, chatId, removedAt: null }, data: { removedAt: at } });
  if (!existing) await db.feishuChat.create({ data: { tenantId, chatId, name: '', addedAt: at, removedAt: at } });
  return { firstTime: marked.count === 1 || !existing || units.length > 0, units, name: existing?.name ?? '' };
}

/** The groups the bot knows (present first) and the units bound to each; then bound chats it has no record of. */
export async function listGroups(db: DbOrTx, tenantId: number): Promise<GroupRow[]> {
  const [chats, units] = await Promise.all([
    db.feishuChat.findMany({ where: { tenantId }, orderBy: [{ removedAt: 'asc' }, { addedAt: 'asc' }] }),
    db.unit.findMany({ where: { tenantId, chatId: { not: null } }, orderBy: { id: 'asc' }, select: { name: true, chatId: true } }),
  ]);
  const unitsOf = (chatId: string) => units.filter((u) => u.chatId === chatId).map((u) => u.name);
  const rows: GroupRow[] = chats.map((c) => ({ chatId: c.chatId, name: c.name, present: !c.removedAt, units: unitsOf(c.chatId) }));
  const known = new Set(chats.map((c) => c.chatId));
  for (const u of units) {
    if (known.has(u.chatId!)) continue;
    known.add(u.chatId!);
    rows.push({ chatId: u.chatId!, name: '', present: true, units: unitsOf(u.chatId!) });
  }
  return rows;
}

/**
 * Names Feishu never sent (a group bound by its id in the sheet, no bot-added event): asked of the
 * chat API (`ask`, feishu/contact.ts chatName) and remembered; a refusal is shown with its reason.
 * Groups the bot left are not asked (the API would refuse with 232011).
 */
export async function fillGroupNames(
  db: DbOrTx,
  tenantId: number,
  rows: GroupRow[],
  ask: (chatId: string) => Promise<{ name: string } | { refused: string }>,
  at: Date,
): Promise<GroupRow[]> {
  for (const r of rows) {
    if (r.name || !r.present) continue;
    const answer = await ask(r.chatId);
    if ('refused' in answer) {
      r.nameRefused = answer.refused;
      continue;
    }
    r.name = answer.name;
    await db.feishuChat.upsert({
      where: { tenantId_chatId: { tenantId, chatId: r.chatId } },
      create: { tenantId, chatId: r.chatId, name: answer.name, addedAt: at },
      update: { name: answer.name },
    });
  }
  return rows;
}

/** One line per group, in Chinese (the CLI and the office's 「群列表」). */
export function groupLines(rows: GroupRow[]): string[] {
  if (rows.length === 0) return ['机器人还不在任何群中。把机器人加入各单位工作群后，在群里 @机器人 发送「绑定 单位名称」。'];
  return rows.map((r) => `${r.name || (r.nameRefused ? `（群名未获取：${r.nameRefused}）` : '（未知群名）')}（${r.chatId}）${r.present ? '' : '〔机器人已不在群中〕'}：${r.units.length ? `已绑定 ${r.units.join('、')}` : '未绑定单位'}`);
}
