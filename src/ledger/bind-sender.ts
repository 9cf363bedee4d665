// An unregistered sender (an open_id no person has) found in the ledger by the mobile or email
// Feishu's directory gives for them (contact/v3/users/:user_id): bound to the ONE active person
// with that mobile/email and no 飞书账号 yet, audited. Anything less certain binds nobody — the
// office then hears of the sender as before (chat/router.ts).
import type { DbOrTx } from '../db/client.js';
import type { ContactLookup } from '../feishu/contact.js';
import { recordAudit } from '../db/repos/audit.js';
import { normalizeMobile } from '../core/reach.js';

export type SenderBinding =
  | { bound: true; personId: number; name: string; unitId: number | null; by: 'mobile' | 'email' }
  | { bound: false; why: 'lookup_failed' | 'no_contact' | 'no_match' | 'ambiguous' | 'resigned' | 'id_taken'; detail?: string };

/** Looks the sender up and binds them; never throws for Feishu's refusals (they are the `why`). */
export async function bindUnregisteredSender(db: DbOrTx, tenantId: number, openId: string, lookup: ContactLookup): Promise<SenderBinding> {
  let contact;
  try {
    contact = await lookup.userContact(openId);
  } catch (err) {
    return { bound: false, why: 'lookup_failed', detail: (err as Error).message };
  }
  if (contact.resigned) return { bound: false, why: 'resigned' };
  if (!contact.mobile && !contact.email) return { bound: false, why: 'no_contact' };
  // Someone (an inactive person, say) already holds this account: never two people on one open_id.
  if (await db.person.findFirst({ where: { tenantId, openId }, select: { id: true } })) return { bound: false, why: 'id_taken' };
  const candidates = await db.person.findMany({
    where: { tenantId, active: true, openId: null, OR: [{ mobile: { not: null } }, { email: { not: null } }] },
    select: { id: true, name: true, unitId: true, mobile: true, email: true },
    orderBy: { id: 'asc' },
  });
  const byMobile = contact.mobile ? candidates.filter((p) => p.mobile && normalizeMobile(p.mobile) === contact.mobile) : [];
  const byEmail = contact.email ? candidates.filter((p) => p.email && p.email.toLowerCase() === contact.email) : [];
  const matches = byMobile.length ? byMobile : byEmail;
  if (matches.length === 0) return { bound: false, why: 'no_match' };
  if (matches.length > 1) return { bound: false, why: 'ambiguous', detail: matches.map((p) => p.name).join('、') };
  const p = matches[0]!;
  // Only while still unbound (a concurrent message from the same sender binds once).
  const res = await db.person.updateMany({ where: { id: p.id, tenantId, openId: null }, data: { openId } }).catch(() => ({ count: 0 }));
  if (res.count !== 1) return { bound: false, why: 'id_taken' };
  const by = byMobile.length ? 'mobile' : 'email';
  await recordAudit(db, [{ tenantId, actor: 'feishu-directory', entity: 'person', entityId: p.id, action: 'update', before: { openId: null }, after: { openId, source: by === 'mobile' ? '本人发消息时按飞书通讯录中的手机号找到' : '本人发消息时按飞书通讯录中的邮箱找到' } }]);
  return { bound: true, personId: p.id, name: p.name, unitId: p.unitId, by };
}
