// Claiming outbox rows for delivery. Claims are leases (lockedBy/lockedUntil): an instance claims
// rows it will deliver, renews the claim while it works (HeldClaims' heartbeat), and records each
// row's outcome only while the row is still its own. Rows of an instance that died expire and are
// claimed again by another; Feishu's uuid (outboxUuid of the dedupeKey) drops the repeat of a send
// that was in flight. PostgreSQL claims with FOR UPDATE SKIP LOCKED, so instances never share a row.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { HeldClaims } from '../db/held-claims.js';
import { Prisma, type OutboxMessage } from '../generated/prisma-sqlite/client.js';

export type OutboxRow = OutboxMessage;
export type OutboxUpdate = Parameters<Database['prisma']['outboxMessage']['updateMany']>[0]['data'];

/**
 * Only the rows of one tenant whose dedupe key starts and ends as given: one job's messages for one
 * period (`<job>:…:<period>`), for a drain from the command line that must not send anything else.
 */
export interface OutboxScope {
  tenantId: number;
  keyPrefix: string;
  keySuffix: string;
}

export interface OutboxStoreOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Written in lockedBy. */
  holder: string;
  /** How long a claim lasts unless renewed (renewed every lockMs/3 while held). */
  lockMs: number;
  /** Claim only these rows (default: every row). */
  scope?: OutboxScope;
}

export class OutboxStore {
  /**
   * Rows this instance has claimed and not yet settled, renewed by the heartbeat; the owed value is
   * an outcome whose write failed (database gone), written before the next claim.
   */
  private readonly held: HeldClaims<{ data: OutboxUpdate; then?: (() => Promise<void>) | undefined }>;

  constructor(private readonly opts: OutboxStoreOptions) {
    this.held = new HeldClaims(opts.lockMs, (ids) => this.renew(ids));
  }

  /**
   * Claims up to `max` rows due now (pending, or sending with an expired lease), oldest first, in
   * ONE statement (UPDATE … RETURNING the rows) on both databases: PostgreSQL skips rows another
   * instance has locked (FOR UPDATE SKIP LOCKED); SQLite has one writer, so it is atomic there as
   * it is. Raw SQL because it runs for every message: each Prisma call costs ~0.5 ms of CPU
   * compiling its query (bench:reply).
   */
  async claim(max: number): Promise<OutboxRow[]> {
    // Outcomes not yet written (the database went away) first; while it is away, claim nothing.
    await this.flushOwed();
    const { db, clock, holder, lockMs } = this.opts;
    const now = clock.now();
    const until = new Date(now.getTime() + lockMs);
    const skipLocked = db.provider === 'postgresql' ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
    const rows = await db.prisma.$queryRaw<OutboxRow[]>`
      UPDATE "OutboxMessage"
      SET "status" = 'sending', "lockedBy" = ${holder}, "lockedUntil" = ${until}, "attempts" = "attempts" + 1
      WHERE "id" IN (
        SELECT "id" FROM "OutboxMessage"
        WHERE (("status" = 'pending' AND "nextAttemptAt" <= ${now})
           OR ("status" = 'sending' AND "lockedUntil" < ${now}))${this.scopeSql()}
        ORDER BY "id" LIMIT ${max}
        ${skipLocked})
      RETURNING *`;
    return this.hold(rows.map(normaliseRow).sort((a, b) => a.id - b.id));
  }

  /** True while this instance holds the row (claimed, outcome not yet written). */
  holds(id: number): boolean {
    return this.held.has(id);
  }

  /** True when the row's outcome is known but not yet written (the database was away). */
  owes(id: number): boolean {
    return this.held.owedFor(id) !== undefined;
  }

  /**
   * Writes a row's outcome (only while the row is still ours), then runs `then` if it was written.
   * When the database does not answer, the outcome is kept and written before the next claim, so
   * a message that went out is recorded as sent instead of waiting for its lease and going again.
   */
  async record(row: OutboxRow, data: OutboxUpdate, then?: () => Promise<void>): Promise<void> {
    let count: number;
    try {
      count = await this.writeOutcome(row.id, data);
    } catch (err) {
      this.held.owe(row.id, { data, then });
      this.opts.logger.warn({ outboxId: row.id, err: errText(err) }, '发送结果暂未能写入数据库，稍后补写');
      return;
    }
    this.held.settle(row.id);
    if (count === 1 && then) await then();
  }

