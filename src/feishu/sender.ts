// Feishu delivery: drains the durable outbox (src/outbox). Claims rows through the OutboxStore (no
// two instances send the same row), respects Feishu's rate limits (ratelimit.ts / shared-ratelimit.ts),
// sends through the SDK with a deterministic `uuid` (Feishu drops a repeat of the same uuid within
// 1 h, so a send in flight during a crash is not duplicated), backs off on 429/99991400/230020/
// 11232/11233 honouring x-ogw-ratelimit-reset, retries transient failures with exponential
// back-off and records permanent failures (reported once via onPermanentFailure). What each
// answer means is errors.ts.
import { randomUUID } from 'node:crypto';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { IMAGE_FILE_TYPE, OutboxStore, outboxSignal, pendingFileRef, type OutboxRow, type OutboxScope, type ReceiveIdType } from '../outbox/index.js';
import { invalidateTenantToken, isIsvClient, tenantOptions, type TenantRequestOptions } from './client.js';
import { classifyResponse, describeFailure, outcomeOfError, type FeishuBody, type SendOutcome } from './errors.js';
import { SlidingWindowLimiter, type LimitSpec, type RateLimiter } from './ratelimit.js';
import { SharedWindowLimiter } from './shared-ratelimit.js';

export type { OutboxRow } from '../outbox/index.js';

// ---------------------------------------------------------------------------------------------
// The sender

export interface SenderLimits {
  /** message.create / reply / patch and card update, each (docs: 50/s & 1000/min per API). */
  appPerSecond: number;
  appPerMinute: number;
  /** Per receiving user and per group (shared by all bots in the group). */
  perRecipientPerSecond: number;
  /** PATCH of one message (docs: 5 QPS per message). */
  perMessageUpdatePerSecond: number;
  /**
   * Extra margin added to each window: timer and clock granularity (a few ms). Latency is already
   * covered — a slot frees a window after the RESPONSE (ratelimit.ts), so at the server two calls
   * of one slot are a window plus the response's way back apart. Kept small: a slot is busy for
   * window + latency + slack, so the slack is throughput lost at the documented 50/s (20 ms cost
   * 2 %, which at a steady 50 events/s is a queue that never drains).
   */
  windowSlackMs: number;
}

export const DEFAULT_LIMITS: SenderLimits = {
  appPerSecond: 50,
  appPerMinute: 1000,
  perRecipientPerSecond: 5,
  perMessageUpdatePerSecond: 5,
  windowSlackMs: 5,
};

export interface SenderOptions {
  db: Database;
  client: lark.Client;
  logger: Logger;
  clock?: Clock;
  /** Called once per row that ends `failed` (permanent error or retries exhausted). */
  onPermanentFailure?: (row: OutboxRow) => void | Promise<void>;
  /** Called after a row was sent. */
  onSent?: (row: OutboxRow) => void | Promise<void>;
  instanceId?: string;
  limits?: Partial<SenderLimits>;
  /** Rows in flight at once. */
  concurrency?: number;
  /**
   * How long a claim lasts unless renewed (default 15 s). Rows in flight are renewed every
   * lockMs/3, so only the rows of an instance that died (or lost the database for longer than
   * this) expire; whoever takes one over sends it with the same uuid (Feishu drops the repeat).
   */
  lockMs?: number;
  pollIntervalMs?: number;
  /**
   * Failed attempts (transient errors) before a row is failed (default 12: with the back-off
   * below, about six minutes of Feishu answering 5xx lose nothing). Rate-limit retries and
   * database outages do not count.
   */
  maxAttempts?: number;
  retryBaseMs?: number;
  /** Back-off cap (default 60 s). As soon as a send succeeds again, rows backing off are retried at once. */
  retryMaxMs?: number;
  /** After the database was unreachable: put a row back for this long (default 1 s). */
  errorRetryMs?: number;
  /** Back-off when a rate-limit answer carries no x-ogw-ratelimit-reset header. */
  defaultRateLimitResetMs?: number;
  /** Monotonic clock for the rate limiter (tests may fake it). Default performance.now(). */
  monotonicNow?: () => number;
  /**
   * Feishu's limits are per app. 'shared' (default on PostgreSQL, where several instances may
   * run): one sliding window for all instances, in the database (shared-ratelimit.ts). 'local'
   * (default on SQLite, one instance): this process's window only (ratelimit.ts).
   */
  rateLimit?: 'local' | 'shared';
  /** Deliver only these rows (a command-line drain of one job's period); default every row. */
  scope?: OutboxScope;
}

