// Faults, with real processes: a bot instance on PostgreSQL loses its database connections in the
// middle of the work (its backends are terminated, as on a failover), and Feishu answers 500s and
// a 429 storm for a while; Feishu answers nothing but 500s for seconds, then only 429s; one of two
// instances is killed with SIGKILL in the middle of a drain. Afterwards every event is recorded and
// answered exactly once. (A real PostgreSQL restart: pg-restart.test.ts; the long versions of all
// of these: npm run bench:faults.)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { demoPeople, demoTasks } from '../../src/demo/ledger.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { botEnv, freshDatabase, seedDemo, startInstance, stopInstance, type Instance } from '../../bench/lib.js';
import { postgresUrl } from '../helpers/db.js';
import { formatFigures, killScenario, stormScenario } from '../../bench/fault-scenarios.js';
import { expectNothingLostOrDoubled } from './figures.js';

const run = postgresUrl ? describe : describe.skip;

run('faults [postgresql]', () => {
  let fake: FakeFeishu;
  let bot: Instance;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let check: Database;
  const appName = `tz_fault_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: [300, 1_000, 3_000, 6_000] });
    db = await freshDatabase('postgresql');
    await seedDemo(db.target, fake.tenantKey);
    const url = new URL(db.url);
    url.searchParams.set('application_name', appName); // so only this bot's connections are cut
    bot = await startInstance('fault-1', botEnv(fake, url.toString()));
    fake.eventUrl = `http://127.0.0.1:${bot.port}/feishu/events`;
    check = await openDatabase(db.target, { migrate: false });
  }, 120_000);
  afterAll(async () => {
    if (bot) await stopInstance(bot);
    await check?.close();
    await fake?.close();
    await db?.drop();
  });

  async function cutConnections(): Promise<number> {
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    const r = await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
    await c.end();
    return r.rowCount ?? 0;
  }

  it('loses nothing and sends nothing twice through cut database connections, 500s and a 429 storm', async () => {
    const reporters = demoPeople.filter((p) => p.roles.includes('改革联络员') && demoTasks.some((t) => t.leadUnit === p.unit && t.status === '推进中'));
    const started = Date.now();
    const messageIds: string[] = [];
    const deliveries: Promise<unknown>[] = [];
    let cut = 0;
    for (let i = 0; i < 30; i++) {
      const p = reporters[i % reporters.length]!;
      const task = demoTasks.find((t) => t.leadUnit === p.unit && t.status === '推进中')!;
      const messageId = `om_fault_${i}_${randomBytes(4).toString('hex')}`;
      messageIds.push(messageId);
      // Feishu's side: re-delivers until the bot answers 200.
      deliveries.push(fake.deliverMessageEvent({ senderOpenId: p.openId, text: `进展 ${task.code} 故障测试第${i}条`, messageId }));
      if (i === 8) cut += await cutConnections();
      if (i === 12) fake.serverErrors(15);
      if (i === 18) fake.rateLimitStorm(10, 1);
      if (i === 22) cut += await cutConnections();
      await new Promise((r) => setTimeout(r, 60));
    }
    const results = (await Promise.all(deliveries)) as { acked: boolean; attempts: unknown[] }[];
    const ackedAt = Date.now();
    expect(cut).toBeGreaterThan(0);
    expect(results.every((r) => r.acked)).toBe(true);

    const ids = new Set(messageIds);
    const answered = () => fake.botMessages().filter((m) => m.parentId && ids.has(m.parentId));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && new Set(answered().map((m) => m.parentId)).size < ids.size) await new Promise((r) => setTimeout(r, 250));
    const answeredAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_500));
    console.log(`faults: ${cut} database connections cut, 15 HTTP 500s and a 10-request 429 storm; ` +
      `${results.reduce((n, r) => n + r.attempts.length, 0)} deliveries for 30 events; all acked after ${((ackedAt - started) / 1000).toFixed(1)} s, ` +
      `all answered after ${((answeredAt - started) / 1000).toFixed(1)} s; lost 0, duplicated ${answered().length - ids.size}`);
    expect(new Set(answered().map((m) => m.parentId)).size).toBe(ids.size);
    expect(answered()).toHaveLength(ids.size);
    // Rows claimed on a cut connection are put back at once, not after a claim lease (was 62 s).
    expect(answeredAt - ackedAt).toBeLessThan(20_000);
    const reports = await check.prisma.progressReport.findMany({ where: { sourceRef: { in: messageIds.map((m) => `msg:${m}`) } } });
    expect(reports).toHaveLength(ids.size);
    expect(await check.prisma.inboxEvent.count({ where: { status: 'failed' } })).toBe(0);
    expect(await check.prisma.outboxMessage.count({ where: { status: 'failed' } })).toBe(0);
  }, 120_000);
});

run('Feishu storms and kill -9 mid-drain [postgresql]', () => {
  it('a few seconds of nothing but HTTP 500s, then of 429s: nothing lost, nothing sent twice, quick recovery', async () => {
    const figures = await stormScenario({ seconds: 3, resetSeconds: 1, perSecond: 5 });
    for (const f of figures) {
      console.log(formatFigures(f));
      expectNothingLostOrDoubled(f);
      expect(f.attempted).toBeGreaterThan(f.accepted); // the storm was felt
      expect(f.recoverySeconds).toBeLessThan(10);
    }
  }, 120_000);

  it('kill -9 of one of two instances in the middle of a drain: the other finishes it, each event answered once', async () => {
    const f = await killScenario({ events: 60 });
    console.log(formatFigures(f));
    expect(f.botsAlive).toMatch(/exited\(SIGKILL\).*alive/);
    expectNothingLostOrDoubled(f);
    expect(f.failedInbox).toBe(0);
    // The dead instance's claims expire after the 15-s lease (was 60 s), plus a poll interval.
    expect(f.recoverySeconds).toBeLessThan(35);
  }, 150_000);
});
