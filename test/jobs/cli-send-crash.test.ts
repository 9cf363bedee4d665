// `taizhang job reminders --at … --send` killed with kill -9 in the middle of its drain, then run
// again with the same arguments: the second run sends what the first left (its job and period
// only), says so, and every message arrives exactly once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCli, type CliIo } from '../../src/cli/index.js';
import { loadConfig } from '../../src/config.js';
import { ensureTenant, type TenantRef } from '../../src/db/repos/tenants.js';
import { enqueueMessage } from '../../src/outbox/index.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, deliveriesByUuid, fakeFeishuFor } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const UNITS = 20;
const TASKS_PER_UNIT = 2;
const MOMENT = '2026-11-23T09:00';

// One reminder per recipient per run (src/jobs/batch.ts): each unit's liaison and group get one
// message listing both tasks.
const MESSAGES = UNITS * 2;

describeEachDatabase('taizhang job --send after kill -9', (ctx) => {
  let fake: FakeFeishu;
  let tenant: TenantRef;

  beforeAll(async () => {
    const prisma = ctx().prisma;
    tenant = await ensureTenant(prisma, 'cli-send-crash');
    // Units each with a liaison and a group, two tasks due in three working days (reminders: 5/3/1/0).
    for (let u = 0; u < UNITS; u++) {
      const unit = await prisma.unit.create({ data: { tenantId: tenant.id, name: `第${u + 1}镇`, kind: '乡镇', chatId: `oc_crash_unit_${u}` } });
      await prisma.person.create({ data: { tenantId: tenant.id, name: `联络员${u + 1}`, matchKey: `联络员${u + 1}@第${u + 1}镇`, roles: 'LIAISON', unitId: unit.id, openId: `ou_crash_liaison_${u}` } });
      for (let t = 0; t < TASKS_PER_UNIT; t++) {
        const code = `CR-2026-${u * TASKS_PER_UNIT + t + 1}`;
        await prisma.task.create({
          data: { tenantId: tenant.id, code, codeKey: code, title: `改革事项 ${code}`, leadUnitId: unit.id, deadline: '2026-11-26', status: '推进中', createdAt: at('2026-01-01'), lastReportAt: at('2026-11-20'), lastPercent: 50 },
        });
      }
    }
    fake = await fakeFeishuFor(prisma, tenant.id);
  });
  afterAll(async () => {
    await fake?.close();
  });

  const env = () => ({
    DATABASE_URL: ctx().target.url,
    DEFAULT_TENANT_KEY: tenant.key,
    FEISHU_APP_ID: fake.appId,
    FEISHU_APP_SECRET: fake.appSecret,
    FEISHU_DOMAIN: fake.url,
  });

  it('the re-run drains what the killed run left, reports it, and nothing is sent twice or left behind', async () => {
    const prisma = ctx().prisma;
    // Another job's message due now: --send for reminders must not touch it.
    const other = await enqueueMessage(prisma, { tenantId: tenant.id, dedupeKey: 'digest:x:ou_crash_liaison_0:2026-W48', kind: 'send', receiveIdType: 'open_id', receiveId: 'ou_crash_liaison_0', message: { msgType: 'text', content: { text: '周报' } } });

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'job', 'reminders', '--at', MOMENT, '--send'], {
      cwd: ROOT,
      env: { ...process.env, ...env(), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const KILL_AT = 20;
    let accepted = 0;
    // Killed the moment the fake stores the 20th message, before its answer is written.
    const onMessage = () => {
      if (++accepted === KILL_AT) child.kill('SIGKILL');
    };
    fake.on('message', onMessage);
    expect(await exited, out).toBe('SIGKILL');
    fake.off('message', onMessage);
    expect(out).toContain(`计划 ${MESSAGES} 条，新写入发件箱 ${MESSAGES} 条`);

    const scope = { tenantId: tenant.id, dedupeKey: { startsWith: 'reminders:', endsWith: ':2026-11-23' } };
    const left = await prisma.outboxMessage.count({ where: { ...scope, status: { in: ['pending', 'sending'] } } });
    expect(left).toBeGreaterThan(MESSAGES - KILL_AT - 1);
    expect(await prisma.outboxMessage.count({ where: { ...scope, status: 'sending' } })).toBeGreaterThan(0);

    // The same command again.
    const lines: string[] = [];
    const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTty: false };
    await buildCli(loadConfig({ ...env(), LOG_LEVEL: 'silent' }), io).parseAsync(['job', 'reminders', '--at', MOMENT, '--send'], { from: 'user' });
    const text = lines.join('\n');
    expect(text).toContain(`计划 ${MESSAGES} 条，新写入发件箱 0 条，${MESSAGES} 条此前已发送或已在发件箱，不会重发`);
    expect(text).toContain(`此前的运行留下 ${left} 条尚未发送`);
    expect(text).toContain('以相同 uuid 重发');
    expect(text).toContain(`发送完成：本期共 ${MESSAGES} 条，已送达 ${MESSAGES} 条`);

    const rows = await prisma.outboxMessage.findMany({ where: scope });
    expect(rows).toHaveLength(MESSAGES);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const delivered = deliveriesByUuid(fake);
    for (const r of rows) expect(delivered.get(r.uuid), r.dedupeKey).toBe(1);
    // Only its job and period.
    expect(await prisma.outboxMessage.findUniqueOrThrow({ where: { id: other.id! } })).toMatchObject({ status: 'pending', attempts: 0 });
    expect(delivered.get(other.uuid)).toBeUndefined();

    // A third run: nothing owed, nothing sent.
    lines.length = 0;
    await buildCli(loadConfig({ ...env(), LOG_LEVEL: 'silent' }), io).parseAsync(['job', 'reminders', '--at', MOMENT, '--send'], { from: 'user' });
    expect(lines.join('\n')).toContain(`本期 ${MESSAGES} 条消息此前已全部发送，无需再发`);
    expect(fake.botMessages()).toHaveLength(MESSAGES);
  }, 90_000);
});
