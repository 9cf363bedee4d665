// How chat handlers say things: through the durable outbox (src/outbox), keyed so that a handler
// that runs twice for the same input (a re-delivered event, a retried click) says it once. A text
// message takes SafeText only (src/cards/markup.ts: txt`…` escapes what it interpolates).
import type { DbOrTx } from '../db/client.js';
import type { Card } from '../cards/render.js';
import type { SafeText } from '../cards/markup.js';
import type { Recipient } from '../ledger/recipients.js';
import { enqueueMessage, type OutgoingContent } from '../outbox/index.js';
import type { ChatMessage } from './types.js';

export const card = (content: Card): OutgoingContent => ({ msgType: 'interactive', content });
export const text = (t: SafeText): OutgoingContent => ({ msgType: 'text', content: { text: t.source } });

/**
 * The reply to a received message (one per message: key `reply:<message_id>`). The outbox runs on
 * real time (when to send); the app's clock is business time (what to say), so no clock is passed.
 */
export function replyTo(db: DbOrTx, tenantId: number, msg: Pick<ChatMessage, 'messageId'>, content: OutgoingContent) {
  return enqueueMessage(db, { tenantId, dedupeKey: `reply:${msg.messageId}`, kind: 'reply', receiveId: msg.messageId, message: content });
}

/** One message to each recipient, keyed `<keyPrefix>:<recipient>`. Returns how many were newly queued. */
export async function sendTo(db: DbOrTx, tenantId: number, recipients: Recipient[], keyPrefix: string, content: OutgoingContent): Promise<number> {
  let queued = 0;
  for (const r of recipients) {
    const res = await enqueueMessage(db, { tenantId, dedupeKey: `${keyPrefix}:${r.receiveId}`, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId, message: content });
    if (res.created) queued++;
  }
  return queued;
}

/** A message to one person in their private chat with the bot (by open_id). */
export function sendPrivately(db: DbOrTx, tenantId: number, openId: string, key: string, content: OutgoingContent) {
  return enqueueMessage(db, { tenantId, dedupeKey: key, kind: 'send', receiveIdType: 'open_id', receiveId: openId, message: content });
}

/** Replaces a card the bot sent (im.v1.message.patch) — every viewer sees the new card. */
export function patchCard(db: DbOrTx, tenantId: number, feishuMessageId: string, key: string, content: Card) {
  return enqueueMessage(db, { tenantId, dedupeKey: key, kind: 'patch', receiveId: feishuMessageId, message: { msgType: 'interactive', content } });
}
