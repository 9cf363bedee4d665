// Several bot instances (real processes) on one PostgreSQL: Feishu may deliver an event to any of
// them, and re-deliver it to another. Every event must be recorded and answered exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { demoPeople, demoTasks } from '../../src/demo/ledger.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { botEnv, freshDatabase, seedDemo, signedMessageEvent, startInstance, stopInstance, type Instance } from '../../bench/lib.js';
import { postgresUrl } from '../helpers/db.js';

const run = postgresUrl ? describe : describe.skip;

run('several instances on one PostgreSQL [postgresql]', () => {
  let fake: FakeFeishu;
  let bots: Instance[] = [];
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let check: Database;

  beforeAll(async () => {
    fake = await FakeFeishu.start({ ...demoDirectory() });
    db = await freshDatabase('postgresql');
    await seedDemo(db.target, fake.tenantKey);
    const env = botEnv(fake, db.url);
    bots = await Promise.all([startInstance('it-1', env), startInstance('it-2', env)]);
    check = await openDatabase(db.target, { migrate: false });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(bots.map((b) => stopInstance(b)));
    await check?.close();
    await fake?.close();
    await db?.drop();
  });

  it('records and answers each event once although both instances receive it', async () => {
    const reporters = demoPeople.filter((p) => p.roles.includes('改革联络员') && demoTasks.some((t) => t.leadUnit === p.unit && t.status === '推进中'));
    const events = Array.from({ length: 40 }, (_, i) => {
      const p = reporters[i % reporters.length]!;
      const task = demoTasks.find((t) => t.leadUnit === p.unit && t.status === '推进中')!;
      return signedMessageEvent(fake, { senderOpenId: p.openId, senderName: p.name, text: `进展 ${task.code} 多实例测试第${i}条 ${i}%` });
    });
    for (const e of events) await fake.deliverMessageEvent({ senderOpenId: e.senderOpenId, text: e.text, messageId: e.messageId, push: false });
    const post = (port: number, e: (typeof events)[number]) =>
      fetch(`http://127.0.0.1:${port}/feishu/events`, { method: 'POST', headers: e.headers, body: e.body }).then((r) => r.status);
    // Each event to one instance, and at the same moment to the other (a re-delivery elsewhere).
    const statuses = await Promise.all(events.flatMap((e, i) => [post(bots[i % 2]!.port, e), post(bots[(i + 1) % 2]!.port, e)]));
    expect(statuses.every((s) => s === 200)).toBe(true);

    const ids = new Set(events.map((e) => e.messageId));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && fake.botMessages().filter((m) => m.parentId && ids.has(m.parentId)).length < events.length) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const replies = fake.botMessages().filter((m) => m.parentId && ids.has(m.parentId));
    expect(replies).toHaveLength(events.length);
    expect(new Set(replies.map((m) => m.parentId)).size).toBe(events.length);
    expect(await check.prisma.inboxEvent.count({ where: { eventType: 'im.message.receive_v1' } })).toBe(events.length);
    expect(await check.prisma.progressReport.count({ where: { source: 'chat' } })).toBe(events.length);
    // Both instances did part of the work.
    const lockers = await check.prisma.inboxEvent.groupBy({ by: ['lockedBy'], _count: { _all: true } });
    expect(lockers.length).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
