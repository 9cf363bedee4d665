// Feishu's rate limits for several instances on one PostgreSQL database.
//
// The limits (50/s and 1000/min per API, 5/s into one group or to one user) are per APP: two
// instances each keeping their own window (ratelimit.ts) would together send twice the allowed
// rate and get 429s. So on PostgreSQL every instance's Sender takes its slots from one sliding-
// window log in the database, the RateSlot table — the same rule as the in-process limiter,
// shared:
//
//  - a permitted call writes one row per limit key it counts against (grant, key, grantedMs) and
//    sets doneMs when its response arrives; it occupies its slot from the grant until a window
//    after doneMs (after the RESPONSE: see ratelimit.ts for why that holds at the server);
//  - granting is a short transaction under a PostgreSQL advisory lock (one per schema): read the
//    occupancy of the keys this instance's waiters need, grant waiters in FIFO order while every
//    key has room, insert their rows, commit. The lock makes count-then-insert atomic across
//    instances; releasing (an UPDATE of doneMs) needs no lock;
//  - one round at a time per process grants as many of its waiters as fit, so a drain costs
//    about one transaction per batch of sends, not per send. A waiter that cannot go yet sleeps
//    until the earliest moment a slot it needs frees (oldest doneMs + window, from the database);
//    while the window is full of calls still in flight, it looks again every POLL_MS;
//  - all times come from the database's clock (clock_timestamp()), so instances on different
//    machines need not agree on the time; this process tracks its offset to that clock;
//  - a call that never reports back (its process was killed) counts as in flight for STUCK_MS,
//    then as done at grantedMs + STUCK_MS; rows done for longer than RETAIN_MS are deleted.
//
// Pauses after a 429 (pause()) stay in this process: the limiter should prevent 429s; one that
// happens anyway (another app's traffic in a group, a storm) pauses the instance that saw it, and
// the others back off on their own answers.
//
// SQLite deployments run one instance (README), so they keep the in-process limiter.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import type { LimitSpec, Permit, RateLimiter } from './ratelimit.js';

const POLL_MS = 25;
const STUCK_MS = 60_000;
const RETAIN_MS = 120_000;
const HOUSEKEEPING_EVERY_MS = 5_000;
const RETRY_AFTER_ERROR_MS = 500;

interface Waiter {
  specs: LimitSpec[];
  resolve: (permit: Permit) => void;
}

interface KeyState {
  limit: number;
  windowMs: number;
  /** In-flight + done-within-the-window slots, including this round's grants. */
  occupied: number;
  /** Done-within-the-window slots (as read). */
  done: number;
}

