// Shared set-up for the job tests: the demo ledger (清源县) in a tenant with deterministic creation
// dates, an AppContext around a test database with a FixedClock, and a fake Feishu whose directory
// holds every person and group the ledger can send to.
import type * as lark from '@larksuiteoapi/node-sdk';
import { pino } from 'pino';
import type { AppContext } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { createCalendarProvider } from '../../src/ledger/calendars.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import type { Database, Db } from '../../src/db/client.js';
import { putSetting } from '../../src/db/repos/settings.js';
import { ensureTenant, type TenantRef } from '../../src/db/repos/tenants.js';
import { ALL_HANDS_CHAT_ID } from '../../src/demo/ledger.js';
import { createFeishuClient } from '../../src/feishu/client.js';
import { Sender, type SenderOptions } from '../../src/feishu/sender.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { FakeFeishu, type FakeFeishuOptions } from '../../src/sandbox/fake-feishu.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';

export const calendar = createWorkingCalendar();
export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A Shanghai wall-clock moment: at('2026-11-23', '09:00'). */
export const at = (date: string, time = '09:00') => shanghaiInstant(date, time);

/**
 * Imports the demo ledger into a fresh tenant. Tasks get a creation date of 2026-01-01 (the
 * import stamps "now", which would make every reporting-cycle rule depend on when the tests run),
 * and the all-hands group is configured.
 */
export async function demoTenant(prisma: Db, key: string): Promise<TenantRef> {
  const tenant = await ensureTenant(prisma, key);
  const outcome = await importLedger(prisma, tenant.id, [DEMO_WORKBOOK]);
  if (!outcome.ok) throw new Error('demo import failed');
  await prisma.task.updateMany({ where: { tenantId: tenant.id }, data: { createdAt: at('2026-01-01', '08:00') } });
  await prisma.auditLog.deleteMany({ where: { tenantId: tenant.id } });
  await putSetting(prisma, tenant.id, 'recipients', { allHandsChatId: ALL_HANDS_CHAT_ID }, 'test');
  return tenant;
}

/** Records a progress report the way the chat handlers do (report row + denormalised task fields). */
export async function report(prisma: Db, tenantId: number, code: string, when: Date, text = '按计划推进', percent: number | null = 50): Promise<void> {
  const task = await prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: code } });
  await prisma.progressReport.create({ data: { tenantId, taskId: task.id, reportedAt: when, text, percent, source: 'chat', kind: '进展' } });
  await prisma.task.update({ where: { id: task.id }, data: { lastReportAt: when, lastPercent: percent, levelOn: null } });
}

export function testApp(db: Database, tenant: TenantRef, clock: Clock): AppContext {
  const config = loadConfig({ DATABASE_URL: db.target.url, DEFAULT_TENANT_KEY: tenant.key });
  return { config, db, clock, calendars: createCalendarProvider(db.prisma), logger: silentLogger, defaultTenant: tenant, close: async () => {} };
}

/** A fake Feishu that knows every person with an open_id and every group of the tenant. */
export async function fakeFeishuFor(prisma: Db, tenantId: number, opts: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const people = await prisma.person.findMany({ where: { tenantId, openId: { not: null } } });
  const units = await prisma.unit.findMany({ where: { tenantId, chatId: { not: null } } });
  const members = people.map((p) => p.openId!);
  return FakeFeishu.start({
    users: people.map((p) => ({ openId: p.openId!, name: p.name })),
    chats: [
      ...units.map((u) => ({ chatId: u.chatId!, name: `${u.name}工作群`, memberOpenIds: members })),
      { chatId: ALL_HANDS_CHAT_ID, name: '全体工作群', memberOpenIds: members },
    ],
    ...opts,
  });
}

export function senderFor(db: Database, fake: FakeFeishu, opts: Partial<SenderOptions> = {}): { sender: Sender; client: lark.Client } {
  const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
  const sender = new Sender({ db, client, logger: silentLogger, pollIntervalMs: 50, retryBaseMs: 50, ...opts });
  return { sender, client };
}

/** Deliveries per uuid, as the fake platform recorded them. */
export function deliveriesByUuid(fake: FakeFeishu): Map<string, number> {
  const m = new Map<string, number>();
  for (const msg of fake.botMessages()) if (msg.uuid) m.set(msg.uuid, (m.get(msg.uuid) ?? 0) + 1);
  return m;
}
