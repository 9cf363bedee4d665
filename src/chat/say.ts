// How chat handlers say things: through the durable outbox (src/outbox), keyed so that a handler
// that runs twice for the same input (a re-delivered event, a retried click) says it once.
import type { DbOrTx } from '../db/client.js';
import type { Card } from '../cards/render.js';
import type { Recipient } from '../ledger/recipients.js';
import { enqueueMessage, type OutgoingContent } from '../outbox/index.js';
import type { ChatMessage } from './types.js';

export const card = (content: Card): OutgoingContent => ({ msgType: 'interactive', content });
export const text = (t: string): OutgoingContent => ({ msgType: 'text', content: { text: t } });

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