export class Sender {
  readonly instanceId: string;
  private readonly db: Database;
  private readonly client: lark.Client;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly limits: SenderLimits;
  private readonly limiter: RateLimiter;
  private readonly concurrency: number;
  private readonly lockMs: number;
  private readonly pollIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly defaultResetMs: number;
  private readonly errorRetryMs: number;
  private readonly inflight = new Set<Promise<void>>();
  /** Claims, leases and outcomes of the rows this instance delivers. */
  private readonly store: OutboxStore;
  /** Rows this instance put back after a transient failure: retried at once when Feishu answers again after an outage. */
  private readonly backedOff = new Set<number>();
  /** Transient failures since the last success: several in a row mean Feishu itself is in trouble, not one message. */
  private transientStreak = 0;
  private readonly replyChatCache = new Map<string, string | null>();
  /** Store app: Tenant.id → tenant_key (a row's tenant decides whose token sends it). */
  private readonly tenantKeys = new Map<number, string>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wakeRequested = false;
  private wakeSleeper: (() => void) | undefined;

  constructor(private readonly opts: SenderOptions) {
    this.db = opts.db;
    this.client = opts.client;
    this.logger = opts.logger;
    this.clock = opts.clock ?? systemClock;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.instanceId = opts.instanceId ?? `sender-${randomUUID().slice(0, 8)}`;
    this.limiter = (opts.rateLimit ?? (opts.db.provider === 'postgresql' ? 'shared' : 'local')) === 'shared'
      ? new SharedWindowLimiter(opts.db, { holder: this.instanceId, logger: opts.logger })
      : new SlidingWindowLimiter(opts.monotonicNow);
    this.concurrency = opts.concurrency ?? 10;
    this.lockMs = opts.lockMs ?? 15_000;
    this.store = new OutboxStore({ db: opts.db, clock: this.clock, logger: opts.logger, holder: this.instanceId, lockMs: this.lockMs, ...(opts.scope ? { scope: opts.scope } : {}) });
    this.pollIntervalMs = opts.pollIntervalMs ?? 1_000;
    this.maxAttempts = opts.maxAttempts ?? 12;
    this.retryBaseMs = opts.retryBaseMs ?? 1_000;
    this.retryMaxMs = opts.retryMaxMs ?? 60_000;
    this.defaultResetMs = opts.defaultRateLimitResetMs ?? 1_000;
    this.errorRetryMs = opts.errorRetryMs ?? 1_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    outboxSignal.on('enqueued', this.onEnqueued);
    this.loopDone = this.loop();
  }

  /**
   * A row was enqueued in this process: look now. A row enqueued inside a transaction is not
   * visible before its commit; whoever committed wakes the sender again right after (the runtime
   * after each handled event and card action, jobs after their run) — no fixed lull. A row due
   * later (a delayed card update) gets a wake-up at its time.
   */
  private readonly onEnqueued = (notBefore?: Date) => {
    this.wake();
    const later = notBefore ? notBefore.getTime() - this.clock.now().getTime() : 0;
    if (later > 0 && later < this.pollIntervalMs) this.scheduleWake(later);
  };

  /** Send without waiting for the poll interval: call it after a commit that enqueued. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  /** Stops claiming, waits for rows in flight. */
  async stop(): Promise<void> {
    this.running = false;
    outboxSignal.off('enqueued', this.onEnqueued);
    this.wakeSleeper?.();
    await this.loopDone;
    await Promise.all([...this.inflight]);
    await this.store.flushOwed().catch(() => undefined);
    this.store.stop();
    await this.limiter.close();
  }

