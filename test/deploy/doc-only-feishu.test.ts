// Issue 13 acceptance, against a Feishu that knows only what the docs say (test/feishu/doc-only-fake.ts,
// not the sandbox fake): a published-style workbook plus a 人员 sheet with mobiles only — typed the
// ways officials type them — is imported by `taizhang import`, the bot starts, and every 任务交办单
// reaches exactly the open_ids batch_get_id returned; a liaison's 签收 click arrives as the documented
// card.action.trigger callback (encrypted, signed) and is answered as documented. SQLite and PostgreSQL.
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db.js';
import { publishedWorkbook } from '../helpers/workbooks.js';
import { sleep, waitFor } from '../feishu/helpers.js';
import { DocOnlyFeishu, type DocUser } from '../feishu/doc-only-fake.js';
import { loadConfig } from '../../src/config.js';
import { openApp, type AppContext } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { createBotHandlers } from '../../src/chat/handlers.js';
import { startBot } from '../../src/bot.js';
import { runCli } from '../../src/cli/index.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';

// One liaison per lead unit of the published demo rows, each mobile typed another way; the
// directory knows them in the documented form (mainland: 11 digits).
const PEOPLE: { name: string; unit: string; typed: string; mobile: string }[] = [
  { name: '钱一', unit: '县财政局', typed: '138 0013 8001', mobile: '13800138001' },
  { name: '钱二', unit: '县税务局', typed: '138-0013-8002', mobile: '13800138002' },
  { name: '钱三', unit: '县政务服务局', typed: '+86 13800138003', mobile: '13800138003' },
  { name: '钱四', unit: '县农业农村局', typed: '+8613800138004', mobile: '13800138004' },
  { name: '钱五', unit: '县自然资源局', typed: '86-13800138005', mobile: '13800138005' },
  { name: '钱六', unit: '县民政局', typed: '１３８００１３８００６', mobile: '13800138006' },
  { name: '钱七', unit: '县司法局', typed: '13800138007（办）', mobile: '13800138007' },
];
const UNITS = ['县委改革办', '县财政局', '县税务局', '县政务服务局', '县发改局', '县住建局', '县农业农村局', '县自然资源局', '县民政局', '县司法局', '县市场监管局', '县公安局', '县信访局'];
const UNKNOWN = { name: '钱八', unit: '县司法局', typed: '139 0000 0000' };

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

const titleOf = (c: unknown) => (c as { header?: { title?: { content?: string } } })?.header?.title?.content ?? '';

