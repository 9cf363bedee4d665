// A unit's group removed the bot: every day's reminders and warnings to it are refused (230002).
// The office hears once — which unit's group, why, what to do — not once per message per day.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deliveryReporting } from '../../src/bot.js';
import { FixedClock } from '../../src/clock.js';
import type { TenantRef } from '../../src/db/repos/tenants.js';
import { runJob } from '../../src/jobs/run.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, demoTenant, fakeFeishuFor, senderFor, testApp } from './helpers.js';

const OFFICE_GROUP = 'oc_demo_office';

describeEachDatabase('undeliverable messages: one notice per recipient and cause', (ctx) => {
  let fake: FakeFeishu;
  let tenant: TenantRef;

  beforeAll(async () => {
    tenant = await demoTenant(ctx().prisma, 'notices');
    fake = await fakeFeishuFor(ctx().prisma, tenant.id);
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('several days of refused reminders to a group raise one 「消息未能送达」 card in the office group', async () => {
    const db = ctx();
    const app = testApp(db, tenant, new FixedClock(at('2026-11-23', '09:45')));
    // The unit group that gets reminders on the most working days of a fortnight; it removed the bot.
    const days = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
    const perGroup = new Map<string, number>();
    for (const day of days) {
      const dry = await runJob(app, 'reminders', at(day, '09:00'), { dryRun: true, tenant });
      for (const r of new Set(dry.messages.filter((m) => m.recipient.receiveIdType === 'chat_id').map((m) => m.recipient.receiveId))) perGroup.set(r, (perGroup.get(r) ?? 0) + 1);
    }
    const [groupId, daysReminded] = [...perGroup.entries()].sort((x, y) => y[1] - x[1])[0]!;
    expect(daysReminded).toBeGreaterThanOrEqual(2);
    const group = { receiveId: groupId };
    fake.removeBotFromChat(groupId);
    const unitName = (await db.prisma.unit.findFirstOrThrow({ where: { tenantId: tenant.id, chatId: groupId } })).name;

    const reporting = deliveryReporting(app);
    const { sender } = senderFor(db, fake, { onPermanentFailure: (row) => reporting.onPermanentFailure(row), onSent: (row) => reporting.onSent(row) });
    sender.start();
    try {
      for (const day of days) await runJob(app, 'reminders', at(day, '09:00'), { tenant });
      await sender.waitUntilIdle(30_000);
    } finally {
      await sender.stop();
    }
    const refused = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, receiveId: group.receiveId } });
    // The first refusal unbinds the group (issue 13): later reminders stop addressing it.
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(await db.prisma.unit.count({ where: { tenantId: tenant.id, chatId: groupId } })).toBe(0);
    expect(refused.every((r) => r.status === 'failed' && r.errorCode === 230002 && r.attempts === 1)).toBe(true);

    const notices = fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => JSON.stringify(m.content).includes('消息未能送达'));
    expect(notices).toHaveLength(1);
    const card = JSON.stringify(notices[0]!.content);
    expect(card).toContain(`消息未能送达：${unitName}工作群`);
    expect(card).toContain('机器人不在该群中');
    expect(card).toContain('重新加入该群');
    const problem = await db.prisma.deliveryProblem.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(problem).toMatchObject({ recipient: `chat_id:${group.receiveId}`, cause: 'bot_not_in_chat', failures: refused.length, resolvedAt: null });
  }, 60_000);
});
