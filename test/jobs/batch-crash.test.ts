// One message per recipient per run, and exactly once per (job, recipient, period) across a kill -9
// in the middle of the send (the pattern of crash.test.ts) — reminders, overdue warnings and nudges: every task of the demo ledger is moved
// to 石堡镇 and made due on the same day, so its liaison has them all at once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { TenantRef } from '../../src/db/repos/tenants.js';
import { cardText } from '../../src/jobs/preview.js';
import { runJob } from '../../src/jobs/run.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, deliveriesByUuid, demoTenant, fakeFeishuFor, testApp } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LIAISON = 'ou_demo_shibao_liaison';

function drainChild(env: Record<string, string>, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/drain-child.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => out };
}

describeEachDatabase('batched reminders: one message per recipient, exactly once across kill -9', (ctx) => {
  let fake: FakeFeishu;
  let tenant: TenantRef;
  let taskCount: number;

  beforeAll(async () => {
    const { prisma } = ctx();
    tenant = await demoTenant(prisma, 'batch-crash');
    const shibao = await prisma.unit.findFirstOrThrow({ where: { tenantId: tenant.id, name: '石堡镇' } });
    await prisma.milestone.deleteMany({ where: { task: { tenantId: tenant.id } } });
    ({ count: taskCount } = await prisma.task.updateMany({ where: { tenantId: tenant.id }, data: { leadUnitId: shibao.id, status: '推进中', deadline: '2026-11-27', levelOn: null } }));
    fake = await fakeFeishuFor(prisma, tenant.id);
  });
  afterAll(async () => fake?.close());

  it(`the liaison with every task due gets ONE reminder listing them (cut with 等 N 项), and the run survives kill -9`, async () => {
    const db = ctx();
    const app = testApp(db, tenant, systemClock);
    const moments = [['reminders', at('2026-11-27')], ['overdue', at('2026-11-30', '09:30')], ['nudges', at('2026-11-25', '10:00')]] as const;
    let planned = 0;
    for (const [job, moment] of moments) planned += (await runJob(app, job, moment)).enqueued;
    const rows = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id } });
    expect(rows).toHaveLength(planned);
    // Per job: every recipient once.
    for (const job of ['reminders', 'overdue', 'nudges']) {
      const to = rows.filter((r) => r.dedupeKey.startsWith(`${job}:`)).map((r) => r.receiveId);
      expect(to.length, job).toBeGreaterThanOrEqual(2);
      expect(new Set(to).size, job).toBe(to.length);
    }
    const liaisonRow = rows.find((r) => r.dedupeKey === `reminders:t${tenant.id}:ou_demo_shibao_liaison:2026-11-27`)!;
    const text = cardText(JSON.parse(liaisonRow.content)).join('\n');
    expect(text).toContain(`临期提醒：${taskCount} 项事项临近到期`);
    expect(text).toContain(`…等 ${taskCount} 项（另有 ${taskCount - 10} 项未列出）`);
    expect(JSON.parse(liaisonRow.content).body.elements.filter((e: { tag: string }) => e.tag === 'column_set')).toHaveLength(10);
    // 催报进展 likewise: one card for the liaison listing every unreported item.
    const nudgeRow = rows.find((r) => r.dedupeKey === `nudges:t${tenant.id}:${LIAISON}:2026-11`)!;
    expect(cardText(JSON.parse(nudgeRow.content)).join('\n')).toContain(`…等 ${taskCount} 项（另有 ${taskCount - 10} 项未列出）`);

    // kill -9 once the fake has accepted the second message (its outcome never recorded).
    const env = { DATABASE_URL: db.target.url, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_DOMAIN: fake.url };
    const KILL_AT = 2;
    let accepted = 0;
    const first = drainChild(env, ['--rate', '5', '--concurrency', '1', '--lock-ms', '1500', '--instance', 'first']);
    const onMessage = () => {
      if (++accepted === KILL_AT) first.child.kill('SIGKILL');
    };
    fake.on('message', onMessage);
    expect((await first.exited).signal).toBe('SIGKILL');
    fake.off('message', onMessage);
    expect(await db.prisma.outboxMessage.count({ where: { tenantId: tenant.id, status: 'sending' } })).toBe(1);

    const second = drainChild(env, ['--rate', '10', '--lock-ms', '1500', '--instance', 'second', '--exit-when-idle']);
    expect(await second.exited, second.output()).toEqual({ code: 0, signal: null });

    const after = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id } });
    expect(after.every((r) => r.status === 'sent')).toBe(true);
    const delivered = deliveriesByUuid(fake);
    for (const r of after) expect(delivered.get(r.uuid), r.dedupeKey).toBe(1);
    expect(fake.botMessages()).toHaveLength(planned);
    expect(fake.botMessages({ openId: LIAISON })).toHaveLength(3); // one reminder, one overdue warning, one nudge

    // Running the same moments again sends nothing more.
    for (const [job, moment] of moments) expect((await runJob(app, job, moment)).enqueued, job).toBe(0);
  }, 60_000);
});