// `found`: who looks people up — `taizhang import` (credentials set) or the bot at start (the import
// ran before Feishu was configured).
for (const [provider, found] of [['sqlite', 'import'], ['postgresql', 'import'], ['sqlite', 'start'], ['postgresql', 'start']] as const) {
  const run = provider === 'sqlite' || postgresUrl ? describe : describe.skip;
  run(`day one against a doc-only Feishu, people found at ${found} [${provider}]`, () => {
    let testDb: TestDatabase;
    let fake: DocOnlyFeishu;
    let app: AppContext | undefined;
    let rt: FeishuRuntime | undefined;
    let env: Record<string, string>;
    let workbook: string;

    beforeAll(async () => {
      testDb = await createTestDatabase(provider);
      const users: DocUser[] = PEOPLE.map((p, i) => ({ openId: `ou_doc_${i}`, userId: `u_doc_${i}`, name: p.name, mobile: p.mobile }));
      // Someone the ledger does not list, with a similar number: must never get a card.
      users.push({ openId: 'ou_doc_lu', userId: 'u_doc_lu', name: '陆明', mobile: '13800138101' }, { openId: 'ou_doc_yu', userId: 'u_doc_yu', name: '俞悦', mobile: '13800138102' });
      users.push({ openId: 'ou_doc_stranger', userId: 'u_doc_stranger', name: '路人', mobile: '13800138000' });
      fake = await DocOnlyFeishu.start({ users, order: 'reversed' });
      workbook = await publishedWorkbook();
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(workbook);
      const units = wb.addWorksheet('单位');
      units.addRow(['单位名称', '类型']);
      for (const u of UNITS) units.addRow([u, '部门']);
      const ws = wb.addWorksheet('人员');
      ws.addRow(['姓名', '单位', '角色', '手机']);
      for (const p of [...PEOPLE, UNKNOWN]) ws.addRow([p.name, p.unit, '改革联络员', p.typed]);
      ws.addRow(['陆明', '', '县级领导', '13800138101']);
      ws.addRow(['俞悦', '', '县级领导', '138 0013 8102']);
      await wb.xlsx.writeFile(workbook);
      env = {
        DATABASE_URL: testDb.target.url, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_ENCRYPT_KEY: 'doc-only-encrypt-key',
        FEISHU_VERIFICATION_TOKEN: 'doc-only-verification', FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: 'webhook', LOG_LEVEL: 'silent',
      };
    });
    afterAll(async () => {
      await rt?.stop();
      await app?.close();
      await fake?.close();
      await testDb?.destroy();
    });

    it('import finds the liaisons by mobile; the started bot sends each 任务交办单 to the open_id batch_get_id returned; 签收 by callback', async () => {
      const imported = await cli(found === 'import' ? env : { DATABASE_URL: env.DATABASE_URL!, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', LOG_LEVEL: 'silent' }, 'import', workbook);
      expect(imported.err).toBe('');
      expect(imported.code).toBe(0);
      if (found === 'import') {
        expect(imported.out).toContain(`飞书账号：按手机号/邮箱找到 ${PEOPLE.length + 2} 人，仍有 1 人无法联系：`);
        expect(imported.out).toContain(`${UNKNOWN.name}（${UNKNOWN.unit}）：飞书通讯录中查不到其手机号或邮箱`);
      } else {
        expect(fake.batchCalls).toEqual([]);
        app = await openApp(loadConfig(env), { logger: silentLogger });
        rt = await startBot(app, createBotHandlers(app), app.config, { port: 0, host: '127.0.0.1' });
        await waitFor(async () => (await app!.db.prisma.person.count({ where: { userId: { not: null } } })) === PEOPLE.length + 2, 20_000);
      }
      // Only documented forms went out: 11 mainland digits.
      const sent = fake.batchCalls.flatMap((c) => c.body.mobiles ?? []);
      expect(sent.every((m) => /^1\d{10}$/.test(m))).toBe(true);
      const returned = new Map(fake.batchCalls.filter((c) => c.userIdType === 'open_id').flatMap((c) => c.answer.flatMap((a) => (a.user_id && a.mobile ? [[a.mobile, a.user_id] as const] : []))));

      app ??= await openApp(loadConfig(env), { logger: silentLogger });
      const tenantId = app.defaultTenant.id;
      const people = await app.db.prisma.person.findMany({ where: { tenantId, name: { in: [...PEOPLE, UNKNOWN].map((p) => p.name) } } });
      for (const p of PEOPLE) {
        const row = people.find((x) => x.name === p.name)!;
        expect(row.mobile).toBe(p.mobile);
        expect(row.openId).toBe(returned.get(p.mobile));
        expect(row.userId).toBe(`u_doc_${PEOPLE.indexOf(p)}`);
      }
      expect(people.find((x) => x.name === UNKNOWN.name)!.openId).toBeNull();

      rt ??= await startBot(app, createBotHandlers(app), app.config, { port: 0, host: '127.0.0.1' });
      // Every lead unit (joint leads too) of a task waiting to be signed for: its liaison.
      const waiting = await app.db.prisma.task.findMany({ where: { tenantId, status: '待签收' }, select: { leadUnitId: true, leadUnits: { select: { unitId: true } } } });
      const leadUnits = new Set(waiting.flatMap((t) => [t.leadUnitId, ...t.leadUnits.map((l) => l.unitId)]));
      const expected = new Set(people.filter((p) => p.openId && p.unitId !== null && leadUnits.has(p.unitId)).map((p) => p.openId!));
      expect(expected.size).toBe(PEOPLE.length);
      const dispatchedTo = () => new Set(fake.messages.filter((m) => titleOf(m.content).startsWith('任务交办单')).map((m) => m.receiveId));
      await waitFor(() => [...expected].every((id) => dispatchedTo().has(id)), 20_000);
      // Exactly the open_ids batch_get_id returned for the ledger's people — nobody else.
      expect(dispatchedTo()).toEqual(expected);
      expect([...dispatchedTo()].every((id) => [...returned.values()].includes(id))).toBe(true);
      expect(dispatchedTo().has('ou_doc_stranger')).toBe(false);
      expect(fake.messages.every((m) => m.receiveIdType === 'open_id' && m.msgType === 'interactive')).toBe(true);

      // The liaison clicks 签收 on the card: a documented card.action.trigger callback (encrypted,
      // signed) answered within 3 s; the task is signed for.
      const card = fake.messages.find((m) => m.receiveId === 'ou_doc_0' && titleOf(m.content) === '任务交办单')!;
      const sign = JSON.stringify(card.content).match(/"name":"sign".*?"value":(\{[^}]*\})/);
      expect(sign).not.toBeNull();
      const { port } = rt.server!.address() as AddressInfo;
      const answer = await fake.click(`http://127.0.0.1:${port}/feishu/cards`, { encryptKey: env.FEISHU_ENCRYPT_KEY!, verificationToken: env.FEISHU_VERIFICATION_TOKEN! }, card.messageId, 'ou_doc_0', JSON.parse(sign![1]!));
      expect(answer.status).toBe(200);
      // The documented answer: a toast, and a raw card of the same schema (2.0) as the one sent.
      expect(answer.body['toast']).toEqual({ type: 'success', content: '已签收' });
      expect(answer.body['card']).toMatchObject({ type: 'raw', data: { schema: '2.0' } });
      const task = await app.db.prisma.task.findFirstOrThrow({ where: { tenantId, leadUnitId: people.find((p) => p.name === PEOPLE[0]!.name)!.unitId! } });
      expect(task.status).not.toBe('待签收');

      // Nothing on this path needed an API the doc-only Feishu does not have (follow-ups included).
      await sleep(1_000);
      expect(fake.refused).toEqual([]);
    });
  });
}
