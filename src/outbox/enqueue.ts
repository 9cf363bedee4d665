// Writing to the durable outbox. Everything the bot says is first written to the OutboxMessage
// table with a unique dedupeKey (job, subject, recipient, period…) — a second enqueue is a no-op —
// usually in the same transaction as the change that caused it; the Feishu sender drains the table.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import type { DbOrTx } from '../db/client.js';
import type { EnqueueInput, EnqueueResult } from './message.js';

/**
 * In-process signal: enqueueMessage() emits 'enqueued' (with the row's notBefore, if any) so
 * running senders wake at once instead of waiting for their poll interval (other instances still
 * find the row by polling). Inside a transaction the row is visible only after the commit: the
 * committer wakes the sender then (src/feishu/runtime.ts, src/jobs/run.ts).
 */
export const outboxSignal = new EventEmitter();
outboxSignal.setMaxListeners(50);

/** A row was enqueued inside a transaction since the last takeCommitWake() (see below). */
let enqueuedInTransaction = false;

/**
 * True (once) when a row was enqueued inside a transaction since the last call: its committer must
 * wake the sender. The inbox asks after each event, so an event whose reply was enqueued outside a
 * transaction (already claimed at the signal) costs no second, empty claim.
 */
export function takeCommitWake(): boolean {
  const owed = enqueuedInTransaction;
  enqueuedInTransaction = false;
  return owed;
}

/** Feishu's idempotency key for a row: a deterministic ≤ 50-char hash of the dedupeKey. */
export function outboxUuid(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey, 'utf8').digest('hex').slice(0, 40);
}

/**
 * Adds a message to the outbox. A dedupeKey that already exists makes this a no-op
 * (INSERT … ON CONFLICT DO NOTHING: never throws on a duplicate, safe inside a transaction).
 * Throws Error for an impossible input (send without receiveIdType, patch of a non-card, empty key).
 */
export async function enqueueMessage(db: DbOrTx, input: EnqueueInput, clock: Clock = systemClock): Promise<EnqueueResult> {
  if (input.kind === 'send' && !input.receiveIdType) throw new Error('kind=send 需要 receiveIdType');
  if ((input.kind === 'patch' || input.kind === 'card_update') && input.message.msgType !== 'interactive') {
    throw new Error(`kind=${input.kind} 只能更新卡片（interactive）`);
  }
  if (!input.dedupeKey) throw new Error('dedupeKey 不能为空');
  const uuid = outboxUuid(input.dedupeKey);
  const now = clock.now();
  const rows = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO "OutboxMessage" ("tenantId", "dedupeKey", "uuid", "kind", "receiveIdType", "receiveId", "msgType", "content",
                                 "status", "attempts", "nextAttemptAt", "createdAt")
    VALUES (${input.tenantId}, ${input.dedupeKey}, ${uuid}, ${input.kind}, ${input.receiveIdType ?? null}, ${input.receiveId},
            ${input.message.msgType}, ${JSON.stringify(input.message.content)}, 'pending', 0, ${input.notBefore ?? now}, ${now})
    ON CONFLICT DO NOTHING
    RETURNING "id"`;
  const id = rows[0]?.id;
  if (id === undefined) return { created: false, uuid };
  // A transaction's client has no $transaction: its row is visible only after the commit.
  if (!('$transaction' in db)) enqueuedInTransaction = true;
  outboxSignal.emit('enqueued', input.notBefore);
  return { created: true, uuid, id: Number(id) };
}

/**
 * How long after the callback was answered a delayed card update may go. Feishu: 「延时更新卡片必须在
 * 响应回调之后进行，并行执行或提前执行会出现更新失败或更新后立即复原的情况」
 * (https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card).
 * The answer has left when the update is queued; a second keeps it off the answer's heels.
 */
export const CARD_UPDATE_AFTER_ANSWER_MS = 1_000;

/**
 * A clicked card whose handler finished after the callback was answered: queue its new content as
 * a delayed card update with the callback token (valid 30 min, two uses), not before
 * CARD_UPDATE_AFTER_ANSWER_MS from now. Unknown tenant: logged, nothing queued.
 */
export async function enqueueLateCardUpdate(
  db: DbOrTx,
  clicked: { tenantKey: string; token: string },
  card: Record<string, unknown>,
  logger?: Logger,
  clock: Clock = systemClock,
): Promise<void> {
  if (!clicked.token) return;
  const tenant = await db.tenant.findUnique({ where: { key: clicked.tenantKey }, select: { id: true } });
  if (!tenant) {
    logger?.warn({ tenantKey: clicked.tenantKey }, '未知租户，无法补发卡片更新');
    return;
  }
  await enqueueMessage(
    db,
    {
      tenantId: tenant.id,
      dedupeKey: `card-late:${clicked.token}`,
      kind: 'card_update',
      receiveId: clicked.token,
      message: { msgType: 'interactive', content: card },
      notBefore: new Date(clock.now().getTime() + CARD_UPDATE_AFTER_ANSWER_MS),
    },
    clock,
  );
}
