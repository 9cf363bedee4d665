// Issue 13 acceptance: a ledger with mobiles (and one email) and no 飞书ID. `taizhang import`
// resolves the open_ids through contact/v3/users/batch_get_id on the fake Feishu, says who stays
// unreachable and why, and the bot then delivers every 任务交办单 to the open_ids the directory
// returned; the office gets ONE card listing the unreachable people per unit — not again for the
// same list. SQLite and PostgreSQL, over HTTP through the SDK.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db.js';
import { columnIndex, editedDemoWorkbook } from '../helpers/workbooks.js';
import { waitFor } from '../feishu/helpers.js';
import { FakeFeishu, type FakeUser } from '../../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { loadConfig } from '../../src/config.js';
import { openApp, type AppContext } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { createBotHandlers } from '../../src/chat/handlers.js';
import { startBot } from '../../src/bot.js';
import { runCli } from '../../src/cli/index.js';
import { reachPeople } from '../../src/jobs/reach.js';
import { configuredLookup } from '../../src/feishu/directory.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { officeRecipients } from '../../src/ledger/recipients.js';

const headerOf = (m: { content: unknown } | undefined) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';
const NO_CONTACT = '赵志强'; // 县级领导: no mobile, no email
const UNKNOWN_MOBILE = '刘振华'; // 县农业农村局: a number Feishu does not know
const BY_EMAIL = '孙浩'; // 县委改革办: email only

async function cli(env: Record<string, string>, ...args: string[]) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  try {
    process.exitCode = undefined;
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false });
    process.exitCode = undefined;
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  const run = provider === 'sqlite' || postgresUrl ? describe : describe.skip;
  run(`reach people by mobile and email [${provider}]`, () => {
    let testDb: TestDatabase;
    let fake: FakeFeishu;
    let app: AppContext;
    let rt: FeishuRuntime | undefined;
    let workbook: string;
    let env: Record<string, string>;
    const mobileOf = new Map<string, string>();

    beforeAll(async () => {
      testDb = await createTestDatabase(provider);
      // The directory knows everyone by mobile (孙浩 by email); the sheet has no 飞书ID at all.
      const dir = demoDirectory();
      const users: FakeUser[] = dir.users.map((u, i) => {
        const mobile = `1380000${String(1000 + i)}`;
        mobileOf.set(u.name, mobile);
        return u.name === BY_EMAIL ? { ...u, email: 'sunhao@example.org' } : { ...u, mobile };
      });
      fake = await FakeFeishu.start({ ...dir, users });
      workbook = await editedDemoWorkbook((wb) => {
        const ws = wb.getWorksheet('人员')!;
        const [m, e, id] = ['手机', '邮箱', '飞书ID'].map((h) => columnIndex(wb, '人员', h));
        ws.eachRow((row, i) => {
          if (i === 1) return;
          const name = String(row.getCell(1).value);
          row.getCell(id!).value = null;
          if (name === BY_EMAIL) row.getCell(e!).value = 'SunHao@example.org';
          else if (name === UNKNOWN_MOBILE) row.getCell(m!).value = '139 0000 0000';
          else if (name !== NO_CONTACT) row.getCell(m!).value = mobileOf.get(name)!;
        });
      });
      env = {
        DATABASE_URL: testDb.target.url, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_ENCRYPT_KEY: fake.encryptKey!,
        FEISHU_VERIFICATION_TOKEN: fake.verificationToken, FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: 'webhook', LOG_LEVEL: 'silent',
      };
    });
    afterAll(async () => {
      await rt?.stop();
      await app?.close();
      await fake?.close();
      await testDb?.destroy();
    });

    it('import resolves open_ids by mobile/email in batches and lists the unresolved; the bot reaches every liaison', async () => {
      const imported = await cli(env, 'import', workbook);
      expect(imported.code).toBe(0);
      expect(imported.out).toContain('飞书账号：按手机号/邮箱找到 36 人，仍有 2 人无法联系：');
      expect(imported.out).toContain(`${NO_CONTACT}（未填单位）：未填写手机、邮箱或飞书ID`);
      expect(imported.out).toContain(`${UNKNOWN_MOBILE}（县农业农村局）：飞书通讯录中查不到其手机号或邮箱`);
      expect(imported.out).toContain('已通知改革办');
      // Through the SDK, one kind per call (feishu/contact.ts): the mobiles (36 fit in one), the one
      // unknown again with include_resigned, the email; then the user_ids of the people found.
      const lookups = fake.requestsFor('contact.user.batch_get_id', { ok: true });
      expect(lookups).toHaveLength(5);

      app = await openApp(loadConfig(env), { logger: silentLogger });
      const tenantId = app.defaultTenant.id;
      const people = await app.db.prisma.person.findMany({ where: { tenantId }, include: { unit: true } });
      for (const p of people) {
        const user = fake.users.get(p.openId ?? '');
        if (p.name === NO_CONTACT || p.name === UNKNOWN_MOBILE) expect(p.openId).toBeNull();
        else expect(user?.name).toBe(p.name);
      }

      // The bot starts: every 任务交办单 goes to the liaison's open_id from batch_get_id.
      rt = await startBot(app, createBotHandlers(app), app.config, { port: 0, host: '127.0.0.1' });
      const waiting = await app.db.prisma.task.findMany({ where: { tenantId, status: '待签收' }, select: { leadUnitId: true } });
      const liaisons = people.filter((p) => p.roles.includes('LIAISON') && waiting.some((t) => t.leadUnitId === p.unitId));
      expect(liaisons.length).toBeGreaterThan(0);
      for (const l of liaisons) await waitFor(() => fake.botMessages({ openId: l.openId! }).find((m) => headerOf(m) === '任务交办单'), 15_000);

      // The office (its group, or its people) got ONE card listing the unreachable per unit with what to fix.
      const office = await officeRecipients(app.db.prisma, tenantId);
      expect(office.length).toBeGreaterThan(0);
      const unreachableCards = (to: string) => fake.botMessages().filter((m) => m.receiveId === to && headerOf(m) === '有 2 人无法联系');
      for (const o of office) {
        await waitFor(() => unreachableCards(o.receiveId).length > 0, 15_000);
        expect(unreachableCards(o.receiveId)).toHaveLength(1);
        const body = JSON.stringify(unreachableCards(o.receiveId)[0]!.content);
        expect(body).toContain('县农业农村局');
        expect(body).toContain(NO_CONTACT);
        expect(body).toContain('可用范围');
      }

      // The daily run with the same list: nothing new for the office.
      const again = await reachPeople(app, app.defaultTenant, configuredLookup(app)!);
      expect(again).toMatchObject({ resolved: [], noticed: 0 });
      expect(again.unreachable).toHaveLength(2);
      expect(path.isAbsolute(workbook)).toBe(true);
    });
  });
}
