// The calendar in the scheduled jobs: New Year's Day 2027 (not in the holiday library) fires
// nothing; a 调休 Saturday the office loaded fires the daily jobs, also when another instance
// loaded it; and the December reminder 「请载入 2027 年放假安排」 — plan, exactly once per period,
// working days only, silent once loaded — on SQLite and PostgreSQL.
import { expect, it } from 'vitest';
import { FixedClock } from '../../src/clock.js';
import { parseCalendarEntry } from '../../src/core/calendar-entry.js';
import { addDays } from '../../src/core/dates.js';
import { cardText } from '../../src/jobs/preview.js';
import { runJob } from '../../src/jobs/run.js';
import { tickJobs, type TickOutcome } from '../../src/jobs/scheduler.js';
import { JOB_NAMES } from '../../src/jobs/settings.js';
import { createCalendarProvider, setCalendarDays } from '../../src/ledger/calendars.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, deliveriesByUuid, demoTenant, fakeFeishuFor, report, senderFor, testApp } from './helpers.js';

const entries = (date: string, kind: string, name?: string) => {
  const r = parseCalendarEntry(date, kind, name);
  if (!r.ok) throw new Error(r.problem);
  return r.entries;
};
const ran = (outcomes: TickOutcome[]) => outcomes.filter((o) => o.action === 'ran').map((o) => `${o.job}@${o.periodKey}`);

