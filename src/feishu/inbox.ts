// The durable inbox. Every event Feishu delivers (by webhook or long connection) is written here
// first — deduplicated by event_id and, for messages, by message_id — and acknowledged; the
// InboxProcessor then hands it to the BotHandlers. Rows survive restarts, and claims
// (lockedBy/lockedUntil) keep several instances from processing the same row.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Prisma } from '../generated/prisma-sqlite/client.js';
import type { Logger } from 'pino';
import type { BotHandlers } from '../chat/types.js';
import { systemClock, type Clock } from '../clock.js';
import type { Database, DbOrTx } from '../db/client.js';
import { HeldClaims } from '../db/held-claims.js';
import { isConnectionError } from '../db/connection-errors.js';
import {
  EVENT_BOT_ADDED,
  EVENT_BOT_DELETED,
  EVENT_MESSAGE_RECALLED,
  EVENT_MESSAGE_RECEIVE,
  FeishuPayloadError,
  normalizeBotAdded,
  normalizeMessage,
  normalizeMessageRecalled,
  originOfMessage,
  parseEnvelope,
  type RecalledMessageOrigin,
} from './normalize.js';

/** Events closer together than this are a burst, whose acks go before processing. */
const BURST_GAP_MS = 10;

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

/**
 * Stores several events with one multi-row INSERT (one commit). Results are in input order; an
 * event whose eventId or messageId repeats an earlier one in the same batch is a duplicate too.
 */
export async function storeEvents(db: DbOrTx, inputs: StoreEventInput[], clock: Clock = systemClock): Promise<StoreResult[]> {
  const results: StoreResult[] = new Array(inputs.length).fill('duplicate');
  const seen = new Set<string>();
  const fresh: { index: number; input: StoreEventInput }[] = [];
  inputs.forEach((input, index) => {
    const keys = [`e:${input.eventId}`, ...(input.messageId ? [`m:${input.messageId}`] : [])];
    if (keys.some((k) => seen.has(k))) return;
    keys.forEach((k) => seen.add(k));
    fresh.push({ index, input });
  });
  if (fresh.length === 0) return results;
  const now = clock.now();
  const rows = fresh.map(({ input }) => {
    const status = input.status ?? 'pending';
    const payload = typeof input.payload === 'string' ? input.payload : JSON.stringify(input.payload);
    return Prisma.sql`(${input.tenantKey}, ${input.eventId}, ${input.messageId ?? null}, ${input.eventType}, ${payload}, ${status},
      ${status === 'pending' ? 0 : 1}, ${now}, ${status === 'pending' ? null : now}, ${input.error ?? null})`;
  });
  const inserted = await db.$queryRaw<{ eventId: string }[]>`
    INSERT INTO "InboxEvent" ("tenantKey", "eventId", "messageId", "eventType", "payload", "status", "attempts",
                              "receivedAt", "processedAt", "error")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT DO NOTHING
    RETURNING "eventId"`;
  const stored = new Set(inserted.map((r) => r.eventId));
  for (const { index, input } of fresh) if (stored.has(input.eventId)) results[index] = 'stored';
  return results;
}

/**
 * Group commit for the webhook: events that arrive while a write is in flight are stored together
 * in the next one, so a burst of N requests costs a few commits instead of N. Each caller still
 * gets its own answer, after its row is durable.
 */
