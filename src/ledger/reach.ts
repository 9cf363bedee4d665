// Reaching people on a real tenant: open_ids come from the 手机/邮箱 columns through Feishu's
// directory (batch_get_id), a 飞书ID typed in the sheet wins, and the office hears — in ONE card,
// per unit, once per change of the list — who still cannot be reached and what to fix.
import { createHash } from 'node:crypto';
import type { DbOrTx } from '../db/client.js';
import type { ContactLookup } from '../feishu/contact.js';
import { recordAudit } from '../db/repos/audit.js';
import { normalizeMobile, pickOpenId, UNREACHABLE_TEXT, type UnreachableReason } from '../core/reach.js';
import { joinMd, md } from '../cards/markup.js';
import { officeRecipients } from './recipients.js';
import { mergeAsFurtherUnit } from './person-units.js';
import { enqueueMessage } from '../outbox/index.js';
import { noticeCard } from '../chat/cards.js';

export interface UnreachablePerson {
  personId: number;
  name: string;
  unit: string | null;
  /** 兼职: the person's further units (they are missed there too). */
  otherUnits?: string[];
  reason: UnreachableReason;
  /** id_taken: who holds the account. */
  holder?: string;
}

export interface ReachReport {
  /** People who got an open_id in this run. */
  resolved: { personId: number; name: string; unitId: number | null }[];
  unreachable: UnreachablePerson[];
  /** 兼职 found by the directory: a person of the same name in another unit with the same account, now one person. */
  partTime?: { name: string; unit: string | null; of: string | null }[];
  /** The lookup failed as a whole (e.g. the scope is missing): the Chinese reason. */
  error?: string;
  /** user_ids were not looked up (the app may not read them): why — a note, not an error. */
  userIdsSkipped?: string;
}

/**
 * Looks up every active person without an open_id by mobile and email and binds the open_id found
 * (audited). People with no way to find them, or whom Feishu does not know, are listed with why.
 */
export async function resolvePeople(db: DbOrTx, tenantId: number, lookup: ContactLookup, actor = 'feishu-directory'): Promise<ReachReport> {
  const people = await db.person.findMany({
    where: { tenantId, active: true, openId: null },
    include: { unit: { select: { name: true } }, otherUnits: { where: { active: true }, include: { unit: { select: { name: true } } }, orderBy: { id: 'asc' } } },
    orderBy: { id: 'asc' },
  });
  const report: ReachReport = { resolved: [], unreachable: [] };
  const entry = (p: (typeof people)[number], reason: UnreachableReason, holder?: string): UnreachablePerson => ({
    personId: p.id, name: p.name, unit: p.unit?.name ?? null, reason, ...(holder ? { holder } : {}),
    ...(p.otherUnits.length ? { otherUnits: p.otherUnits.map((o) => o.unit.name) } : {}),
  });
  if (people.length === 0) {
    await resolveUserIds(db, tenantId, lookup, report);
    return report;
  }
  const mobiles = people.flatMap((p) => (p.mobile ? [normalizeMobile(p.mobile)] : []));
  const emails = people.flatMap((p) => (p.email ? [p.email.trim().toLowerCase()] : []));
  let found: Awaited<ReturnType<ContactLookup['byMobileAndEmail']>>;
  try {
    found = mobiles.length || emails.length ? await lookup.byMobileAndEmail(mobiles, emails) : { mobiles: new Map(), emails: new Map() };
  } catch (err) {
    report.error = (err as Error).message;
    report.unreachable = people.map((p) => entry(p, p.mobile || p.email ? 'lookup_failed' : 'no_contact'));
    return report;
  }
  for (const p of people) {
    const pick = pickOpenId(p, found.mobiles, found.emails);
    if ('reason' in pick) {
      report.unreachable.push(entry(p, pick.reason));
      continue;
    }
    const holder = await db.person.findFirst({ where: { tenantId, openId: pick.openId }, include: { unit: { select: { name: true } } } });
    // 兼职: the same name, active, in another unit — one person with a further unit, not two.
    if (holder && holder.active && holder.name === p.name && p.unitId !== null && p.unitId !== holder.unitId) {
      await mergeAsFurtherUnit(db, tenantId, holder, { ...p, unitId: p.unitId }, actor);
      (report.partTime ??= []).push({ name: p.name, unit: p.unit?.name ?? null, of: holder.unit?.name ?? null });
      report.resolved.push({ personId: holder.id, name: holder.name, unitId: p.unitId });
      continue;
    }
    if (holder) {
      report.unreachable.push(entry(p, 'id_taken', `${holder.unit?.name ?? ''}${holder.name}`));
      continue;
    }
    await db.person.update({ where: { id: p.id }, data: { openId: pick.openId } });
    await recordAudit(db, [{ tenantId, actor, entity: 'person', entityId: p.id, action: 'update', before: { openId: null }, after: { openId: pick.openId, source: '按手机号/邮箱在飞书通讯录中找到' } }]);
    report.resolved.push({ personId: p.id, name: p.name, unitId: p.unitId });
  }
  await resolveUserIds(db, tenantId, lookup, report);
  return report;
}

