// From the ledger to the fake Feishu over real HTTP: scheduled runs are written to the outbox and
// drained by the one Sender; the fake counts deliveries. Running again sends nothing new; a 429
// storm with a reset header delays delivery but loses and duplicates nothing.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { TenantRef } from '../../src/db/repos/tenants.js';
import type { Sender } from '../../src/feishu/sender.js';
import { runJob } from '../../src/jobs/run.js';
import { tickJobs } from '../../src/jobs/scheduler.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { FixedClock } from '../../src/clock.js';
import { at, deliveriesByUuid, demoTenant, fakeFeishuFor, senderFor, testApp } from './helpers.js';

describeEachDatabase('job delivery through the outbox', (ctx) => {
  let fake: FakeFeishu;
  let tenant: TenantRef;
  let sender: Sender | undefined;

  beforeAll(async () => {
    tenant = await demoTenant(ctx().prisma, 'delivery');
    fake = await fakeFeishuFor(ctx().prisma, tenant.id);
  });
  afterAll(async () => {
    await fake?.close();
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
  });

  it('every planned message arrives exactly once; running again sends nothing new', async () => {
    const db = ctx();
    // Business time is fixed (the app's clock); the outbox and the Sender run on real time, as in
    // the sandbox when its clock has been moved ahead.
    const clock = new FixedClock(at('2026-11-23', '09:45'));
    const app = testApp(db, tenant, clock);
    ({ sender } = senderFor(db, fake));
    sender.start();
    const jobs = ['reminders', 'overdue', 'digest'] as const;
    const outcomes = await tickJobs(app, { tenantIds: [tenant.id], jobs, sender });
    expect(outcomes.map((o) => o.action)).toEqual(['ran', 'ran', 'ran']);
    const planned = outcomes.flatMap((o) => o.report!.messages);
    await sender.waitUntilIdle(20_000);

    const delivered = deliveriesByUuid(fake);
    const rows = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id } });
    expect(rows).toHaveLength(planned.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    for (const row of rows) expect(delivered.get(row.uuid)).toBe(1);
    expect(fake.botMessages()).toHaveLength(planned.length);
    // Each landed where the plan said, with its card.
    for (const m of planned) {
      const row = rows.find((r) => r.dedupeKey === m.dedupeKey)!;
      const sent = fake.getMessage(row.feishuMessageId!)!;
      expect(sent.receiveId).toBe(m.recipient.receiveId);
      expect((sent.content as { header: { title: { content: string } } }).header.title.content).toBe(m.title);
    }

    // Again, by the scheduler and by hand, for the same moment: nothing new.
    expect((await tickJobs(app, { tenantIds: [tenant.id], jobs, sender })).map((o) => o.action)).toEqual(['already-done', 'already-done', 'already-done']);
    const manual = await runJob(app, 'overdue', at('2026-11-23', '09:30'), { sender });
    expect(manual.enqueued).toBe(0);
    await sender.waitUntilIdle(20_000);
    expect(fake.botMessages()).toHaveLength(planned.length);
  });

  it('a 429 storm with a reset header: waits as told, then delivers every message once', async () => {
    const db = ctx();
    fake.messages.length = 0;
    fake.resetTraffic();
    const clock = new FixedClock(at('2026-11-24', '09:45'));
    const app = testApp(db, tenant, clock);
    fake.rateLimitStorm(3, 1);
    // One request at a time, so the timeline shows the back-off after each 429.
    ({ sender } = senderFor(db, fake, { concurrency: 1 }));
    const outcomes = await tickJobs(app, { tenantIds: [tenant.id], jobs: ['overdue'] });
    const planned = outcomes[0]!.report!.messages.length;
    expect(planned).toBeGreaterThan(3);
    sender.start();
    await sender.waitUntilIdle(30_000);

    const creates = fake.requestsFor('im.message.create');
    const limited = creates.filter((r) => r.code === 99991400);
    expect(limited).toHaveLength(3);
    expect(limited.every((r) => r.status === 429)).toBe(true);
    for (const r of limited) {
      const next = creates.find((c) => c.t > r.t)!;
      expect(next.t - r.t).toBeGreaterThanOrEqual(990); // x-ogw-ratelimit-reset: 1 (second)
    }
    const delivered = deliveriesByUuid(fake);
    expect(delivered.size).toBe(planned);
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    const rows = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, dedupeKey: { endsWith: ':2026-11-24' } } });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true); // a rate-limited try is not a failed attempt
  });
});