export class InboxWriter {
  private queue: { input: StoreEventInput; resolve: (r: StoreResult) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;
  private idleWaiters: (() => void)[] = [];

  /** Resolves once nothing is waiting to be stored: processing yields to acks (Feishu's 3-s deadline). */
  whenIdle(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** When the last few events were handed to store() (performance.now()), newest last. */
  private readonly recent: number[] = [];

  /**
   * A burst is arriving (another event came within `gapMs` of the latest): resolves once none has
   * come for `gapMs` (at most `maxWaitMs`), so the burst's acks go first. A lone event, or a
   * steady stream slower than one per `gapMs`, resolves at once — no fixed wait on an idle bot.
   */
  async whenBurstOver(gapMs: number, maxWaitMs: number): Promise<void> {
    const deadline = performance.now() + maxWaitMs;
    const n = this.recent.length;
    if (n < 2 || this.recent[n - 1]! - this.recent[n - 2]! >= gapMs) return;
    for (;;) {
      const now = performance.now();
      const quietFor = now - this.recent[this.recent.length - 1]!;
      if (quietFor >= gapMs || now >= deadline) return;
      await new Promise((r) => setTimeout(r, Math.min(gapMs - quietFor, deadline - now) + 1));
    }
  }

  constructor(
    private readonly db: Database,
    private readonly clock: Clock = systemClock,
    /** Rows per INSERT: 10 parameters each, well under SQLite's bound-parameter limit. */
    private readonly maxBatch = 50,
  ) {}

  store(input: StoreEventInput): Promise<StoreResult> {
    this.recent.push(performance.now());
    if (this.recent.length > 2) this.recent.shift();
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      // Let the requests already parsed in this turn of the event loop join the first batch.
      await new Promise((r) => setImmediate(r));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await storeEvents(this.db.prisma, batch.map((b) => b.input), this.clock);
          batch.forEach((b, i) => b.resolve(results[i]!));
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }
    } finally {
      this.writing = false;
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }
}

export interface InboxProcessorOptions {
  db: Database;
  handlers: BotHandlers;
  logger: Logger;
  clock?: Clock;
  /**
   * The bot's open_id, for `mentionsBot`. A function is called (and may fail) once per batch and
   * tenant: a store app's bot is looked up with each tenant's token.
   */
  botOpenId?: string | ((tenantKey: string) => Promise<string | undefined>);
  instanceId?: string;
  batchSize?: number;
  /**
   * How long a claim lasts unless renewed (default 15 s). While this instance works on its rows it
   * renews them every lockMs/3, so only the rows of an instance that died (or lost the database
   * for longer than this) expire and are taken over.
   */
  lockMs?: number;
  /** After the database was unreachable: look again this soon (default 1 s). */
  errorRetryMs?: number;
  /** Attempts before a row is marked failed. */
  maxAttempts?: number;
  /** Retry delay after the n-th failure: retryBaseMs · 2^(n-1). */
  retryBaseMs?: number;
  /** Poll interval when idle (wake() short-cuts it; other instances' rows are found by it). */
  pollIntervalMs?: number;
  /**
   * The transport's writer: after a wake and before each row, processing waits until no ack is
   * waiting on it (acks first, Feishu's 3-s deadline) — but never for a fixed time: an idle bot
   * starts on an event the moment it is stored.
   */
  ingest?: InboxWriter;
  /**
   * Called after each row was handled, i.e. after the handler's transactions committed: the
   * runtime wakes the sender here, so a reply enqueued inside a transaction goes out at once
   * instead of at the sender's next poll.
   */
  onProcessed?: () => void;
  /** Told the chat of each received message before its handler runs (the sender counts the reply against it). */
  onMessageChat?: (messageId: string, chatId: string) => void;
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
  private readonly onProcessed: (() => void) | undefined;
  private readonly onMessageChat: InboxProcessorOptions['onMessageChat'];
  private readonly ingest: InboxWriter | undefined;
  private readonly botOpenIdSource: InboxProcessorOptions['botOpenId'];
  private readonly errorRetryMs: number;
  /**
   * Rows this instance has claimed and not yet finished, with the result still to be written when
   * the write failed (database gone). Renewed by the heartbeat; put back (or finished) before the
   * next claim, so an instance that lost its connection does not sit on them for a lease.
   */
  private readonly held: HeldClaims<{ data: FinishData; notBefore: Date | null }>;
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
    this.lockMs = opts.lockMs ?? 15_000;
    this.held = new HeldClaims(this.lockMs, (ids) => this.renew(ids));
    this.errorRetryMs = opts.errorRetryMs ?? 1_000;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.retryBaseMs = opts.retryBaseMs ?? 2_000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 5_000;
    this.onProcessed = opts.onProcessed;
    this.onMessageChat = opts.onMessageChat;
    this.ingest = opts.ingest;
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
    // Hand back what is still claimed (another instance takes it at once), best effort.
    await this.releaseHeld().catch(() => undefined);
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
    const botOpenIds = new Map<string, string | undefined>();
    for (const row of rows) {
      await this.ingest?.whenIdle();
      if (!botOpenIds.has(row.tenantKey)) botOpenIds.set(row.tenantKey, await this.resolveBotOpenId(row.tenantKey));
      await this.process(row, botOpenIds.get(row.tenantKey));
      this.onProcessed?.();
      // SQLite queries run synchronously under their promises: return to the event loop between
      // rows so webhook requests waiting for their ack are served (Feishu's 3-s deadline).
      await new Promise((r) => setImmediate(r));
    }
    return rows.length;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      let claimed = 0;
      let failed = false;
      try {
        claimed = await this.runOnce();
      } catch (err) {
        failed = true;
        this.logger.error({ err: errorText(err) }, '收件箱处理出错，稍后重试');
      }
      if (!this.running) break;
      // A full batch may have left rows behind: claim again. A smaller one emptied the queue (a new
      // event wakes us), so no empty claim after every event.
      if (!failed && (claimed >= this.batchSize || this.wakeRequested)) continue;
      await new Promise<void>((resolve) => {
        // The database was unreachable: look again soon, not after a whole poll interval.
        const timer = setTimeout(resolve, failed ? Math.min(this.pollIntervalMs, this.errorRetryMs) : this.pollIntervalMs);
        this.wakeSleeper = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeSleeper = undefined;
      // Acks first: during a burst (events closer than 10 ms) wait until it pauses (at most
      // 200 ms); runOnce also yields to waiting writes before each row. No fixed delay otherwise —
      // a wait for a 50-ms lull after every wake cost each idle reply 50 ms and, under a steady
      // stream, up to a second.
      if (this.running && this.wakeRequested && this.ingest) {
        await this.ingest.whenBurstOver(BURST_GAP_MS, 20 * BURST_GAP_MS);
        await this.ingest.whenIdle();
      }
    }
  }