  /**
   * Resolves when no row is pending or sending any more (or rejects after timeoutMs). Needs the
   * loop running (start()); for tests and one-shot CLI runs.
   */
  async waitUntilIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const busy = await this.store.busyCount();
      if (busy === 0 && this.inflight.size === 0) return;
      if (performance.now() > deadline) throw new Error(`发件箱在 ${timeoutMs} ms 内未清空（剩余 ${busy} 条）`);
      await sleep(20);
    }
  }

  /** The loop sleeps because every slot is taken (a finished send wakes it). */
  private waitingForSlot = false;

  private async loop(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      let claimed = 0;
      const free = this.concurrency - this.inflight.size;
      if (free > 0) {
        try {
          const rows = await this.store.claim(free);
          claimed = rows.length;
          for (const row of rows) this.track(this.deliver(row).catch((err) => this.giveBack(row, err)));
        } catch (err) {
          this.logger.error({ err: errText(err) }, '发件箱领取失败，稍后重试');
        }
      }
      if (!this.running) break;
      // A claim that got every free slot may have left rows behind: claim again. One that got fewer
      // emptied the queue (a new row wakes us), so no empty claim per message.
      if ((claimed > 0 && claimed >= free && this.inflight.size < this.concurrency) || this.wakeRequested) continue;
      // Wait for a free slot, a wake-up or the poll interval.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        this.wakeSleeper = done;
        this.waitingForSlot = this.inflight.size >= this.concurrency;
        if (this.waitingForSlot) Promise.race(this.inflight).then(done, done);
      });
      this.wakeSleeper = undefined;
      this.waitingForSlot = false;
    }
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((err) => this.logger.error({ err: errText(err) }, '发送过程出错'))
      .finally(() => {
        this.inflight.delete(tracked);
        // Only a loop waiting for a free slot needs to hear of it (no empty claim after each send).
        if (this.waitingForSlot) this.wakeSleeper?.();
      });
    this.inflight.add(tracked);
  }

  /** Not sent (e.g. the database did not answer before the call): back in the queue at once, not an attempt. */
  private async giveBack(row: OutboxRow, err: unknown): Promise<void> {
    if (!this.store.holds(row.id) || this.store.owes(row.id)) throw err;
    this.logger.warn({ outboxId: row.id, err: errText(err) }, '发送前出错，消息放回队列');
    await this.store.record(row, {
      status: 'pending',
      attempts: { decrement: 1 },
      nextAttemptAt: new Date(this.clock.now().getTime() + this.errorRetryMs),
      lockedBy: null,
      lockedUntil: null,
    });
  }

  /** Feishu answers again: rows this instance backed off after 5xx/network errors go now, not at the end of their back-off. */
  private async retryBackedOffNow(): Promise<void> {
    if (this.backedOff.size === 0) return;
    const ids = [...this.backedOff];
    this.backedOff.clear();
    try {
      const count = await this.store.makeDueNow(ids);
      if (count > 0) {
        this.logger.info({ count }, '飞书恢复响应，退避中的消息立即重试');
        this.wake();
      }
    } catch {
      for (const id of ids) this.backedOff.add(id);
    }
  }

  private async limitsFor(row: OutboxRow): Promise<LimitSpec[]> {
    const second = 1_000 + this.limits.windowSlackMs;
    const minute = 60_000 + this.limits.windowSlackMs;
    const api = row.kind;
    const specs: LimitSpec[] = [
      { key: `api:${api}:s`, limit: this.limits.appPerSecond, windowMs: second },
      { key: `api:${api}:m`, limit: this.limits.appPerMinute, windowMs: minute },
    ];
    const recipient = await this.recipientKey(row);
    if (recipient) specs.push({ key: recipient, limit: this.limits.perRecipientPerSecond, windowMs: second });
    if (row.kind === 'patch' && row.receiveId) {
      specs.push({ key: `msg:${row.receiveId}`, limit: this.limits.perMessageUpdatePerSecond, windowMs: second });
    }
    return specs;
  }

  /**
   * The chat a received message is in, told by the inbox when it hands the message on: the reply
   * to it is counted against that chat without reading the stored event back.
   */
  rememberReplyChat(messageId: string, chatId: string): void {
    if (this.replyChatCache.size > 5_000) this.replyChatCache.clear();
    this.replyChatCache.set(messageId, chatId);
  }

  /** The user/group a row lands in (replies: the chat of the message replied to, when known). */
  private async recipientKey(row: OutboxRow): Promise<string | undefined> {
    if (row.kind === 'send' && row.receiveId) return `to:${row.receiveIdType}:${row.receiveId}`;
    if (row.kind !== 'reply' || !row.receiveId) return undefined;
    let chatId = this.replyChatCache.get(row.receiveId);
    if (chatId === undefined) {
      chatId = null;
      // Raw: once per reply (a Prisma call costs ~0.5 ms of CPU compiling its query).
      const [received] = await this.db.prisma.$queryRaw<{ payload: string }[]>`SELECT "payload" FROM "InboxEvent" WHERE "messageId" = ${row.receiveId}`;
      if (received) {
        try {
          const id = (JSON.parse(received.payload) as { event?: { message?: { chat_id?: unknown } } }).event?.message?.chat_id;
          if (typeof id === 'string') chatId = id;
        } catch {
          /* stays unknown */
        }
      } else {
        const sent = await this.db.prisma.outboxMessage.findFirst({
          where: { feishuMessageId: row.receiveId, receiveIdType: 'chat_id' },
          select: { receiveId: true },
        });
        chatId = sent?.receiveId ?? null;
      }
      if (this.replyChatCache.size > 5_000) this.replyChatCache.clear();
      this.replyChatCache.set(row.receiveId, chatId);
    }
    return chatId ? `to:chat_id:${chatId}` : `to:reply:${row.receiveId}`;
  }

  private async deliver(row: OutboxRow): Promise<void> {
    // (A throw before the call — the reply's chat lookup when the database is away — gives the row back: giveBack.)
    const specs = await this.limitsFor(row);
    const permit = await this.limiter.acquire(specs);
    let outcome: SendOutcome;
    try {
      outcome = await this.call(row);
    } catch (err) {
      outcome = outcomeOfError(err, this.defaultResetMs, row.kind);
    } finally {
      // The slot stays occupied until a window after the response (see ratelimit.ts).
      permit.release();
    }
    const log = this.logger.child({ outboxId: row.id, kind: row.kind, attempt: row.attempts });
    const now = this.clock.now();

    switch (outcome.kind) {
      case 'ok': {
        this.backedOff.delete(row.id);
        // After an outage (not after one message's own failure, which keeps its back-off).
        if (this.transientStreak >= 3) void this.retryBackedOffNow();
        this.transientStreak = 0;
        const onSent = this.opts.onSent;
        await this.store.record(
          row,
          {
            status: 'sent',
            sentAt: now,
            feishuMessageId: outcome.messageId ?? (row.kind === 'patch' ? row.receiveId : null),
            lockedBy: null,
            lockedUntil: null,
            errorCode: null,
            error: null,
          },
          onSent ? async () => void (await onSent({ ...row, status: 'sent', sentAt: now })) : undefined,
        );
        log.debug({ messageId: outcome.messageId }, '消息已发送');
        return;
      }
      case 'rate_limited': {
        const key = outcome.scope === 'app' ? `api:${row.kind}:s` : await this.recipientKey(row);
        if (key) this.limiter.pause(key, outcome.resetMs);
        if (outcome.scope === 'app') this.limiter.pause(`api:${row.kind}:m`, outcome.resetMs);
        log.warn({ code: outcome.code, status: outcome.status, resetMs: outcome.resetMs, scope: outcome.scope }, '飞书限流，稍后重试');
        await this.store.record(row, {
          status: 'pending',
          // A rate-limited try is not a failed attempt.
          attempts: { decrement: 1 },
          nextAttemptAt: new Date(now.getTime() + outcome.resetMs),
          lockedBy: null,
          lockedUntil: null,
          errorCode: outcome.code ?? outcome.status ?? null,
          error: outcome.msg,
        });
        this.scheduleWake(outcome.resetMs);
        return;
      }
      case 'transient': {
        if (outcome.token) {
          const tenantKey = isIsvClient(this.client) ? await this.tenantKeyOf(row.tenantId).catch(() => undefined) : undefined;
          await invalidateTenantToken(this.client, tenantKey).catch(() => undefined);
        }
        if (row.attempts >= this.maxAttempts) {
          await this.fail(row, outcome.code, `重试 ${row.attempts} 次仍失败：${outcome.msg}`, log);
          return;
        }
        const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.max(0, row.attempts - 1));
        log.warn({ code: outcome.code, status: outcome.status, msg: outcome.msg, retryInMs: delay }, '发送失败，稍后重试');
        this.transientStreak += 1;
        if (this.backedOff.size > 10_000) this.backedOff.clear();
        this.backedOff.add(row.id);
        await this.store.record(row, {
          status: 'pending',
          nextAttemptAt: new Date(now.getTime() + delay),
          lockedBy: null,
          lockedUntil: null,
          errorCode: outcome.code ?? outcome.status ?? null,
          error: outcome.msg,
        });
        this.scheduleWake(delay);
        return;
      }
      case 'permanent':
        await this.fail(row, outcome.code, outcome.msg, log);
        return;
    }
  }

  private async fail(row: OutboxRow, code: number | undefined, msg: string, log: Logger): Promise<void> {
    const error = describeFailure(code, msg, row.kind);
    log.error({ code, error }, '消息发送失败，不再重试');
    const onPermanentFailure = this.opts.onPermanentFailure;
    await this.store.record(
      row,
      { status: 'failed', errorCode: code ?? null, error, lockedBy: null, lockedUntil: null },
      onPermanentFailure
        ? async () => {
            try {
              await onPermanentFailure({ ...row, status: 'failed', errorCode: code ?? null, error });
            } catch (err) {
              log.error({ err: errText(err) }, 'onPermanentFailure 回调出错');
            }
          }
        : undefined,
    );
  }

  private scheduleWake(ms: number): void {
    if (!this.running) return;
    const t = setTimeout(() => this.wake(), ms + 5);
    t.unref?.();
  }

  /** The tenant_key of a Tenant row (store app). Keys never change once a tenant is served. */
  private async tenantKeyOf(tenantId: number): Promise<string> {
    let key = this.tenantKeys.get(tenantId);
    if (key === undefined) {
      const tenant = await this.db.prisma.tenant.findUnique({ where: { id: tenantId }, select: { key: true } });
      if (!tenant) throw new Error(`发件箱消息所属租户 ${tenantId} 不存在`);
      key = tenant.key;
      this.tenantKeys.set(tenantId, key);
    }
    return key;
  }

  private uploadFile(row: OutboxRow, as: TenantRequestOptions | undefined): Promise<string | SendOutcome> {
    return uploadOutboxFile(this.db, this.client, row, as, this.defaultResetMs);
  }

  private async call(row: OutboxRow): Promise<SendOutcome> {
    const im = this.client.im.v1.message;
    // Store app: the message goes out with the token of the tenant it belongs to, never another's.
    const as = isIsvClient(this.client) ? tenantOptions(this.client, await this.tenantKeyOf(row.tenantId)) : undefined;
    let res: FeishuBody | undefined;
    let content = row.content;
    if (row.msgType === 'file' || row.msgType === 'image') {
      const uploaded = await this.uploadFile(row, as);
      if (typeof uploaded !== 'string') return uploaded;
      content = JSON.stringify(row.msgType === 'image' ? { image_key: uploaded } : { file_key: uploaded });
    }
    switch (row.kind) {
      case 'send':
        res = await im.create(
          {
            params: { receive_id_type: (row.receiveIdType ?? 'open_id') as ReceiveIdType },
            data: { receive_id: row.receiveId ?? '', msg_type: row.msgType, content, uuid: row.uuid },
          },
          as,
        );
        break;
      case 'reply':
        res = await im.reply(
          {
            path: { message_id: row.receiveId ?? '' },
            data: { msg_type: row.msgType, content, uuid: row.uuid },
          },
          as,
        );
        break;
      case 'patch':
        res = await im.patch({ path: { message_id: row.receiveId ?? '' }, data: { content: row.content } }, as);
        break;
      case 'card_update':
        res = await this.client.request<FeishuBody>(
          {
            method: 'POST',
            url: '/open-apis/interactive/v1/card/update',
            data: { token: row.receiveId, card: JSON.parse(row.content) as unknown },
          },
          as,
        );
        break;
      default:
        return { kind: 'permanent', msg: `未知的发送类型 ${row.kind}` };
    }
    return classifyResponse(undefined, res, undefined, this.defaultResetMs, row.kind);
  }
}


