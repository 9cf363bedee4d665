// The scheduler driven by an injected clock (no waiting): the Chinese calendar (a deadline on
// National Day, 调休 Saturdays, the first working day of July after a weekend), catch-up after
// downtime (once, as of the scheduled moment; long-past periods skipped, not replayed), running
// twice, and two instances racing for the same run — on SQLite and PostgreSQL.
import cron from 'node-cron';
import { afterEach, expect, it, vi } from 'vitest';
import { FixedClock } from '../../src/clock.js';
import { addDays, shanghaiDateTime } from '../../src/core/dates.js';
import { openDatabase } from '../../src/db/client.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { runJob } from '../../src/jobs/run.js';
import { startScheduler, tickJobs, type Scheduler, type TickOutcome } from '../../src/jobs/scheduler.js';
import { SKIPPED_PLANNED } from '../../src/jobs/outbox.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, demoTenant, report, testApp } from './helpers.js';

const actions = (outcomes: TickOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.job, o.action]));

describeEachDatabase('job scheduler', (ctx) => {
  const started: Scheduler[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop();
  });
  const start = (...args: Parameters<typeof startScheduler>) => {
    const s = startScheduler(...args);
    started.push(s);
    return s;
  };

  it('a deadline on a National Day holiday: reminded 5/3/1 working days before the shifted date and on it, never during the holiday; 调休 days count', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'national-day');
    const task = await db.prisma.task.findFirstOrThrow({ where: { tenantId: tenant.id, codeKey: 'QY-2026-014' } });
    await db.prisma.task.update({ where: { id: task.id }, data: { deadline: '2026-10-03' } });
    await report(db.prisma, tenant.id, 'QY-2026-014', at('2026-09-01', '10:00')); // keeps it out of red for missed reports
    const clock = new FixedClock(at('2026-09-18', '09:45'));
    const scheduler = start(testApp(db, tenant, clock), { cron: false, tenantIds: [tenant.id], jobs: ['reminders', 'overdue'] });
    await scheduler.ready;
    for (let d = '2026-09-19'; d <= '2026-10-12'; d = addDays(d, 1)) {
      clock.set(at(d, '09:45'));
      await scheduler.tick();
    }
    const runs = await db.prisma.jobRun.findMany({ where: { tenantId: tenant.id, job: 'reminders', planned: { gte: 0 } }, orderBy: { periodKey: 'asc' } });
    // Fired on every working day — including the 调休 Sunday 09-20 and 调休 Saturday 10-10 — and on no other day.
    expect(runs.map((r) => r.periodKey)).toEqual([
      '2026-09-18', '2026-09-20', '2026-09-21', '2026-09-22', '2026-09-23', '2026-09-24', '2026-09-28', '2026-09-29', '2026-09-30',
      '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12',
    ]);
    // One message per recipient per run (src/jobs/batch.ts): the task's messages are those that name it, to its liaison.
    const rows = (await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, receiveIdType: 'open_id' }, orderBy: { id: 'asc' } })).filter((r) => r.content.includes('QY-2026-014'));
    const days = (job: string) => rows.filter((r) => r.dedupeKey.startsWith(`${job}:`)).map((r) => r.dedupeKey.split(':').pop());
    // Effective deadline 10-08 (first working day after the holiday): 5 → 09-23, 3 → 09-28, 1 → 09-30, 0 → 10-08.
    expect(days('reminders')).toEqual(['2026-09-23', '2026-09-28', '2026-09-30', '2026-10-08']);
    const onTheDay = JSON.parse(rows.find((r) => r.dedupeKey.endsWith('2026-10-08'))!.content) as unknown;
    expect(JSON.stringify(onTheDay)).toContain('完成时限 2026-10-03（遇节假日顺延至 2026-10-08）：**今天到期**');
    // Overdue from the next working day, including the 调休 Saturday.
    expect(days('overdue')).toEqual(['2026-10-09', '2026-10-10', '2026-10-12']);
    expect(rows.find((r) => r.dedupeKey.startsWith('overdue:') && r.dedupeKey.endsWith('2026-10-10'))!.content).toContain('已逾期 2 个工作日');
  });

  it('the first working day of July after a weekend: the half-year tally waits for Monday and fires once', async () => {
    const db = ctx();
    const tenant = await ensureTenant(db.prisma, 'july-2023');
    const clock = new FixedClock(at('2023-07-01', '11:30')); // Saturday
    const app = testApp(db, tenant, clock);
    const warn = vi.spyOn(app.logger, 'warn');
    const info = vi.spyOn(app.logger, 'info');
    const first = await tickJobs(app, { tenantIds: [tenant.id], jobs: ['half-year'] });
    // The last occurrence is 2022-07-01, long past: recorded as skipped, not replayed — and, being
    // before the tenant was created (a fresh install), said as info, not as a warning (new-user trial).
    expect(first[0]).toMatchObject({ action: 'skipped', periodKey: '2022-H1' });
    expect(warn).not.toHaveBeenCalled();
    expect(info.mock.calls.map((c) => c[1])).toContain('半年一通报（2022-H1）原定 2022-07-01 11:00 发送，早于本租户开始使用，不补发');
    // A tenant created before the occurrence missed it: a warning.
    await db.prisma.tenant.update({ where: { id: tenant.id }, data: { createdAt: new Date('2020-01-01T00:00:00Z') } });
    await db.prisma.jobRun.deleteMany({ where: { tenantId: tenant.id, job: 'half-year', periodKey: '2022-H1' } });
    await tickJobs(app, { tenantIds: [tenant.id], jobs: ['half-year'] });
    expect(warn.mock.calls.map((c) => c[1])).toEqual([expect.stringContaining('已超过补发时限')]);
    warn.mockRestore();
    info.mockRestore();
    clock.set(at('2023-07-02', '11:30'));
    expect((await tickJobs(app, { tenantIds: [tenant.id], jobs: ['half-year'] }))[0]!.action).toBe('already-done');
    clock.set(at('2023-07-03', '11:00'));
    const monday = await tickJobs(app, { tenantIds: [tenant.id], jobs: ['half-year'] });
    expect(monday[0]).toMatchObject({ action: 'ran', periodKey: '2023-H1' });
    expect(shanghaiDateTime(monday[0]!.report!.at)).toBe('2023-07-03 11:00');
    clock.set(at('2023-07-04', '11:00'));
    expect((await tickJobs(app, { tenantIds: [tenant.id], jobs: ['half-year'] }))[0]!.action).toBe('already-done');
  });

  it('catches up a run missed while down, once, as of its scheduled moment; older periods are skipped', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'catch-up');
    const clock = new FixedClock(at('2026-11-23', '14:00')); // Monday; the process was down all morning
    const s1 = start(testApp(db, tenant, clock), { cron: false, tenantIds: [tenant.id] });
    const outcomes = await s1.ready;
    expect(actions(outcomes)).toEqual({
      reminders: 'ran', overdue: 'ran', digest: 'ran', // 09:00, 09:30, 08:30 today: within their windows
      nudges: 'skipped', 'honour-roll': 'skipped', quarterly: 'skipped', 'half-year': 'skipped', 'year-end': 'skipped',
      calendar: 'skipped', // December's reminder: last checked 2025-12-31
      // 改革闭环: the weekly digest and the daily ones today; the monthly, quarterly and yearly ones long ago.
      'suggestion-digest': 'ran', 'call-reminders': 'ran', lookback: 'ran', outposts: 'skipped', 'lookback-list': 'skipped', assessment: 'skipped',
      // 试点与复制推广: the daily case collection (09:45) today; the 20th's nudges and the 28th's 简报 long ago.
      'case-collection': 'ran', 'promotion-nudges': 'skipped', 'promotion-brief': 'skipped',
      reissue: 'ran', // 08:45 today: cards still waited on (this ledger's 待签收 and 待销号 never had one)
    });
    const reminders = outcomes.find((o) => o.job === 'reminders')!;
    expect(shanghaiDateTime(reminders.report!.at)).toBe('2026-11-23 09:00');
    expect(reminders.report!.enqueued).toBe(2);
    expect(outcomes.find((o) => o.job === 'honour-roll')).toMatchObject({ periodKey: '2026-10' });
    const queued = await db.prisma.outboxMessage.count({ where: { tenantId: tenant.id } });
    expect(queued).toBeGreaterThan(5);
    await s1.stop();

    // A restart re-fires nothing.
    const s2 = start(testApp(db, tenant, clock), { cron: false, tenantIds: [tenant.id] });
    expect(new Set(Object.values(actions(await s2.ready)))).toEqual(new Set(['already-done']));
    await s2.stop();
    expect(await db.prisma.outboxMessage.count({ where: { tenantId: tenant.id } })).toBe(queued);

    // Down for the whole of Tuesday: Tuesday's 09:00 is 23 hours old on Wednesday morning — skipped, not replayed.
    clock.set(at('2026-11-25', '08:00'));
    const s3 = start(testApp(db, tenant, clock), { cron: false, tenantIds: [tenant.id], jobs: ['reminders', 'overdue'] });
    expect(actions(await s3.ready)).toEqual({ reminders: 'skipped', overdue: 'skipped' });
    const skipped = await db.prisma.jobRun.findUniqueOrThrow({ where: { tenantId_job_periodKey: { tenantId: tenant.id, job: 'reminders', periodKey: '2026-11-24' } } });
    expect(skipped.planned).toBe(SKIPPED_PLANNED);
    expect(await db.prisma.outboxMessage.count({ where: { tenantId: tenant.id, dedupeKey: { endsWith: ':2026-11-24' } } })).toBe(0);
    // Wednesday 09:00 fires normally.
    clock.set(at('2026-11-25', '09:00'));
    expect(actions(await s3.tick())).toEqual({ reminders: 'ran', overdue: 'already-done' });
  });

  it('running twice for the same moment sends nothing new (by hand and by the scheduler)', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'twice');
    const clock = new FixedClock(at('2026-11-23', '09:40'));
    const app = testApp(db, tenant, clock);
    const a = await runJob(app, 'overdue', at('2026-11-23', '09:30'));
    expect(a.enqueued).toBeGreaterThan(0);
    const b = await runJob(app, 'overdue', at('2026-11-23', '09:30'));
    expect(b).toMatchObject({ enqueued: 0, alreadyQueued: a.messages.length });
    expect(b.messages.every((m) => m.alreadyQueued)).toBe(true);
    // The manual run recorded the period, so the scheduler does not fire it again.
    const t1 = await tickJobs(app, { tenantIds: [tenant.id], jobs: ['reminders', 'overdue'] });
    expect(actions(t1)).toEqual({ reminders: 'ran', overdue: 'already-done' });
    const t2 = await tickJobs(app, { tenantIds: [tenant.id], jobs: ['reminders', 'overdue'] });
    expect(actions(t2)).toEqual({ reminders: 'already-done', overdue: 'already-done' });
    // A dry run writes nothing at all.
    const before = await db.prisma.outboxMessage.count();
    const dry = await runJob(app, 'digest', at('2026-11-23', '08:30'), { dryRun: true });
    expect(dry.messages.length).toBe(3);
    expect(await db.prisma.outboxMessage.count()).toBe(before);
    expect(await db.prisma.jobRun.count({ where: { tenantId: tenant.id, job: 'digest' } })).toBe(0);
  });

  it('two instances racing for the same runs: exactly one runs each job, every message is queued once', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'race');
    // PostgreSQL: a second connection pool, as a second instance has. SQLite is one process by
    // design (better-sqlite3 blocks the event loop while waiting for a lock), so there the two
    // schedulers share the connection.
    const other = db.provider === 'postgresql' ? await openDatabase(db.target, { migrate: false }) : db;
    try {
      const clock = new FixedClock(at('2026-11-23', '09:45'));
      const jobs = ['reminders', 'overdue', 'digest'] as const;
      const [a, b] = await Promise.all([
        tickJobs(testApp(db, tenant, clock), { tenantIds: [tenant.id], jobs }),
        tickJobs(testApp(other, tenant, clock), { tenantIds: [tenant.id], jobs }),
      ]);
      for (const job of jobs) {
        const pair = [a.find((o) => o.job === job)!.action, b.find((o) => o.job === job)!.action].sort();
        expect(pair[0]).toMatch(/already-done|lost-race/);
        expect(pair[1]).toBe('ran');
      }
      const ran = [...a, ...b].filter((o) => o.action === 'ran');
      const planned = ran.reduce((n, o) => n + o.report!.messages.length, 0);
      expect(await db.prisma.outboxMessage.count({ where: { tenantId: tenant.id } })).toBe(planned);
      expect(await db.prisma.jobRun.count({ where: { tenantId: tenant.id } })).toBe(3);
    } finally {
      if (other !== db) await other.close();
    }
  });

  it('registers node-cron tasks in Asia/Shanghai for each job and a heartbeat, and removes them on stop', async () => {
    const db = ctx();
    const tenant = await ensureTenant(db.prisma, 'cron');
    const scheduler = start(testApp(db, tenant, new FixedClock(at('2026-11-23', '07:00'))), { tenantIds: [tenant.id] });
    await scheduler.ready;
    expect(scheduler.cronTasks).toContainEqual({ name: 'taizhang:heartbeat', expression: '* * * * *' });
    expect(scheduler.cronTasks).toContainEqual({ name: 'taizhang:reminders', expression: '0 9 * * *' });
    expect(scheduler.cronTasks).toContainEqual({ name: 'taizhang:digest', expression: '30 8 * * *' });
    const task = [...cron.getTasks().values()].find((t) => t.name === 'taizhang:reminders')!;
    const next = task.getNextRun()!;
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 0]); // 09:00 in Shanghai
    await scheduler.stop();
    expect([...cron.getTasks().values()].some((t) => t.name?.startsWith('taizhang:'))).toBe(false);
  });
});