export class SharedWindowLimiter implements RateLimiter {
  private readonly waiters: Waiter[] = [];
  /** Local pauses, in local epoch ms. */
  private readonly pausedUntil = new Map<string, number>();
  private readonly holder: string;
  private seq = 0;
  private running = false;
  private again = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** The database clock minus this process's clock (ms). */
  private offsetMs = 0;
  private lastHousekeeping = -Infinity;
  private readonly releasing = new Set<Promise<void>>();
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    opts: { holder?: string; logger?: Logger } = {},
  ) {
    if (db.provider !== 'postgresql') throw new Error('SharedWindowLimiter 需要 PostgreSQL');
    this.holder = `${opts.holder ?? 'sender'}:${randomUUID().slice(0, 8)}`;
    this.logger = opts.logger;
  }

  private readonly logger: Logger | undefined;

  acquire(specs: LimitSpec[]): Promise<Permit> {
    return new Promise<Permit>((resolve) => {
      this.waiters.push({ specs, resolve });
      this.pump();
    });
  }

  pause(key: string, forMs: number): void {
    const until = Date.now() + forMs;
    if ((this.pausedUntil.get(key) ?? 0) < until) this.pausedUntil.set(key, until);
  }

  get pending(): number {
    return this.waiters.length;
  }

  /**
   * Stops timers and rounds (waiting callers stay unresolved); resolves when the round in progress
   * and the releases are written, so the database can be closed after it.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    await this.current;
    await Promise.all([...this.releasing]);
  }

  private pump(): void {
    if (this.closed || this.waiters.length === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.again = false;
    this.current = this.round().then(
      (nextAt) => this.afterRound(nextAt),
      (err: unknown) => {
        this.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, '共享限流：数据库操作失败，稍后重试');
        this.afterRound(Date.now() + RETRY_AFTER_ERROR_MS);
      },
    );
  }

  private afterRound(nextAt: number): void {
    this.running = false;
    if (this.again) return this.pump();
    if (this.waiters.length > 0 && nextAt < Infinity) this.schedule(nextAt);
  }

  private schedule(at: number): void {
    if (this.closed) return;
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(1, Math.ceil(at - Date.now())),
    );
  }

  /** One granting transaction; returns when (local epoch ms) to look again for the waiters left. */
  private async round(): Promise<number> {
    const waiters = [...this.waiters];
    const keys = new Map<string, KeyState>();
    for (const w of waiters) {
      for (const s of w.specs) {
        const k = keys.get(s.key);
        if (!k) keys.set(s.key, { limit: s.limit, windowMs: s.windowMs, occupied: 0, done: 0 });
        else {
          k.limit = Math.min(k.limit, s.limit);
          k.windowMs = Math.max(k.windowMs, s.windowMs);
        }
      }
    }
    const names = [...keys.keys()];
    const windows = names.map((k) => keys.get(k)!.windowMs);
    const granted: { waiter: Waiter; grant: string }[] = [];
    let nextAtDb = Infinity;

    await this.db.prisma.$transaction(async (tx) => {
      const [{ now }] = (await tx.$queryRaw<{ now: number }[]>`
        SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS "now"
        FROM (SELECT pg_advisory_xact_lock(hashtext('taizhang-ratelimit:' || current_schema()))) AS "lock"`) as [{ now: number }];
      this.offsetMs = now - Date.now();
      if (now - this.lastHousekeeping >= HOUSEKEEPING_EVERY_MS) {
        this.lastHousekeeping = now;
        await tx.$executeRaw`UPDATE "RateSlot" SET "doneMs" = "grantedMs" + ${STUCK_MS} WHERE "doneMs" IS NULL AND "grantedMs" < ${now - STUCK_MS}`;
        await tx.$executeRaw`DELETE FROM "RateSlot" WHERE "doneMs" < ${now - RETAIN_MS}`;
      }
      const rows = await tx.$queryRaw<{ key: string; inflight: number; done: number }[]>`
        SELECT k."key" AS "key",
               (count(s."key") FILTER (WHERE s."doneMs" IS NULL))::int AS "inflight",
               (count(s."key") FILTER (WHERE s."doneMs" IS NOT NULL))::int AS "done"
        FROM unnest(${names}::text[], ${windows}::float8[]) AS k("key", "w")
        LEFT JOIN "RateSlot" s ON s."key" = k."key" AND (s."doneMs" IS NULL OR s."doneMs" > ${now} - k."w")
        GROUP BY k."key"`;
      for (const r of rows) {
        const k = keys.get(r.key)!;
        k.occupied = r.inflight + r.done;
        k.done = r.done;
      }

      // FIFO, as in ratelimit.ts: a waiter blocked on a key holds up later waiters of that key only.
      const localNow = now - this.offsetMs;
      const blocked = new Set<string>();
      for (const w of waiters) {
        let ready = true;
        for (const s of w.specs) {
          if (blocked.has(s.key)) {
            ready = false;
            continue;
          }
          const paused = this.pausedUntil.get(s.key) ?? 0;
          if (paused > localNow) {
            blocked.add(s.key);
            nextAtDb = Math.min(nextAtDb, paused + this.offsetMs);
            ready = false;
          } else if (keys.get(s.key)!.occupied >= keys.get(s.key)!.limit) {
            blocked.add(s.key);
            ready = false;
          }
        }
        if (!ready) continue;
        for (const s of w.specs) keys.get(s.key)!.occupied += 1;
        granted.push({ waiter: w, grant: `${this.holder}:${++this.seq}` });
      }

      // When does each full key free a slot? The (occupied − limit + 1)-th oldest done call, a
      // window after it finished; if the in-flight calls alone fill the key, when one reports back.
      for (const key of blocked) {
        const k = keys.get(key)!;
        if (k.occupied < k.limit) continue; // blocked by a pause (or behind a waiter that was)
        const skip = k.occupied - k.limit;
        if (skip >= k.done) {
          nextAtDb = Math.min(nextAtDb, now + POLL_MS);
          continue;
        }
        const [oldest] = await tx.$queryRaw<{ doneMs: number }[]>`
          SELECT "doneMs" FROM "RateSlot" WHERE "key" = ${key} AND "doneMs" > ${now - k.windowMs}
          ORDER BY "doneMs" LIMIT 1 OFFSET ${skip}`;
        nextAtDb = Math.min(nextAtDb, oldest ? oldest.doneMs + k.windowMs : now + POLL_MS);
      }

      if (granted.length > 0) {
        const grants: string[] = [];
        const grantKeys: string[] = [];
        for (const g of granted) {
          for (const s of g.waiter.specs) {
            grants.push(g.grant);
            grantKeys.push(s.key);
          }
        }
        await tx.$executeRaw`
          INSERT INTO "RateSlot" ("grant", "key", "grantedMs")
          SELECT g, k, ${now} FROM unnest(${grants}::text[], ${grantKeys}::text[]) AS t(g, k)
          ON CONFLICT DO NOTHING`;
      }
    });

    // Committed: the slots are ours.
    for (const g of granted) {
      this.waiters.splice(this.waiters.indexOf(g.waiter), 1);
      let released = false;
      g.waiter.resolve({
        release: () => {
          if (released) return;
          released = true;
          const p: Promise<void> = this.release(g.grant).finally(() => this.releasing.delete(p));
          this.releasing.add(p);
        },
      });
    }
    return nextAtDb - this.offsetMs;
  }

  private async release(grant: string): Promise<void> {
    try {
      await this.db.prisma.$executeRaw`
        UPDATE "RateSlot" SET "doneMs" = (extract(epoch FROM clock_timestamp()) * 1000)::float8 WHERE "grant" = ${grant}`;
    } catch (err) {
      // The slot counts as in flight until STUCK_MS: conservative, never over the limit.
      this.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, '共享限流：释放发送名额失败');
    }
    this.pump();
  }
}
