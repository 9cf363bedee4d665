// How long the bot keeps what people said and what it sent. Received events hold the message texts,
// card callback tokens and Feishu's verification token; sent messages hold their cards and, for a
// delayed card update, the callback token. After MESSAGE_RETENTION_DAYS (default 30) those are
// cleared; the rows stay with their ids, type, status and times, which is all deduplication needs
// (a re-delivered event or a re-run job is still recognised). Rows still to be processed or sent
// are never touched. The running bot purges every few hours (startRetentionTask); every instance
// may run it, the updates are idempotent.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Database } from './client.js';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per UPDATE: the first purge of a large database must not hold a long write lock. */
const CHUNK = 1_000;

export interface PurgeResult {
  inbox: number;
  outbox: number;
}

/**
 * Clears the payload of handled inbox events received before now − retentionDays, and the content
 * (and a card update's callback token) of outbox messages sent or failed before then. Returns how
 * many rows of each were cleared.
 */
export async function purgeExpiredPayloads(db: Database, now: Date, retentionDays: number): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const prisma = db.prisma;
  const result: PurgeResult = { inbox: 0, outbox: 0 };
  for (;;) {
    const rows = await prisma.inboxEvent.findMany({
      where: { receivedAt: { lt: cutoff }, status: { not: 'pending' }, payload: { not: '' } },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: CHUNK,
    });
    if (rows.length === 0) break;
    const { count } = await prisma.inboxEvent.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { payload: '' } });
    result.inbox += count;
  }
  for (;;) {
    const rows = await prisma.outboxMessage.findMany({
      where: { createdAt: { lt: cutoff }, status: { in: ['sent', 'failed'] }, content: { not: '' } },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: CHUNK,
    });
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.id);
    await prisma.outboxMessage.updateMany({ where: { id: { in: ids }, kind: 'card_update' }, data: { receiveId: null } });
    const { count } = await prisma.outboxMessage.updateMany({ where: { id: { in: ids } }, data: { content: '' } });
    result.outbox += count;
  }
  return result;
}

export interface RetentionTaskOptions {
  db: Database;
  logger: Logger;
  clock: Clock;
  retentionDays: number;
  /** How often to purge (default 6 h); the first purge runs shortly after start. */
  intervalMs?: number;
  /** Delay of the first purge (default 60 s: not in the way of start-up). */
  firstAfterMs?: number;
}

/** Purges now and then while the bot runs. stop() waits for a purge in progress. */
export function startRetentionTask(opts: RetentionTaskOptions): { stop(): Promise<void>; runNow(): Promise<PurgeResult> } {
  const interval = opts.intervalMs ?? 6 * 60 * 60 * 1000;
  let running: Promise<PurgeResult> | undefined;
  let stopped = false;
  const runNow = (): Promise<PurgeResult> => {
    running ??= purgeExpiredPayloads(opts.db, opts.clock.now(), opts.retentionDays)
      .then((r) => {
        if (r.inbox || r.outbox) {
          opts.logger.info({ ...r, retentionDays: opts.retentionDays }, `已清除 ${opts.retentionDays} 天前的消息内容：收到的事件 ${r.inbox} 条，发出的消息 ${r.outbox} 条（只保留编号用于去重）`);
        }
        return r;
      })
      .finally(() => (running = undefined));
    return running;
  };
  const tick = () => {
    if (stopped) return;
    runNow().catch((err: unknown) => opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, '清除过期消息内容失败，稍后重试'));
  };
  const first = setTimeout(tick, opts.firstAfterMs ?? 60_000);
  const every = setInterval(tick, interval);
  first.unref();
  every.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running?.catch(() => undefined);
    },
  };
}
