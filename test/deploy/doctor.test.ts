// Issue 13: `taizhang doctor` against the fake Feishu — all ✓ (exit 0) on the sandbox directory
// with the demo ledger; a permission the app lacks (99991672) is ✗ on its own line, naming the
// permission to add (exit 1); a typed 飞书ID from another app (99992361) is found. SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { runCli } from '../../src/cli/index.js';

async function cli(env: Record<string, string>, ...args: string[]) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const out: string[] = [];
  try {
    process.exitCode = undefined;
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => out.push(l), isTty: false });
    process.exitCode = undefined;
    return { code, out: out.join('\n') };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  const run = provider === 'sqlite' || postgresUrl ? describe : describe.skip;
  run(`taizhang doctor [${provider}]`, () => {
    let testDb: TestDatabase;
    let fake: FakeFeishu;
    let env: Record<string, string>;
    const AT = ['--at', '2026-11-23T09:00'];

    beforeAll(async () => {
      testDb = await createTestDatabase(provider);
      fake = await FakeFeishu.start({ ...demoDirectory(), appId: 'cli_a1b2c3d4e5f60718' });
      env = { DATABASE_URL: testDb.target.url, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: 'longconn', LOG_LEVEL: 'silent' };
      expect((await cli(env, 'import', DEMO_WORKBOOK)).code).toBe(0);
    });
    afterAll(async () => {
      await fake?.close();
      await testDb?.destroy();
    });

    it('passes on the sandbox: every line ✓, exit 0', async () => {
      const r = await cli(env, 'doctor', ...AT);
      expect(r.out).not.toContain('✗');
      expect(r.code).toBe(0);
      expect(r.out).toContain('✓ 应用凭证：App ID / App Secret 有效');
      expect(r.out).toContain('✓ 权限「通过手机号或邮箱获取用户 ID」（contact:user.id:readonly）已开通');
      expect(r.out).toMatch(/✓ 事件接收：长连接已建立并关闭（\d+ 毫秒）/);
      expect(r.out).toContain('✓ 节假日：2026 年放假安排已载入');
      expect(r.out).toContain('✓ 数据库：迁移已是最新');
      // Next year's schedule is not due yet at AT: ⚠, counted apart from the ✓ lines.
      expect(r.out).toMatch(/共 (\d+) 项，\d+ 项通过，1 项提示（⚠/);
    });

    it('--sandbox needs no credentials: it checks against the sandbox\'s own fake Feishu, all ✓; a year without holiday data is ⚠, not ✓', async () => {
      // In December too (a real deployment gets ✗ then: next year's schedule is due): a trial has no notice to load.
      const r = await cli({ DATABASE_URL: env.DATABASE_URL!, LOG_LEVEL: 'silent' }, 'doctor', '--sandbox', '--at', '2026-12-02T09:00');
      expect(r.out).toContain('沙箱自检');
      expect(r.out).toContain('✓ 应用凭证：App ID / App Secret 有效');
      expect(r.out).toMatch(/✓ 事件接收：长连接已建立并关闭/);
      expect(r.out).toMatch(/⚠ 节假日：2027 年放假安排尚未载入[\s\S]*怎么办：/);
      // The summary does not say 全部通过 under a ⚠ line (new-user trial).
      expect(r.out).toMatch(/共 (\d+) 项，\d+ 项通过，1 项提示（⚠/);
      expect(r.out).not.toContain('全部通过');
      expect(r.out).not.toContain('✗');
      expect(r.code).toBe(0);
      const plain = await cli({ DATABASE_URL: env.DATABASE_URL!, LOG_LEVEL: 'silent' }, 'doctor', ...AT);
      expect(plain.code).toBe(1);
      expect(plain.out).toContain('taizhang doctor --sandbox');
    });

    it('a missing permission is ✗ on its own line with the permission to add; exit 1', async () => {
      fake.lackScopes.add('contact:user.id:readonly');
      try {
        const r = await cli(env, 'doctor', ...AT);
        expect(r.code).toBe(1);
        const lines = r.out.split('\n');
        const bad = lines.filter((l) => l.startsWith('✗'));
        expect(bad).toEqual(['✗ 缺少权限「通过手机号或邮箱获取用户 ID」（contact:user.id:readonly，飞书错误码 99991672）']);
        expect(lines[lines.indexOf(bad[0]!) + 1]).toContain('权限管理 → 开通「通过手机号或邮箱获取用户 ID」');
        expect(r.out).toContain('✓ 权限「以应用的身份发消息」');
      } finally {
        fake.lackScopes.clear();
      }
    });

    it('an optional permission missing (user_id field scope) is said, not ✗; exit 0', async () => {
      fake.lackScopes.add('contact:user.employee_id:readonly');
      try {
        const r = await cli(env, 'doctor', ...AT);
        expect(r.out).toContain('✓ 可选权限「获取用户 user ID」（contact:user.employee_id:readonly）未开通：不开通只记录 open_id');
        expect(r.out).not.toContain('✗');
        expect(r.code).toBe(0);
      } finally {
        fake.lackScopes.clear();
      }
    });

    it('a typed 飞书ID of another app (99992361) is found; December without next year\'s holidays is ✗', async () => {
      fake.crossAppOpenIds.add('ou_demo_office_sun');
      try {
        const r = await cli(env, 'doctor', '--at', '2026-12-02T09:00');
        expect(r.code).toBe(1);
        expect(r.out).toContain('✗ 人员：1 人的飞书ID属于其他应用（飞书错误码 99992361 open_id cross app）');
        expect(r.out).toContain('孙浩（县委改革办）：ou_demo_office_sun');
        expect(r.out).toContain('✗ 节假日：2027 年放假安排尚未载入');
      } finally {
        fake.crossAppOpenIds.clear();
      }
    });
  });
}
