// Issue 13: a self-built app serves exactly one tenant. The CLI (run before and after the first
// event) and the bot (before and after a restart) all find the same tenant row, on SQLite and
// PostgreSQL — with DEFAULT_TENANT_KEY left at its default `local`, never set to the fake's key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK, tempDir } from '../helpers/workbooks.js';
import { startBotOnFake, waitFor } from '../feishu/helpers.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { loadConfig } from '../../src/config.js';
import { openApp, type AppContext } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { createBotHandlers } from '../../src/chat/handlers.js';
import { BOUND_FROM_SETTING } from '../../src/ledger/tenancy.js';
import { runCli } from '../../src/cli/index.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import path from 'node:path';

const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办
const LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道
const headerOf = (m: { content: unknown } | undefined) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  process.exitCode = undefined;
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false });
  process.exitCode = undefined;
  return { code, out: out.join('\n'), err: err.join('\n') };
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  const run = provider === 'sqlite' || postgresUrl ? describe : describe.skip;
  run(`self-built app: one tenant for the CLI and the bot [${provider}]`, () => {
    let testDb: TestDatabase;
    let fake: FakeFeishu;
    let saved: Record<string, string | undefined>;
    const apps: AppContext[] = [];
    let rt: FeishuRuntime | undefined;

    beforeAll(async () => {
      testDb = await createTestDatabase(provider);
      fake = await FakeFeishu.start(demoDirectory());
      saved = { DATABASE_URL: process.env.DATABASE_URL, DEFAULT_TENANT_KEY: process.env.DEFAULT_TENANT_KEY, FEISHU_APP_TYPE: process.env.FEISHU_APP_TYPE };
      process.env.DATABASE_URL = testDb.target.url;
      delete process.env.DEFAULT_TENANT_KEY;
      delete process.env.FEISHU_APP_TYPE;
    });
    afterAll(async () => {
      await rt?.stop();
      for (const a of apps) await a.close();
      await fake?.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await testDb?.destroy();
    });

    const botConfig = () =>
      loadConfig({
        DATABASE_URL: testDb.target.url, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_ENCRYPT_KEY: fake.encryptKey!,
        FEISHU_VERIFICATION_TOKEN: fake.verificationToken, FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: 'webhook',
      });
    async function startBot() {
      const app = await openApp(botConfig(), { logger: silentLogger });
      apps.push(app);
      ({ rt } = await startBotOnFake(fake, { db: app.db, handlers: createBotHandlers(app) }));
      return app;
    }

    it('binds the first tenant_key to the one tenant and keeps finding it', async () => {
      // Before any event: the CLI makes the placeholder tenant.
      expect(fake.tenantKey).not.toBe('local');
      expect((await cli('tenant')).out).toBe('租户 local：本地改革办');

      // The bot starts, the first event arrives: the same row takes the real tenant_key.
      const first = await startBot();
      const homeId = first.defaultTenant.id;
      const messageId = 'om_tenant_first';
      await fake.deliverMessageEvent({ senderOpenId: OFFICE, text: '帮助', messageId });
      const reply = await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000);
      expect(JSON.stringify(reply.content)).toContain('还没有登记');
      expect(first.defaultTenant).toMatchObject({ id: homeId, key: fake.tenantKey });

      // The CLI after the first event: the import lands in that tenant, no new `local` appears.
      const imported = await cli('import', DEMO_WORKBOOK);
      expect(imported.code).toBe(0);
      expect(imported.out).toContain('事项：新增 18');
      const tenants = await cli('tenants');
      expect(tenants.out.split('\n')).toHaveLength(1);
      expect(tenants.out).toMatch(new RegExp(`^${fake.tenantKey}　本地改革办　单位 12，人员 38，事项 18$`));
      expect(await first.db.prisma.tenant.count()).toBe(1);

      // The 任务交办单 the CLI queued reaches the liaison and its button finds the task.
      const dispatch = await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '任务交办单'), 15_000);
      const task = await first.db.prisma.task.findFirstOrThrow({ where: { tenantId: homeId, codeKey: 'QY-2026-009' } });
      const signed = await fake.clickCard({ messageId: dispatch.messageId, operatorOpenId: LIAISON, value: { a: 'sign', t: task.id } });
      expect(signed.toast).toMatchObject({ type: 'success' });

      // A restart finds the same tenant; so does an export.
      await rt!.stop();
      rt = undefined;
      const second = await startBot();
      expect(second.defaultTenant).toEqual({ id: homeId, key: fake.tenantKey, name: '本地改革办' });
      const helpId = 'om_tenant_after_restart';
      await fake.deliverMessageEvent({ senderOpenId: OFFICE, text: '帮助', messageId: helpId });
      const help = await waitFor(() => fake.botMessages().find((m) => m.parentId === helpId), 8_000);
      expect(JSON.stringify(help.content)).not.toContain('还没有登记');
      const file = path.join(tempDir('taizhang-tenant-'), 'out.xlsx');
      expect((await cli('export', file)).out).toContain('事项 18，单位 12，人员 38');
      expect(await second.db.prisma.tenant.count()).toBe(1);
    });

    it('a database an earlier version left with an empty `local` row next to the bound tenant still opens the bound one', async () => {
      const db = apps[0]!.db.prisma;
      const home = await db.tenant.findFirstOrThrow({ orderBy: { id: 'asc' } });
      await db.tenant.create({ data: { key: 'local', name: '本地改革办' } });
      await db.setting.deleteMany({ where: { tenantId: home.id, key: BOUND_FROM_SETTING } });
      const app = await openApp(botConfig(), { logger: silentLogger });
      apps.push(app);
      expect(app.defaultTenant.id).toBe(home.id);
      expect((await cli('tenant')).out).toBe(`租户 ${fake.tenantKey}：本地改革办`);
    });
  });
}
