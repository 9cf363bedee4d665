// The durable inbox. Every event Feishu delivers (by webhook or long connection) is written here
// first — deduplicated by event_id and, for messages, by message_id — and acknowledged; the
// InboxProcessor then hands it to the BotHandlers. Rows survive restarts, and claims
// (lockedBy/lockedUntil) keep several instances from processing the same row.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BotHandlers } from '../chat/types.js';
import { systemClock, type Clock } from '../clock.js';
import type { Database, DbOrTx } from '../db/client.js';
import {
  EVENT_BOT_ADDED,
  EVENT_MESSAGE_RECEIVE,
  FeishuPayloadError,
  normalizeBotAdded,
  normalizeMessage,
  parseEnvelope,
} from './normalize.js';

export type InboxStatus = 'pending' | 'done' | 'failed';

export interface StoreEventInput {
  tenantKey: string;
  eventId: string;
  /** im.message.receive_v1 only: Feishu says to dedupe received messages by message_id. */
  messageId?: string | undefined;
  eventType: string;
  /** The decrypted envelope (object or JSON text). */
  payload: unknown;
  /** Default 'pending'. Card callbacks are handled synchronously and stored as 'done'. */
  status?: InboxStatus;
  error?: string | undefined;
}

export type StoreResult = 'stored' | 'duplicate';

/**
 * Inserts an InboxEvent. A row that already has the same eventId or messageId makes this a
 * duplicate: nothing is written and 'duplicate' is returned. Uses INSERT … ON CONFLICT DO NOTHING
 * (SQLite and PostgreSQL), so it never throws on duplicates and is safe inside a transaction.
 */
export async function storeEvent(db: DbOrTx, input: StoreEventInput, clock: Clock = systemClock): Promise<StoreResult> {
  const now = clock.now();
  const status = input.status ?? 'pending';
  const payload = typeof input.payload === 'string' ? input.payload : JSON.stringify(input.payload);
  const inserted = await db.$executeRaw`
    INSERT INTO "InboxEvent" ("tenantKey", "eventId", "messageId", "eventType", "payload", "status", "attempts",
                              "receivedAt", "processedAt", "error")
    VALUES (${input.tenantKey}, ${input.eventId}, ${input.messageId ?? null}, ${input.eventType}, ${payload}, ${status},
            ${status === 'pending' ? 0 : 1}, ${now}, ${status === 'pending' ? null : now}, ${input.error ?? null})
    ON CONFLICT DO NOTHING`;
  return inserted > 0 ? 'stored' : 'duplicate';
}

export interface InboxProcessorOptions {
  db: Database;
  handlers: BotHandlers;
  logger: Logger;
  clock?: Clock;
  /** The bot's open_id, for `mentionsBot`. A function is called (and may fail) per batch. */
  botOpenId?: string | (() => Promise<string | undefined>);
  instanceId?: string;
  batchSize?: number;
  /** How long a claim is held; an instance that dies releases its rows when this runs out. */
  lockMs?: number;
  /** Attempts before a row is marked failed. */
  maxAttempts?: number;
  /** Retry delay after the n-th failure: retryBaseMs · 2^(n-1). */
  retryBaseMs?: number;
  /** Poll interval when idle (wake() short-cuts it). */
  pollIntervalMs?: number;
}

export class InboxProcessor {
  readonly instanceId: string;
  private readonly db: Database;
  private readonly handlers: BotHandlers;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly batchSize: number;
  private readonly lockMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly botOpenIdSource: InboxProcessorOptions['botOpenId'];
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wakeRequested = false;
  private wakeSleeper: (() => void) | undefined;

  constructor(opts: InboxProcessorOptions) {
    this.db = opts.db;
    this.handlers = opts.handlers;
    this.logger = opts.logger;
    this.clock = opts.clock ?? systemClock;
    this.instanceId = opts.instanceId ?? `inbox-${randomUUID().slice(0, 8)}`;
    this.batchSize = opts.batchSize ?? 10;
    this.lockMs = opts.lockMs ?? 60_000;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.retryBaseMs = opts.retryBaseMs ?? 2_000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 5_000;
    this.botOpenIdSource = opts.botOpenId;
  }

