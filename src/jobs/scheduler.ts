// The scheduler: node-cron (Asia/Shanghai) wakes it at each job's configured time and once a
// minute as a heartbeat; every wake-up runs the same idempotent step, tick():
//
//   for each tenant and enabled job:
//     occurrence = the most recent scheduled moment ≤ now (working days only, 调休 included)
//     if a JobRun row exists for (tenant, job, period of that occurrence)  → nothing to do
//     else if the occurrence is within the job's catch-up window           → run it, as of that moment
//     else                                                                   → record it as skipped
//
// So a 09:00 job fires once at 09:00; if the process was down at 09:00 it fires once when it comes
// back (same day, `at` = 09:00); a period long past is recorded as skipped, never replayed as if
// fresh; a restart re-fires nothing (the JobRun rows are in the database, not in memory); and with
// several instances the JobRun insert decides which one runs it (see outbox.ts). Everything reads
// the injected Clock, so tests and the sandbox drive it by moving the clock and calling tick().
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../app.js';
import { systemClock, type Clock } from '../clock.js';
import { shanghaiDateTime, TIME_ZONE } from '../core/dates.js';
import { recordSkipped } from './outbox.js';
import { runJob, type JobRunReport } from './run.js';
import { cronExpression, jobPeriod, latestOccurrence } from './schedule.js';
import { JOB_LABELS, JOB_NAMES, loadTenantJobConfig, type JobName } from './settings.js';

export type TickAction = 'ran' | 'already-done' | 'lost-race' | 'skipped' | 'not-due' | 'disabled' | 'busy' | 'failed';

export interface TickOutcome {
  tenantId: number;
  job: JobName;
  action: TickAction;
  /** The scheduled moment considered (null when the schedule has none in the look-back). */
  occurrence: Date | null;
  periodKey: string | null;
  report?: JobRunReport;
  error?: string;
}

export interface SchedulerOptions {
  /** Woken after a run queued messages (the Sender also polls). */
  sender?: { wake(): void };
  /** Tenants to serve; default: every tenant in the database. */
  tenantIds?: number[];
  /** Register node-cron tasks (default true). Tests drive tick() by hand instead. */
  cron?: boolean;
  /** node-cron heartbeat expression (default every minute); false to disable. */
  heartbeat?: string | false;
  /** Jobs to consider (default all). */
  jobs?: readonly JobName[];
  /** After a failed run, wait this long before trying the same job again (default 5 min). */
  retryAfterMs?: number;
  /** Stamps outbox and JobRun rows (transport time; default the system clock). See RunOptions. */
  outboxClock?: Clock;
}

export interface Scheduler {
  /** Resolves when the start-up catch-up tick has finished. */
  ready: Promise<TickOutcome[]>;
  /** One scheduling step now (also what cron and the heartbeat call). */
  tick(): Promise<TickOutcome[]>;
  /** node-cron expressions registered, for `taizhang job --list` and tests. */
  readonly cronTasks: { name: string; expression: string }[];
  stop(): Promise<void>;
}

const HOUR = 3_600_000;

/** One scheduling step across tenants and jobs. Safe to call any time, from any instance. */
export async function tickJobs(app: AppContext, opts: Pick<SchedulerOptions, 'sender' | 'tenantIds' | 'jobs' | 'outboxClock'> & { skipJob?: (tenantId: number, job: JobName) => boolean } = {}): Promise<TickOutcome[]> {
  const now = app.clock.now();
  const tenantIds = opts.tenantIds ?? (await app.db.prisma.tenant.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((t) => t.id);
  const outcomes: TickOutcome[] = [];
  for (const tenantId of tenantIds) {
    let config;
    try {
      config = await loadTenantJobConfig(app.db.prisma, tenantId);
    } catch (err) {
      // A bad setting must not stop the other tenants; say it loudly.
      app.logger.error({ tenantId, err: (err as Error).message }, '定时推送设置有误，本租户的定时推送暂停');
      for (const job of opts.jobs ?? JOB_NAMES) outcomes.push({ tenantId, job, action: 'failed', occurrence: null, periodKey: null, error: (err as Error).message });
      continue;
    }
    // The tenant's own calendar: the office's 调休 entries decide which days are working days.
    const calendar = await app.calendars.calendarFor(tenantId);
    for (const job of opts.jobs ?? JOB_NAMES) {
      const cfg = config.jobs[job];
      if (!cfg.enabled) {
        outcomes.push({ tenantId, job, action: 'disabled', occurrence: null, periodKey: null });
        continue;
      }
      const occ = latestOccurrence(cfg.schedule, now, calendar);
      if (!occ) {
        outcomes.push({ tenantId, job, action: 'not-due', occurrence: null, periodKey: null });
        continue;
      }
      const periodKey = jobPeriod(job, occ.date, config.thresholds.reportingCycle).key;
      const base = { tenantId, job, occurrence: occ.at, periodKey };
      const done = await app.db.prisma.jobRun.findUnique({ where: { tenantId_job_periodKey: { tenantId, job, periodKey } }, select: { id: true } });
      if (done) {
        outcomes.push({ ...base, action: 'already-done' });
        continue;
      }
      if (opts.skipJob?.(tenantId, job)) {
        outcomes.push({ ...base, action: 'busy' });
        continue;
      }
      if (now.getTime() - occ.at.getTime() > cfg.catchUpHours * HOUR) {
        const recorded = await recordSkipped(app.db.prisma, tenantId, job, periodKey, opts.outboxClock ?? systemClock);
        if (recorded) {
          // A push due before the tenant existed was never missed (a fresh install): said quietly.
          const since = await app.db.prisma.tenant.findUnique({ where: { id: tenantId }, select: { createdAt: true } });
          const beforeInstall = since !== null && occ.at < since.createdAt;
          const fields = { tenantId, job, periodKey, occurrence: occ.at.toISOString() };
          if (beforeInstall) app.logger.info(fields, `${JOB_LABELS[job]}（${periodKey}）原定 ${shanghaiDateTime(occ.at)} 发送，早于本租户开始使用，不补发`);
          else app.logger.warn(fields, `${JOB_LABELS[job]}（${periodKey}）原定 ${shanghaiDateTime(occ.at)} 发送，已超过补发时限（${cfg.catchUpHours} 小时），不再补发`);
        }
        outcomes.push({ ...base, action: recorded ? 'skipped' : 'already-done' });
        continue;
      }
      try {
        const tenant = await app.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { id: true, key: true, name: true } });
        const report = await runJob(app, job, occ.at, { mode: 'scheduled', tenant, ...(opts.sender ? { sender: opts.sender } : {}), ...(opts.outboxClock ? { outboxClock: opts.outboxClock } : {}) });
        outcomes.push({ ...base, action: report.claimed ? 'ran' : 'lost-race', report });
      } catch (err) {
        app.logger.error({ tenantId, job, periodKey, err: (err as Error).message }, `${JOB_LABELS[job]}（${periodKey}）运行失败，稍后重试`);
        outcomes.push({ ...base, action: 'failed', error: (err as Error).message });
      }
    }
  }
  return outcomes;
}