  /**
   * Writes a row's outcome while the row is still ours; returns 1 when written, 0 when not ours.
   * Plain values (the usual outcomes: sent, failed, back-off) go as one raw UPDATE, like the claim.
   */
  private async writeOutcome(id: number, data: OutboxUpdate): Promise<number> {
    const prisma = this.opts.db.prisma;
    const set = plainSet(data);
    if (!set) return (await prisma.outboxMessage.updateMany({ where: { id, lockedBy: this.opts.holder, status: 'sending' }, data })).count;
    return prisma.$executeRaw`UPDATE "OutboxMessage" SET ${set} WHERE "id" = ${id} AND "lockedBy" = ${this.opts.holder} AND "status" = 'sending'`;
  }

  /** Writes outcomes kept while the database was away. Throws while it still is. */
  async flushOwed(): Promise<void> {
    for (const [id, owed] of this.held.entries()) {
      if (!owed) continue;
      const count = await this.writeOutcome(id, owed.data);
      this.held.settle(id);
      if (count === 1 && owed.then) await owed.then().catch((err) => this.opts.logger.error({ err: errText(err) }, '发送后续处理出错'));
    }
  }

  /**
   * Makes rows this instance backed off (pending, not claimed) due now. Returns how many; throws
   * when the database does not answer.
   */
  async makeDueNow(ids: number[]): Promise<number> {
    const { count } = await this.opts.db.prisma.outboxMessage.updateMany({
      where: { id: { in: ids }, status: 'pending', lockedBy: null },
      data: { nextAttemptAt: this.opts.clock.now() },
    });
    return count;
  }

  /** Rows not yet delivered (pending or being sent), in every instance (within the scope, if any). */
  busyCount(): Promise<number> {
    return this.opts.db.prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] }, ...this.scopeWhere() } });
  }

  private scopeWhere(): { tenantId?: number; dedupeKey?: { startsWith: string; endsWith: string } } {
    const scope = this.opts.scope;
    return scope ? { tenantId: scope.tenantId, dedupeKey: { startsWith: scope.keyPrefix, endsWith: scope.keySuffix } } : {};
  }

  private scopeSql(): Prisma.Sql {
    const scope = this.opts.scope;
    if (!scope) return Prisma.empty;
    const like = `${escapeLike(scope.keyPrefix)}%${escapeLike(scope.keySuffix)}`;
    return Prisma.sql` AND "tenantId" = ${scope.tenantId} AND "dedupeKey" LIKE ${like} ESCAPE '\\'`;
  }

  /** Stops renewing claims (at shutdown, after the rows in flight settled). */
  stop(): void {
    this.held.stop();
  }

  /** Marks claimed rows as ours (heartbeat). A row already in flight here (its lease ran out while the heartbeat could not reach the database) is not delivered twice. */
  private hold(rows: OutboxRow[]): OutboxRow[] {
    const fresh = rows.filter((r) => !this.held.has(r.id));
    for (const r of fresh) this.held.hold(r.id);
    return fresh;
  }

  /** The heartbeat: extends the claim on rows this instance still has in hand. */
  private async renew(ids: number[]): Promise<void> {
    try {
      await this.opts.db.prisma.outboxMessage.updateMany({
        where: { id: { in: ids }, lockedBy: this.opts.holder, status: 'sending' },
        data: { lockedUntil: new Date(this.opts.clock.now().getTime() + this.opts.lockMs) },
      });
    } catch (err) {
      this.opts.logger.warn({ err: errText(err) }, '发件箱续期失败（数据库不可用？）');
    }
  }
}

/**
 * `"column" = value, …` for an update whose values are all plain (string, number, boolean, Date,
 * null); undefined when one is an operation ({ increment: 1 }) that only Prisma writes. The keys are
 * OutboxMessage's field names, which are its column names (no @map).
 */
function plainSet(data: OutboxUpdate): Prisma.Sql | undefined {
  const parts: Prisma.Sql[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) return undefined;
    if (!/^[A-Za-z]+$/.test(key)) return undefined;
    parts.push(Prisma.sql`${Prisma.raw(`"${key}"`)} = ${value}`);
  }
  return parts.length ? Prisma.join(parts, ', ') : undefined;
}

/** A row as raw SQL returns it: integer columns may come back as bigint. */
function normaliseRow(row: OutboxRow): OutboxRow {
  return { ...row, id: Number(row.id), tenantId: Number(row.tenantId), attempts: Number(row.attempts), errorCode: row.errorCode === null ? null : Number(row.errorCode) };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