/**
 * The user_ids of everyone reachable without one — found in this run, found earlier, or given by a
 * typed 飞书ID — where the app may read them (a second batch_get_id with user_id_type=user_id): a
 * scope granted later fills them in on the next run. A refusal (missing field scope) or a failed
 * lookup is noted in the report, never an error: user_ids are not needed to send.
 */
async function resolveUserIds(db: DbOrTx, tenantId: number, lookup: ContactLookup, report: ReachReport): Promise<void> {
  const people = await db.person.findMany({
    where: { tenantId, active: true, openId: { not: null }, userId: null, OR: [{ mobile: { not: null } }, { email: { not: null } }] },
    orderBy: { id: 'asc' },
  });
  if (people.length === 0) return;
  let ids: Awaited<ReturnType<ContactLookup['userIds']>>;
  try {
    ids = await lookup.userIds(people.flatMap((p) => (p.mobile ? [p.mobile] : [])), people.flatMap((p) => (p.email ? [p.email] : [])));
  } catch (err) {
    report.userIdsSkipped = `查询失败：${(err as Error).message}`;
    return;
  }
  if (ids.skipped) report.userIdsSkipped = ids.skipped;
  for (const p of people) {
    const userId = (p.mobile ? ids.mobiles.get(normalizeMobile(p.mobile)) : undefined) ?? (p.email ? ids.emails.get(p.email.trim().toLowerCase()) : undefined);
    if (!userId) continue;
    // user_id is unique in the tenant: never two people with one (a shared mobile is already id_taken above).
    if (await db.person.findFirst({ where: { tenantId, userId, id: { not: p.id } }, select: { id: true } })) continue;
    await db.person.update({ where: { id: p.id }, data: { userId } });
  }
}

/** The CLI's lines: how many resolved, then each unresolved person (name, unit, why). */
export function reachReportLines(report: ReachReport): string[] {
  const lines = [`飞书账号：按手机号/邮箱找到 ${report.resolved.length} 人${report.unreachable.length ? `，仍有 ${report.unreachable.length} 人无法联系：` : ''}`];
  if (report.error) lines.push(`  查找失败：${report.error}`);
  if (report.userIdsSkipped) lines.push(`  （未记录 user_id：${report.userIdsSkipped}）`);
  for (const p of report.partTime ?? []) lines.push(`  ${p.name} 兼任 ${p.unit ?? ''}（与${p.of ?? ''}的${p.name}是同一飞书账号，已合并为一人）`);
  for (const u of report.unreachable) lines.push(`  ${u.name}（${[u.unit ?? '未填单位', ...(u.otherUnits ?? []).map((o) => `兼任${o}`)].join('、')}）：${UNREACHABLE_TEXT[u.reason].why}${u.holder ? `（${u.holder}）` : ''}`);
  return lines;
}

/**
 * ONE card to the office listing the people the bot cannot reach, per unit, with what to fix. Sent
 * once per distinct list (the dedupe key is a hash of it): a daily run with the same list is silent.
 * Returns how many messages were queued.
 */
export async function notifyUnreachable(db: DbOrTx, tenantId: number, report: ReachReport): Promise<number> {
  if (report.unreachable.length === 0) return 0;
  const byUnit = new Map<string, UnreachablePerson[]>();
  // A 兼职 person is listed under each of their units: each unit misses them.
  for (const u of report.unreachable) for (const unit of [u.unit ?? '未填单位', ...(u.otherUnits ?? [])]) byUnit.set(unit, [...(byUnit.get(unit) ?? []), u]);
  const fingerprint = createHash('sha256').update(JSON.stringify(report.unreachable.map((u) => [u.personId, u.reason]))).digest('hex').slice(0, 16);
  const sections = [...byUnit].map(([unit, list]) =>
    joinMd([md`**${unit}**`, ...list.map((u) => md`· ${u.name}：${UNREACHABLE_TEXT[u.reason].why}${u.holder ? md`（${u.holder}）` : ''}。${UNREACHABLE_TEXT[u.reason].fix}`)]),
  );
  const body = joinMd([md`以下 ${report.unreachable.length} 人暂时收不到台账机器人的消息（交办、提醒、督办）：`, ...sections, md`改好「人员」表后重新导入即可；机器人每天也会按手机号和邮箱再查一次。`], '\n\n');
  const content = { msgType: 'interactive' as const, content: noticeCard(`有 ${report.unreachable.length} 人无法联系`, body, 'orange') };
  let queued = 0;
  for (const r of await officeRecipients(db, tenantId)) {
    const res = await enqueueMessage(db, { tenantId, dedupeKey: `unreachable:${fingerprint}:${r.receiveId}`, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId, message: content });
    if (res.created) queued++;
  }
  return queued;
}