describeEachDatabase('calendar in the scheduled jobs', (ctx) => {
  it('2027-01-01 (元旦, computed): no overdue warning, honour roll, quarterly review or year-end tally; they fire on Monday 01-04', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'new-year-2027');
    // A task overdue since December, so the overdue warning has something to say every working day.
    await db.prisma.task.updateMany({ where: { tenantId: tenant.id, codeKey: 'QY-2026-014' }, data: { deadline: '2026-12-15', status: '推进中' } });
    await report(db.prisma, tenant.id, 'QY-2026-014', at('2026-12-20', '10:00'));
    const clock = new FixedClock(at('2026-12-31', '08:00'));
    const app = testApp(db, tenant, clock);
    const fired: string[] = [];
    // Just after each job's time, every day from 12-31 to 01-04, as the heartbeat would.
    for (let d = '2026-12-31'; d <= '2027-01-04'; d = addDays(d, 1)) {
      for (const time of ['08:35', '09:05', '09:20', '09:35', '10:05', '10:35', '11:05', '18:00']) {
        clock.set(at(d, time));
        fired.push(...ran(await tickJobs(app, { tenantIds: [tenant.id] })));
      }
    }
    expect(fired.filter((f) => f.includes('2027-01-0') && !f.includes('2027-01-04'))).toEqual([]);
    expect(fired).toEqual(expect.arrayContaining(['reminders@2026-12-31', 'overdue@2026-12-31', 'calendar@2026-12-w5', 'reminders@2027-01-04', 'overdue@2027-01-04', 'honour-roll@2026-12', 'quarterly@2026-Q4', 'year-end@2026']));
    const runs = await db.prisma.jobRun.findMany({ where: { tenantId: tenant.id, planned: { gte: 0 } } });
    expect(runs.filter((r) => r.firedAt >= at('2027-01-01', '00:00') && r.firedAt < at('2027-01-04', '00:00'))).toEqual([]);
    const outbox = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id } });
    expect(outbox.filter((m) => /:2027-01-0[123]$/.test(m.dedupeKey))).toEqual([]);
    expect(outbox.some((m) => m.dedupeKey.startsWith('overdue:') && m.dedupeKey.endsWith(':2027-01-04'))).toBe(true);
    // 12-15 → 01-04 is 13 working days, not 14: 01-01 was a holiday.
    const warning = outbox.find((m) => m.dedupeKey.startsWith('overdue:') && m.dedupeKey.endsWith(':2027-01-04') && m.content.includes('QY-2026-014'))!;
    expect(warning.content).toContain('已逾期 13 个工作日（完成时限 2026-12-15）');
  });

  it('a 调休 Saturday the office loaded (2027-02-20) fires the daily jobs; an unloaded Saturday does not', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'makeup-saturday');
    const clock = new FixedClock(at('2027-02-19', '12:00'));
    const app = testApp(db, tenant, clock);
    expect(ran(await tickJobs(app, { tenantIds: [tenant.id], jobs: ['reminders', 'overdue'] }))).toEqual(['reminders@2027-02-19', 'overdue@2027-02-19']);
    // Another instance (its own provider) loads the notice while this one has its calendar cached.
    const elsewhere = createCalendarProvider(db.prisma);
    await setCalendarDays(db.prisma, elsewhere, tenant.id, entries('2027-02-20', '上班', '春节调休'), 'ou_office');
    clock.set(at('2027-02-20', '10:00'));
    expect(ran(await tickJobs(app, { tenantIds: [tenant.id], jobs: ['reminders', 'overdue'] }))).toEqual(['reminders@2027-02-20', 'overdue@2027-02-20']);
    clock.set(at('2027-02-27', '10:00')); // a plain Saturday
    const saturday = await tickJobs(app, { tenantIds: [tenant.id], jobs: ['reminders', 'overdue'] });
    expect(ran(saturday)).toEqual([]);
    expect(saturday.map((o) => o.periodKey)).toEqual(['2027-02-26', '2027-02-26']);
    // And a weekday the office made a holiday fires nothing.
    await setCalendarDays(db.prisma, elsewhere, tenant.id, entries('2027-03-01', '放假', '县庆'), 'ou_office');
    clock.set(at('2027-03-01', '10:00'));
    expect(ran(await tickJobs(app, { tenantIds: [tenant.id], jobs: ['reminders', 'overdue'] }))).toEqual([]);
  });

  it('the December reminder: the card, to the office, on the first working day of December', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'december-card');
    const app = testApp(db, tenant, new FixedClock(at('2026-12-01', '09:15')));
    const report = await runJob(app, 'calendar', at('2026-12-01', '09:15'), { dryRun: true });
    expect(report.period).toMatchObject({ key: '2026-12-w1', label: '2026-12-01 至 2026-12-07' });
    expect(report.messages).toHaveLength(1);
    const [m] = report.messages;
    expect(m!.title).toBe('请载入 2027 年放假安排');
    expect(m!.recipient.label).toMatch(/改革办/);
    expect(m!.dedupeKey).toBe(`calendar:tenant${tenant.id}.year2027:${m!.recipient.receiveId}:2026-12-w1`);
    const text = cardText(m!.card).join('\n');
    expect(text).toContain('【请载入 2027 年放假安排】（orange）');
    expect(text).toContain('春节：2月5日（周五）至2月10日（周三），其中 2月9日、2月10日为周末补假（估计）');
    expect(text).toContain('调休上班日：未知');
    expect(text).toContain('日历 2027-02-11 放假 春节');
    expect(text).toContain('日历 2027-02-20 上班 春节调休');
    expect(text).not.toContain('taizhang');
    // A year the library knows: nothing to send (December 2025 is about 2026).
    const known = await runJob(app, 'calendar', at('2025-12-01', '09:15'), { dryRun: true });
    expect(known.messages).toEqual([]);
    expect(known.notes).toContain('2026 年放假安排已载入（库数据），无需提醒');
  });

  it('the December card reaches the office group through the fake Feishu, which accepts it as card JSON 2.0', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'december-delivery');
    const fake = await fakeFeishuFor(db.prisma, tenant.id);
    const { sender } = senderFor(db, fake);
    try {
      sender.start();
      const app = testApp(db, tenant, new FixedClock(at('2026-12-01', '09:20')));
      expect(ran(await tickJobs(app, { tenantIds: [tenant.id], jobs: ['calendar'], sender }))).toEqual(['calendar@2026-12-w1']);
      await sender.waitUntilIdle(20_000);
      const rows = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, dedupeKey: { startsWith: 'calendar:' } } });
      expect(rows.map((r) => r.status)).toEqual(['sent']);
      expect(deliveriesByUuid(fake).get(rows[0]!.uuid)).toBe(1);
      const sent = fake.getMessage(rows[0]!.feishuMessageId!)!;
      expect((sent.content as { header: { title: { content: string } } }).header.title.content).toBe('请载入 2027 年放假安排');
    } finally {
      await sender.stop();
      await fake.close();
    }
  });

  it('the December reminder fires once per 7-day stretch, on working days only, and stops once the office loads the year', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'december-once');
    const clock = new FixedClock(at('2026-11-30', '10:00'));
    const app = testApp(db, tenant, clock);
    const fired: string[] = [];
    for (let d = '2026-11-30'; d <= '2026-12-20'; d = addDays(d, 1)) {
      for (const time of ['09:20', '15:00']) {
        clock.set(at(d, time));
        fired.push(...ran(await tickJobs(app, { tenantIds: [tenant.id], jobs: ['calendar'] })).map((r) => `${d} ${r}`));
      }
      // Loaded by the office on Sunday 12-13: the third stretch (from 12-15) sends nothing.
      if (d === '2026-12-13') await setCalendarDays(db.prisma, app.calendars, tenant.id, entries('2027-02-20', '上班', '春节调休'), 'ou_office');
    }
    // 12-01 (Tuesday) and 12-08 (Tuesday): the first working day of each stretch; 12-05/06 are a weekend.
    expect(fired).toEqual(['2026-12-01 calendar@2026-12-w1', '2026-12-08 calendar@2026-12-w2', '2026-12-15 calendar@2026-12-w3']);
    const cards = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, dedupeKey: { startsWith: 'calendar:' } }, orderBy: { id: 'asc' } });
    expect(cards.map((c) => c.dedupeKey.split(':').pop())).toEqual(['2026-12-w1', '2026-12-w2']);
    const third = await db.prisma.jobRun.findUniqueOrThrow({ where: { tenantId_job_periodKey: { tenantId: tenant.id, job: 'calendar', periodKey: '2026-12-w3' } } });
    expect(third.planned).toBe(0);
    // Running it again by hand for the same moment queues nothing new.
    expect((await runJob(app, 'calendar', at('2026-12-08', '09:15'))).enqueued).toBe(0);
  });

  it('a stretch that starts on a weekend fires on its first working day; a weekend-only check never fires', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'december-weekend');
    const clock = new FixedClock(at('2029-12-01', '10:00')); // Saturday; 2030 is not in the library
    const app = testApp(db, tenant, clock);
    expect(ran(await tickJobs(app, { tenantIds: [tenant.id], jobs: ['calendar'] }))).toEqual([]);
    clock.set(at('2029-12-02', '10:00'));
    expect(ran(await tickJobs(app, { tenantIds: [tenant.id], jobs: ['calendar'] }))).toEqual([]);
    clock.set(at('2029-12-03', '10:00'));
    expect(ran(await tickJobs(app, { tenantIds: [tenant.id], jobs: ['calendar'] }))).toEqual(['calendar@2029-12-w1']);
    expect(JOB_NAMES).toContain('calendar');
  });
});