/**
 * A file message's upload (im/v1/files, or im/v1/images for an image message, through the SDK):
 * the bytes the outbox holds for the row go up once; the file_key (image_key) is kept on the OutboxFile row, so a retry (or another instance taking
 * the row over) sends the same upload. Returns the file_key, or the outcome of a failed upload.
 */
async function uploadOutboxFile(db: Database, client: lark.Client, row: OutboxRow, as: TenantRequestOptions | undefined, defaultResetMs: number): Promise<string | SendOutcome> {
  const ref = pendingFileRef(row.content);
  if (!ref) {
    // Already a file_key (a file uploaded elsewhere): send as it is.
    try {
      const parsed = JSON.parse(row.content) as { file_key?: unknown; image_key?: unknown };
      const key = row.msgType === 'image' ? parsed.image_key : parsed.file_key;
      if (typeof key === 'string' && key) return key;
    } catch {
      /* below */
    }
    return { kind: 'permanent', msg: '文件消息缺少 file_key' };
  }
  const file = await db.prisma.outboxFile.findUnique({ where: { dedupeKey: ref } });
  if (!file) return { kind: 'transient', msg: '文件尚未写入发件箱' };
  if (file.fileKey) return file.fileKey;
  let key: string | undefined;
  try {
    // An image goes up through im/v1/images (image_type "message"; https://open.feishu.cn/document/server-docs/im-v1/image/create).
    key = file.fileType === IMAGE_FILE_TYPE
      ? (await client.im.v1.image.create({ data: { image_type: 'message', image: Buffer.from(file.bytes) } }, as))?.image_key
      : (await client.im.v1.file.create(
          { data: { file_type: file.fileType as 'stream', file_name: file.fileName, file: Buffer.from(file.bytes) } },
          as,
        ))?.file_key;
  } catch (err) {
    return outcomeOfError(err, defaultResetMs, 'send');
  }
  if (!key) return { kind: 'transient', msg: '上传文件未返回 file_key' };
  await db.prisma.outboxFile.update({ where: { id: file.id }, data: { fileKey: key } });
  return key;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
