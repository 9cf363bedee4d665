// Messages the bot queued or sent because of something that was later withdrawn (a recalled chat
// message): a message not yet sent is cancelled (it never goes out); one already sent is located
// (its Feishu message id) so the caller can update the card in place; one being sent right now is
// reported as in flight (ask again shortly, after its outcome is written).
import type { DbOrTx } from '../db/client.js';

export type QueuedState = 'cancelled' | 'sent' | 'in_flight' | 'gone';

export interface QueuedMessage {
  id: number;
  dedupeKey: string;
  msgType: string;
  /** For 'sent': the Feishu message id (om_…) to patch. */
  feishuMessageId: string | null;
  /** The card or text as queued (JSON). */
  content: string;
  state: QueuedState;
}

/**
 * Cancels the pending messages whose dedupe key is one of `keys.exact` or starts with one of
 * `keys.prefixes` (end a prefix with a separator, "review:42:", so it cannot match "review:420:…"),
 * and describes the rest. 'cancelled' rows are never claimed by a sender (claims take pending and
 * sending rows only); 'gone' = failed or cancelled before.
 */
export async function cancelOrLocate(db: DbOrTx, tenantId: number, keys: { exact?: readonly string[]; prefixes?: readonly string[] }): Promise<QueuedMessage[]> {
  const or = [...(keys.exact ?? []).map((k) => ({ dedupeKey: k })), ...(keys.prefixes ?? []).map((p) => ({ dedupeKey: { startsWith: p } }))];
  if (or.length === 0) return [];
  const rows = await db.outboxMessage.findMany({
    where: { tenantId, OR: or },
    select: { id: true, dedupeKey: true, msgType: true, feishuMessageId: true, content: true, status: true, lockedBy: true },
    orderBy: { id: 'asc' },
  });
  // LIKE treats "_" as a wildcard (and SQLite ignores case): the database narrows, this decides.
  const wanted = (key: string) => (keys.exact ?? []).includes(key) || (keys.prefixes ?? []).some((p) => key.startsWith(p));
  const out: QueuedMessage[] = [];
  for (const r of rows.filter((row) => wanted(row.dedupeKey))) {
    let state: QueuedState;
    if (r.status === 'sent') state = 'sent';
    else if (r.status === 'pending') {
      const { count } = await db.outboxMessage.updateMany({ where: { id: r.id, status: 'pending', lockedBy: null }, data: { status: 'cancelled', error: '原消息已撤回，不再发送' } });
      state = count === 1 ? 'cancelled' : 'in_flight';
    } else if (r.status === 'sending') state = 'in_flight';
    else state = 'gone';
    out.push({ id: r.id, dedupeKey: r.dedupeKey, msgType: r.msgType, feishuMessageId: r.feishuMessageId, content: r.content, state });
  }
  return out;
}
