// Who sees the card that was clicked. A JSON 2.0 card is shared — `update_multi` can only be true,
// so replacing it (the callback's answer or a later update) replaces it for everyone who got it:
// https://open.feishu.cn/document/feishu-cards/card-json-v2-structure. A button that would turn a
// card into one person's view (the 进展填报 form, a receipt) replaces only a card in that person's
// private chat; anywhere else the answer is a toast and a new private message.
import type { Db } from '../../db/client.js';
import type { CardAction } from '../types.js';

/**
 * True only when the clicked card is known to sit in the clicker's private chat with the bot: sent
 * to their open_id, or a reply to a message of a p2p chat. Unknown (an old card, a purged inbox)
 * counts as shared: a private message never overwrites anyone's notice.
 */
export async function isPrivateCard(db: Db, action: Pick<CardAction, 'messageId' | 'operator'>): Promise<boolean> {
  const row = await db.outboxMessage.findFirst({
    where: { feishuMessageId: action.messageId, kind: { in: ['send', 'reply'] } },
    select: { kind: true, receiveIdType: true, receiveId: true },
  });
  if (!row) return false;
  if (row.kind === 'send') return row.receiveIdType === 'open_id' && row.receiveId === action.operator.openId;
  if (!row.receiveId) return false;
  const received = await db.inboxEvent.findUnique({ where: { messageId: row.receiveId }, select: { payload: true } });
  if (!received) return false;
  try {
    const event = (JSON.parse(received.payload) as { event?: { message?: { chat_type?: unknown }; sender?: { sender_id?: { open_id?: unknown } } } }).event;
    return event?.message?.chat_type === 'p2p' && event.sender?.sender_id?.open_id === action.operator.openId;
  } catch {
    return false;
  }
}
