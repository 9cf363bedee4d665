// kill -9 during the drain, then restart: a real child process (scripts/drain-child.ts) drains the
// outbox slowly against the fake Feishu; the test kills it with SIGKILL the moment the fake has
// accepted a message (so that send's outcome is never recorded), starts another, and checks that
// every message arrived exactly once — the in-flight one through Feishu's uuid dedupe.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { TenantRef } from '../../src/db/repos/tenants.js';
import { runJob } from '../../src/jobs/run.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, deliveriesByUuid, demoTenant, fakeFeishuFor, testApp } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function drainChild(env: Record<string, string>, args: string[]): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/drain-child.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => out };
}

describeEachDatabase('kill -9 during the drain', (ctx) => {
  let fake: FakeFeishu;
  let tenant: TenantRef;

  beforeAll(async () => {
    tenant = await demoTenant(ctx().prisma, 'crash');
    fake = await fakeFeishuFor(ctx().prisma, tenant.id);
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('a drain killed with SIGKILL resumes in a new process and every message arrives exactly once', async () => {
    const db = ctx();
    // Plans for fixed moments; the outbox rows are stamped with real time, so the drain processes
    // (system clock) see them as due.
    const app = testApp(db, tenant, systemClock);
    let planned = 0;
    for (const [job, moment] of [['overdue', at('2026-11-23', '09:30')], ['digest', at('2026-11-23', '08:30')], ['nudges', at('2026-11-25', '10:00')], ['reminders', at('2026-11-27')]] as const) {
      planned += (await runJob(app, job, moment)).enqueued;
    }
    expect(planned).toBeGreaterThanOrEqual(25);

    const env = { DATABASE_URL: db.target.url, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_DOMAIN: fake.url };
    const KILL_AT = 8;
    let accepted = 0;
    // One request in flight at a time, so the state at the kill is exact.
    const first = drainChild(env, ['--rate', '5', '--concurrency', '1', '--lock-ms', '1500', '--instance', 'first']);
    // Killed synchronously when the fake stores the 8th message, before its HTTP answer is written.
    const onMessage = () => {
      if (++accepted === KILL_AT) first.child.kill('SIGKILL');
    };
    fake.on('message', onMessage);
    const died = await first.exited;
    fake.off('message', onMessage);
    expect(died.signal).toBe('SIGKILL');

    const afterKill = await db.prisma.outboxMessage.groupBy({ by: ['status'], where: { tenantId: tenant.id }, _count: { _all: true } });
    const count = (s: string) => afterKill.find((g) => g.status === s)?._count._all ?? 0;
    expect(count('sent')).toBe(KILL_AT - 1); // the last accepted message was never recorded as sent…
    expect(count('sending')).toBe(1); // …its row is still claimed by the dead process
    expect(count('pending')).toBeGreaterThan(0);
    expect(fake.botMessages()).toHaveLength(KILL_AT);

    let dedupeHits = 0;
    const onDedupe = () => dedupeHits++;
    fake.on('uuid-dedupe', onDedupe);
    const second = drainChild(env, ['--rate', '10', '--lock-ms', '1500', '--instance', 'second', '--exit-when-idle']);
    const done = await second.exited;
    fake.off('uuid-dedupe', onDedupe);
    expect(done, second.output()).toEqual({ code: 0, signal: null });

    const rows = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id } });
    expect(rows).toHaveLength(planned);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const delivered = deliveriesByUuid(fake);
    for (const r of rows) expect(delivered.get(r.uuid), r.dedupeKey).toBe(1);
    expect(fake.botMessages()).toHaveLength(planned);
    // The send in flight at the kill was repeated with the same uuid and recognised by Feishu.
    expect(dedupeHits).toBe(1);
    for (const r of rows) expect(fake.getMessage(r.feishuMessageId!)?.uuid).toBe(r.uuid);
  }, 60_000);
});
