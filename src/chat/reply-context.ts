// A reply to one of the bot's messages about ONE task — its 任务交办单, a 回执, a 催办 notice, a
// reminder for a single task — may leave out the code: 「进展 已召开推进会 60%」 or 「已完成」 quoted
// under that message means that task. Feishu gives the quoted message's id as parent_id
// (im.message.receive_v1, message.parent_id:
// https://open.feishu.cn/document/server-docs/im-v1/message/events/receive); the bot's own sends are
// found by it in the outbox (feishuMessageId). A message about several tasks names none: the
// person is asked for the code as usual.
import type { DbOrTx } from '../db/client.js';
import { findTaskByCode } from '../ledger/actions.js';

/** Code-shaped words in a sent message: letters, then digits and dashes (QY-2026-011, LY-012). */
const CODE_IN_TEXT = /[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+/g;

/** The code of the one task the bot's message `parentId` is about, or null (not ours, none, several). */
export async function taskCodeOfParent(db: DbOrTx, tenantId: number, parentId: string): Promise<string | null> {
  const sent = await db.outboxMessage.findFirst({ where: { tenantId, feishuMessageId: parentId }, select: { content: true } });
  if (!sent) return null;
  const words = [...new Set(sent.content.match(CODE_IN_TEXT) ?? [])].filter((w) => /\d/.test(w)).slice(0, 20);
  const codes = new Set<string>();
  for (const w of words) {
    const found = await findTaskByCode(db, tenantId, w);
    if (found.ok) codes.add(found.task.code);
    if (codes.size > 1) return null;
  }
  return codes.size === 1 ? [...codes][0]! : null;
}
