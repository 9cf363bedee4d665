// The day's 三色督办 colours, computed ahead of the people who ask. A new day (Asia/Shanghai) makes
// every task's stored colour stale (src/ledger/levels.ts); recomputing 100,000 of them takes
// seconds, which the first 台账 of the day used to spend while a person waited. This pass does it
// at start, at 00:00:30 and every minute after (only stale rows: usually none), per tenant with the
// tenant's calendar and thresholds; the query path recomputes only a few stale rows
// (src/ledger/summary.ts) and never waits for it.
// One pass at a time in a process; with several instances each runs it (the writes are
// idempotent: a row refreshed by one is no longer stale for the other).
import cron, { type ScheduledTask } from 'node-cron';
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../app.js';
import { shanghaiDate, TIME_ZONE } from '../core/dates.js';
import { refreshLevels } from '../ledger/levels.js';
import { supervisionThresholds } from '../ledger/settings.js';

/**
 * Second 30 of every minute, Asia/Shanghai (node-cron with seconds): 00:00:30 for the new day, and
 * within a minute after anything else made many colours stale (an import, a threshold or calendar
 * change). When nothing is stale a pass is one COUNT per tenant.
 */
export const LEVELS_REFRESH_CRON = '30 * * * * *';

export interface LevelsPass {
  tenantId: number;
  today: string;
  refreshed: number;
  ms: number;
}

/** Brings every tenant's colours up to date for today (its own calendar and thresholds). */
export async function refreshAllLevels(app: AppContext, tenantIds?: number[]): Promise<LevelsPass[]> {
  const ids = tenantIds ?? (await app.db.prisma.tenant.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((t) => t.id);
  const out: LevelsPass[] = [];
  for (const tenantId of ids) {
    const t0 = performance.now();
    // Read per tenant: a pass running across midnight uses the new day for the tenants after it.
    const today = shanghaiDate(app.clock.now());
    const [calendar, thresholds] = await Promise.all([app.calendars.calendarFor(tenantId), supervisionThresholds(app.db.prisma, tenantId)]);
    const { refreshed } = await refreshLevels(app.db.prisma, tenantId, { today, calendar, thresholds });
    out.push({ tenantId, today, refreshed, ms: Math.round(performance.now() - t0) });
  }
  return out;
}

export interface LevelsRefresh {
  /** The pass started at start (resolves when it has finished). */
  ready: Promise<LevelsPass[]>;
  /** A pass now (joins one already running). */
  runNow(): Promise<LevelsPass[]>;
  stop(): Promise<void>;
}

export function startLevelsRefresh(app: AppContext, opts: { cron?: boolean; tenantIds?: number[] } = {}): LevelsRefresh {
  const log = app.logger.child({ module: 'levels' });
  let running: Promise<LevelsPass[]> | null = null;
  let stopped = false;
  const runNow = (): Promise<LevelsPass[]> => {
    if (stopped) return Promise.resolve([]);
    running ??= refreshAllLevels(app, opts.tenantIds)
      .then((passes) => {
        const refreshed = passes.reduce((n, p) => n + p.refreshed, 0);
        if (refreshed > 0) log.info({ passes }, `已按今日重新计算 ${refreshed} 项事项的督办颜色`);
        return passes;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const safeRun = () => {
    runNow().catch((err: unknown) => log.error({ err: (err as Error).message }, '督办颜色预计算失败，查询时将按预算逐步计算'));
  };
  let task: ScheduledTask | undefined;
  if (opts.cron !== false) task = cron.schedule(LEVELS_REFRESH_CRON, safeRun, { timezone: TIME_ZONE, name: 'taizhang:levels', noOverlap: true });
  const ready = runNow();
  ready.catch((err: unknown) => log.error({ err: (err as Error).message }, '启动时督办颜色预计算失败'));
  return {
    ready,
    runNow,
    async stop() {
      stopped = true;
      await task?.stop();
      await running?.catch(() => undefined);
    },
  };
}
