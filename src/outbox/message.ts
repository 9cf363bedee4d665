// What the bot says, as the durable outbox holds it: a Feishu message (msg_type + content) and
// where it goes. A domain concept: handlers and jobs enqueue these without knowing how Feishu
// delivery works (src/feishu/sender.ts drains the outbox).

/** A message to send: Feishu msg_type plus its content object (serialised when enqueued). */
export type OutgoingContent =
  | { msgType: 'text'; content: { text: string } }
  | { msgType: 'interactive'; content: Record<string, unknown> }
  | { msgType: 'image'; content: { image_key: string } }
  | { msgType: 'file'; content: { file_key: string } };

/**
 * send: a new message to a user or chat; reply: a reply to a received message; patch: replace a
 * card the bot sent (im.v1.message.patch); card_update: the delayed update of a clicked card with
 * its callback token (interactive/v1/card/update).
 */
export type OutboxKind = 'send' | 'reply' | 'patch' | 'card_update';
export type ReceiveIdType = 'open_id' | 'user_id' | 'union_id' | 'email' | 'chat_id';

export interface EnqueueInput {
  tenantId: number;
  /** Unique per intended delivery, e.g. `remind:deadline:task42:ou_x:2026-11-21`. */
  dedupeKey: string;
  kind: OutboxKind;
  /** Required for 'send'. */
  receiveIdType?: ReceiveIdType;
  /** send: the recipient; reply/patch: the message id; card_update: the callback token (c-…). */
  receiveId: string;
  message: OutgoingContent;
  /** Do not send before this instant (default: now). */
  notBefore?: Date;
}

export interface EnqueueResult {
  created: boolean;
  uuid: string;
  id?: number;
}