  private async resolveBotOpenId(tenantKey: string): Promise<string | undefined> {
    const source = this.botOpenIdSource;
    if (typeof source !== 'function') return source;
    try {
      return await source(tenantKey);
    } catch (err) {
      this.logger.warn({ err: errorText(err) }, '无法获取机器人 open_id，按降级规则判断 @机器人');
      return undefined;
    }
  }

  /**
   * Claims up to batchSize claimable rows in ONE statement (UPDATE … RETURNING the rows), on both
   * databases: PostgreSQL skips rows another instance has locked (FOR UPDATE SKIP LOCKED); SQLite
   * has one writer at a time, so the statement is atomic there as it is. Raw SQL because this runs
   * for every event: each Prisma call costs ~0.5 ms of CPU compiling its query (bench:reply).
   */
  private async claim(): Promise<ClaimedRow[]> {
    // Rows left over from a failure (the database went away mid-batch) go back first.
    if (this.held.size > 0) await this.releaseHeld();
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.lockMs);
    const skipLocked = this.db.provider === 'postgresql' ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
    const rows = await this.db.prisma.$queryRaw<ClaimedRow[]>`
      UPDATE "InboxEvent" SET "lockedBy" = ${this.instanceId}, "lockedUntil" = ${until}, "attempts" = "attempts" + 1
      WHERE "id" IN (
        SELECT "id" FROM "InboxEvent"
        WHERE "status" = 'pending' AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
        ORDER BY "id" LIMIT ${this.batchSize}
        ${skipLocked})
      RETURNING "id", "tenantKey", "eventId", "eventType", "payload", "attempts"`;
    const claimed = rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) })).sort((a, b) => a.id - b.id);
    this.hold(claimed.map((r) => r.id));
    return claimed;
  }

  private hold(ids: number[]): void {
    for (const id of ids) this.held.hold(id);
  }

  /** The heartbeat: extends the claim on the rows this instance is still working on. */
  private async renew(ids: number[]): Promise<void> {
    try {
      await this.db.prisma.inboxEvent.updateMany({
        where: { id: { in: ids }, lockedBy: this.instanceId, status: 'pending' },
        data: { lockedUntil: new Date(this.clock.now().getTime() + this.lockMs) },
      });
    } catch (err) {
      this.logger.warn({ err: errorText(err) }, '收件箱续期失败（数据库不可用？）');
    }
  }

  /** Writes the results still owed and puts unprocessed rows back (not counted as an attempt). Throws while the database is away. */
  private async releaseHeld(): Promise<void> {
    for (const [id, finish] of this.held.entries()) {
      if (finish) {
        await this.db.prisma.inboxEvent.updateMany({
          where: { id, lockedBy: this.instanceId },
          data: { ...finish.data, lockedBy: null, lockedUntil: finish.notBefore },
        });
      } else {
        await this.db.prisma.inboxEvent.updateMany({
          where: { id, lockedBy: this.instanceId, status: 'pending' },
          data: { lockedBy: null, lockedUntil: null, attempts: { decrement: 1 } },
        });
      }
      this.held.settle(id);
    }
  }

  private async process(row: ClaimedRow, botOpenId: string | undefined): Promise<void> {
    const log = this.logger.child({ inboxId: row.id, eventId: row.eventId, eventType: row.eventType });
    try {
      const envelope = parseEnvelope(JSON.parse(row.payload));
      if (row.eventType === EVENT_MESSAGE_RECEIVE) {
        const message = normalizeMessage(envelope, { botOpenId });
        if (message.chatId) this.onMessageChat?.(message.messageId, message.chatId);
        await this.handlers.onMessage(message);
      } else if (row.eventType === EVENT_BOT_ADDED) {
        await this.handlers.onBotAdded?.(normalizeBotAdded(envelope));
      } else if (row.eventType === EVENT_BOT_DELETED) {
        await this.handlers.onBotRemoved?.(normalizeBotAdded(envelope));
      } else if (row.eventType === EVENT_MESSAGE_RECALLED) {
        const recalled = normalizeMessageRecalled(envelope);
        await this.handlers.onMessageRecalled?.({ ...recalled, ...(await this.recalledOrigin(recalled.messageId, row.id)) });
      } else {
        log.info('未订阅处理的事件类型，忽略');
      }
      await this.finish(row, { status: 'done', processedAt: this.clock.now(), error: null });
    } catch (err) {
      // Handled, but writing 'done' failed: that result stays owed (releaseHeld), keep it.
      if (this.held.owedFor(row.id)) throw err;
      if (isConnectionError(err)) {
        // The database went away under the handler: back in the queue at once, not an attempt.
        log.warn({ err: errorText(err) }, '数据库连接中断，事件放回队列');
        await this.finish(row, { error: errorText(err), attempts: { decrement: 1 } }, new Date(this.clock.now().getTime() + this.errorRetryMs));
        return;
      }
      // Retrying cannot help a malformed event, or one a handler marks `permanent` (e.g. no tenant_key).
      const permanent = err instanceof FeishuPayloadError || err instanceof SyntaxError || (err as { permanent?: unknown } | null)?.permanent === true;
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

  /**
   * What the inbox knows of a recalled message: its sender (the recall event does not say). A
   * recalled message not processed yet is not processed at all; one being processed right now by
   * another instance makes the recall wait (retried), so the recall sees what the message recorded.
   */
  private async recalledOrigin(messageId: string, recallRowId: number): Promise<RecalledMessageOrigin> {
    const prisma = this.db.prisma;
    const original = await prisma.inboxEvent.findUnique({ where: { messageId }, select: { id: true, status: true, lockedBy: true, lockedUntil: true, payload: true } });
    if (!original || original.id === recallRowId) return {};
    if (original.status === 'pending') {
      const skipped = await prisma.inboxEvent.updateMany({
        where: { id: original.id, status: 'pending', OR: [{ lockedBy: null }, { lockedUntil: { lt: this.clock.now() } }] },
        data: { status: 'done', processedAt: this.clock.now(), lockedBy: null, lockedUntil: null, error: '消息在处理前已被撤回，未处理' },
      });
      if (skipped.count === 0) throw new Error('被撤回的消息正在处理中，稍后再处理撤回');
    }
    try {
      return originOfMessage(parseEnvelope(JSON.parse(original.payload)));
    } catch {
      return {};
    }
  }

  private async finish(row: ClaimedRow, data: FinishData, notBefore: Date | null = null): Promise<void> {
    try {
      if (data.status && data.processedAt && !data.attempts) {
        // The usual outcome (done / failed), once per event: raw, like the claim.
        await this.db.prisma.$executeRaw`
          UPDATE "InboxEvent" SET "status" = ${data.status}, "processedAt" = ${data.processedAt}, "error" = ${data.error},
                                  "lockedBy" = NULL, "lockedUntil" = ${notBefore}
          WHERE "id" = ${row.id} AND "lockedBy" = ${this.instanceId}`;
      } else {
        await this.db.prisma.inboxEvent.updateMany({
          where: { id: row.id, lockedBy: this.instanceId },
          data: { ...data, lockedBy: null, lockedUntil: notBefore },
        });
      }
    } catch (err) {
      // Keep the result; it is written before the next claim (releaseHeld).
      this.held.owe(row.id, { data, notBefore });
      throw err;
    }
    this.held.settle(row.id);
  }
}

type FinishData = { status?: InboxStatus; processedAt?: Date; error: string | null; attempts?: { decrement: number } };

interface ClaimedRow {
  id: number;
  tenantKey: string;
  eventId: string;
  eventType: string;
  payload: string;
  attempts: number;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.slice(0, 1000);
  return String(err).slice(0, 1000);
}
