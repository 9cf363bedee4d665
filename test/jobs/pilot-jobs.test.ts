// The 试点与复制推广 jobs (issue 16) through runJob on each database, on the demo ledger with its
// pilot part (a Q4 case theme with three cases, a promotion plan in two batches, two units reported):
// who gets what, and exactly once per (job, recipient, period) — a second run sends nothing new.
import { expect, it } from 'vitest';
import { FixedClock } from '../../src/clock.js';
import { putSetting } from '../../src/db/repos/settings.js';
import { ALL_HANDS_CHAT_ID } from '../../src/demo/ledger.js';
import { loadPilotDemo } from '../../src/demo/pilot.js';
import { runJob } from '../../src/jobs/run.js';
import { JOB_NAMES, PILOT_JOB_NAMES } from '../../src/jobs/settings.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, demoTenant, testApp } from './helpers.js';

const OFFICE_CHAT = 'oc_reform_office_test';
const cardJson = (m: { card: unknown }) => JSON.stringify(m.card);

describeEachDatabase('pilot jobs', (ctx) => {
  async function setUp(key: string) {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, key);
    await loadPilotDemo(db.prisma, tenant.id, at('2026-12-01', '09:00'));
    await putSetting(db.prisma, tenant.id, 'recipients', { allHandsChatId: ALL_HANDS_CHAT_ID, officeChatId: OFFICE_CHAT }, 'test');
    const app = testApp(db, tenant, new FixedClock(at('2026-12-01', '09:00')));
    return { db, tenant, app };
  }

  it('are listed with the other jobs', () => {
    for (const job of PILOT_JOB_NAMES) expect(JOB_NAMES).toContain(job);
  });

  it('case collection: the theme notice once per quarter, reminders 10 and 3 working days before the quarter ends to units without a case', async () => {
    const { db, tenant, app } = await setUp('pilot-cases');
    const submitted = new Set((await db.prisma.typicalCase.findMany({ where: { tenantId: tenant.id, quarter: '2026Q4' } })).map((c) => c.unitId));
    expect(submitted.size).toBeGreaterThan(0);

    // 2026-12-17 is 10 working days before Thursday 2026-12-31.
    const first = await runJob(app, 'case-collection', at('2026-12-17', '09:45'), { tenant });
    const notice = first.messages.filter((m) => m.dedupeKey.startsWith('case-theme:'));
    expect(notice.map((m) => m.dedupeKey)).toEqual([`case-theme:2026Q4:${ALL_HANDS_CHAT_ID}`]);
    expect(cardJson(notice[0]!)).toContain('基层治理与便民服务创新');
    const reminders = first.messages.filter((m) => m.subject.includes('.unit'));
    expect(reminders.length).toBeGreaterThan(0);
    for (const m of reminders) {
      expect(m.subject).toMatch(/\.d10$/);
      expect(submitted.has(Number(/unit(\d+)/.exec(m.subject)![1]))).toBe(false);
      expect(cardJson(m)).toContain('还有 10 个工作日');
    }
    expect(first.enqueued).toBe(first.messages.length);

    // The same day again, and the next day (not a reminder day): nothing new.
    expect((await runJob(app, 'case-collection', at('2026-12-17', '15:00'), { tenant })).enqueued).toBe(0);
    const next = await runJob(app, 'case-collection', at('2026-12-18', '09:45'), { tenant });
    expect(next.messages.map((m) => m.dedupeKey)).toEqual(notice.map((m) => m.dedupeKey));
    expect(next.enqueued).toBe(0);

    // A unit that submits in between is not reminded 3 working days before the end.
    const late = reminders[0]!;
    const lateUnit = Number(/unit(\d+)/.exec(late.subject)![1]);
    await db.prisma.typicalCase.create({ data: { tenantId: tenant.id, quarter: '2026Q4', unitId: lateUnit, title: '补报案例', stage: '挖掘提升' } });
    const d3 = await runJob(app, 'case-collection', at('2026-12-28', '09:45'), { tenant });
    const d3Reminders = d3.messages.filter((m) => m.subject.includes('.unit'));
    expect(d3Reminders.length).toBeGreaterThan(0);
    expect(d3Reminders.every((m) => m.subject.endsWith('.d3'))).toBe(true);
    expect(d3Reminders.some((m) => m.subject.includes(`.unit${lateUnit}.`))).toBe(false);
    expect(d3.enqueued).toBe(d3Reminders.length);
    expect((await runJob(app, 'case-collection', at('2026-12-28', '10:00'), { tenant })).enqueued).toBe(0);
  });

  it('case collection without a theme sends nothing and says why', async () => {
    const { tenant, app } = await setUp('pilot-notheme');
    const r = await runJob(app, 'case-collection', at('2027-01-05', '09:45'), { tenant, dryRun: true });
    expect(r.messages).toEqual([]);
    expect(r.notes.join()).toContain('尚未设定案例征集主题');
  });

  it('promotion nudges: the report form to each started promoting unit that has not reported this month, once', async () => {
    const { db, tenant, app } = await setUp('pilot-nudges');
    const plan = await db.prisma.promotionPlan.findFirstOrThrow({ where: { tenantId: tenant.id }, include: { units: { orderBy: { id: 'asc' } } } });
    const reported = new Set((await db.prisma.promotionReport.findMany({ where: { planId: plan.id, period: '2026-12' } })).map((r) => r.unitId));
    const unreported = plan.units.filter((u) => !reported.has(u.unitId));
    expect(reported.size).toBe(2);
    expect(unreported.length).toBeGreaterThanOrEqual(2);
    // One batch member starts next year: not nudged yet.
    await db.prisma.promotionUnit.update({ where: { id: unreported[1]!.id }, data: { startOn: '2027-01-04' } });

    const first = await runJob(app, 'promotion-nudges', at('2026-12-21', '10:10'), { tenant });
    expect(first.period.key).toBe('2026-12');
    const units = new Set(first.messages.map((m) => m.subject));
    expect(units).toEqual(new Set([`plan${plan.id}.unit${unreported[0]!.unitId}`]));
    expect(cardJson(first.messages[0]!)).toContain(plan.corePractice);
    expect(first.enqueued).toBe(first.messages.length);
    expect(first.enqueued).toBeGreaterThan(0);
    expect((await runJob(app, 'promotion-nudges', at('2026-12-21', '11:00'), { tenant })).enqueued).toBe(0);

    // January: nobody has reported yet, and the later unit has started.
    const jan = await runJob(app, 'promotion-nudges', at('2027-01-20', '10:10'), { tenant });
    expect(new Set(jan.messages.map((m) => m.subject))).toEqual(new Set(plan.units.map((u) => `plan${plan.id}.unit${u.unitId}`)));
  });

  it('promotion brief: the card and the Word file to the office, once per month (also when scheduled twice)', async () => {
    const { db, tenant, app } = await setUp('pilot-brief');
    const first = await runJob(app, 'promotion-brief', at('2026-12-28', '16:00'), { tenant, mode: 'scheduled' });
    expect(first.claimed).toBe(true);
    expect(first.messages.map((m) => m.recipient.receiveId)).toEqual([OFFICE_CHAT]);
    expect(cardJson(first.messages[0]!)).toContain('推广动态简报 · 2026年12月');
    expect(cardJson(first.messages[0]!)).toContain('已报送 2 个');
    const file = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `${first.messages[0]!.dedupeKey}:file` } });
    expect(file.receiveId).toBe(OFFICE_CHAT);
    const stored = await db.prisma.outboxFile.findMany({ where: { tenantId: tenant.id } });
    expect(stored.map((f) => f.fileName)).toEqual(['推广动态简报-2026-12.docx']);
    expect(Buffer.from(stored[0]!.bytes).subarray(0, 2).toString()).toBe('PK'); // a .docx is a zip

    const again = await runJob(app, 'promotion-brief', at('2026-12-28', '16:01'), { tenant, mode: 'scheduled' });
    expect(again.claimed).toBe(false);
    expect(again.enqueued).toBe(0);
    expect((await runJob(app, 'promotion-brief', at('2026-12-29', '09:00'), { tenant })).enqueued).toBe(0);
    expect(await db.prisma.outboxFile.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { tenantId: tenant.id, dedupeKey: { startsWith: 'promotion-brief:' } } })).toBe(2);
  });
});