export function startScheduler(app: AppContext, opts: SchedulerOptions = {}): Scheduler {
  const retryAfterMs = opts.retryAfterMs ?? 5 * 60_000;
  const failedAt = new Map<string, number>();
  const tasks: ScheduledTask[] = [];
  const cronTasks: { name: string; expression: string }[] = [];
  let running: Promise<TickOutcome[]> | null = null;
  let again = false;
  let stopped = false;

  // One tick at a time in this process: a cron wake-up during a running tick runs once more after it.
  const tick = (): Promise<TickOutcome[]> => {
    if (stopped) return Promise.resolve([]);
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let outcomes: TickOutcome[] = [];
      do {
        again = false;
        const nowMs = app.clock.now().getTime();
        outcomes = await tickJobs(app, {
          ...(opts.sender ? { sender: opts.sender } : {}),
          ...(opts.tenantIds ? { tenantIds: opts.tenantIds } : {}),
          ...(opts.jobs ? { jobs: opts.jobs } : {}),
          ...(opts.outboxClock ? { outboxClock: opts.outboxClock } : {}),
          skipJob: (tenantId, job) => nowMs - (failedAt.get(`${tenantId}:${job}`) ?? -Infinity) < retryAfterMs,
        });
        for (const o of outcomes) {
          const key = `${o.tenantId}:${o.job}`;
          if (o.action === 'failed') failedAt.set(key, nowMs);
          else if (o.action !== 'busy') failedAt.delete(key);
        }
      } while (again && !stopped);
      return outcomes;
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const safeTick = () => {
    tick().catch((err: unknown) => app.logger.error({ err: (err as Error).message }, '定时推送调度出错'));
  };

  let registered: Promise<void> = Promise.resolve();
  if (opts.cron !== false) {
    // Each job's own time (from the default tenant's settings) fires it on the minute; the
    // heartbeat covers other tenants' times, settings changed while running, and retries.
    const register = (name: string, expression: string) => {
      if (stopped) return;
      const task = cron.schedule(expression, safeTick, { timezone: TIME_ZONE, name, noOverlap: true });
      tasks.push(task);
      cronTasks.push({ name, expression });
    };
    if (opts.heartbeat !== false) register('taizhang:heartbeat', opts.heartbeat ?? '* * * * *');
    registered = loadTenantJobConfig(app.db.prisma, app.defaultTenant.id).then(
      (config) => {
        for (const job of opts.jobs ?? JOB_NAMES) register(`taizhang:${job}`, cronExpression(config.jobs[job].schedule));
      },
      (err: unknown) => {
        app.logger.error({ err: (err as Error).message }, '读取定时推送设置失败，仅按心跳检查');
      },
    );
  }

  // Catch-up on start: whatever was due while the process was down.
  const ready = Promise.all([registered, tick()]).then(([, outcomes]) => outcomes);
  ready.catch((err: unknown) => app.logger.error({ err: (err as Error).message }, '启动时补发检查出错'));

  return {
    ready,
    tick,
    cronTasks,
    async stop() {
      stopped = true;
      for (const t of tasks) await t.destroy();
      await running?.catch(() => undefined);
    },
  };
}