  /** Starts the loop: processes what is pending now (e.g. left by a crash), then waits for wake() or the interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Called right after an event is stored: process without waiting for the interval. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeSleeper?.();
    await this.loopDone;
  }

  /** Processes until nothing is claimable (tests and CLI). Returns the number of rows handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      if (n === 0) return total;
      total += n;
    }
  }

  /** Claims one batch and processes it. Returns how many rows were claimed. */
  async runOnce(): Promise<number> {
    const rows = await this.claim();
    if (rows.length === 0) return 0;
    const botOpenId = await this.resolveBotOpenId();
    for (const row of rows) await this.process(row, botOpenId);
    return rows.length;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (err) {
        this.logger.error({ err: errorText(err) }, '收件箱处理出错，稍后重试');
      }
      if (!this.running) break;
      if (claimed > 0 || this.wakeRequested) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        this.wakeSleeper = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeSleeper = undefined;
    }
  }

  private async resolveBotOpenId(): Promise<string | undefined> {
    const source = this.botOpenIdSource;
    if (typeof source !== 'function') return source;
    try {
      return await source();
    } catch (err) {
      this.logger.warn({ err: errorText(err) }, '无法获取机器人 open_id，按降级规则判断 @机器人');
      return undefined;
    }
  }

  private async claim(): Promise<ClaimedRow[]> {
    const prisma = this.db.prisma;
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.lockMs);
    if (this.db.provider === 'postgresql') {
      const ids = await prisma.$queryRaw<{ id: number }[]>`
        UPDATE "InboxEvent" SET "lockedBy" = ${this.instanceId}, "lockedUntil" = ${until}, "attempts" = "attempts" + 1
        WHERE "id" IN (
          SELECT "id" FROM "InboxEvent"
          WHERE "status" = 'pending' AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
          ORDER BY "id" LIMIT ${this.batchSize}
          FOR UPDATE SKIP LOCKED)
        RETURNING "id"`;
      if (ids.length === 0) return [];
      return prisma.inboxEvent.findMany({ where: { id: { in: ids.map((r) => Number(r.id)) } }, orderBy: { id: 'asc' } });
    }
    // SQLite: one writer at a time, so a conditional update per candidate is an atomic claim.
    const candidates = await prisma.inboxEvent.findMany({
      where: { status: 'pending', OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      orderBy: { id: 'asc' },
      take: this.batchSize,
      select: { id: true, lockedUntil: true },
    });
    const claimed: ClaimedRow[] = [];
    for (const c of candidates) {
      const res = await prisma.inboxEvent.updateMany({
        where: { id: c.id, status: 'pending', lockedUntil: c.lockedUntil },
        data: { lockedBy: this.instanceId, lockedUntil: until, attempts: { increment: 1 } },
      });
      if (res.count === 1) {
        const row = await prisma.inboxEvent.findUnique({ where: { id: c.id } });
        if (row) claimed.push(row);
      }
    }
    return claimed;
  }

  private async process(row: ClaimedRow, botOpenId: string | undefined): Promise<void> {
    const log = this.logger.child({ inboxId: row.id, eventId: row.eventId, eventType: row.eventType });
    try {
      const envelope = parseEnvelope(JSON.parse(row.payload));
      if (row.eventType === EVENT_MESSAGE_RECEIVE) {
        await this.handlers.onMessage(normalizeMessage(envelope, { botOpenId }));
      } else if (row.eventType === EVENT_BOT_ADDED) {
        await this.handlers.onBotAdded?.(normalizeBotAdded(envelope));
      } else {
        log.info('未订阅处理的事件类型，忽略');
      }
      await this.finish(row, { status: 'done', processedAt: this.clock.now(), error: null });
    } catch (err) {
      const permanent = err instanceof FeishuPayloadError || err instanceof SyntaxError;
      const exhausted = row.attempts >= this.maxAttempts;
      if (permanent || exhausted) {
        log.error({ err: errorText(err), attempts: row.attempts }, '事件处理失败，不再重试');
        await this.finish(row, { status: 'failed', processedAt: this.clock.now(), error: errorText(err) });
      } else {
        const delay = this.retryBaseMs * 2 ** Math.max(0, row.attempts - 1);
        log.warn({ err: errorText(err), attempts: row.attempts, retryInMs: delay }, '事件处理失败，稍后重试');
        // Back in the queue; lockedUntil doubles as "not before".
        await this.finish(row, { error: errorText(err) }, new Date(this.clock.now().getTime() + delay));
      }
    }
  }

  private async finish(
    row: ClaimedRow,
    data: { status?: InboxStatus; processedAt?: Date; error: string | null },
    notBefore: Date | null = null,
  ): Promise<void> {
    await this.db.prisma.inboxEvent.updateMany({
      where: { id: row.id, lockedBy: this.instanceId },
      data: { ...data, lockedBy: null, lockedUntil: notBefore },
    });
  }
}

interface ClaimedRow {
  id: number;
  eventId: string;
  eventType: string;
  payload: string;
  attempts: number;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.slice(0, 1000);
  return String(err).slice(0, 1000);
}
