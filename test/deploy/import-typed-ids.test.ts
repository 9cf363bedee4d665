// Issue 13: a 飞书ID typed in the 人员 sheet that belongs to another app (99992361 "open_id cross
// app") is said by `taizhang import` itself — who, and what to do — not found after the sender's
// retries; a frequency-limited lookup (99991400) is asked again, not taken as this app's. The CLI
// against the fake Feishu, SQLite and PostgreSQL.
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
  run(`taizhang import checks typed 飞书IDs [${provider}]`, () => {
    let testDb: TestDatabase;
    let fake: FakeFeishu;
    let env: Record<string, string>;

    beforeAll(async () => {
      testDb = await createTestDatabase(provider);
      fake = await FakeFeishu.start({ ...demoDirectory() });
      env = { DATABASE_URL: testDb.target.url, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: 'longconn', LOG_LEVEL: 'silent' };
    });
    afterAll(async () => {
      await fake?.close();
      await testDb?.destroy();
    });

    it('another app\'s open_id is listed with the fix, through a frequency limit; the rest are this app\'s', async () => {
      fake.crossAppOpenIds.add('ou_demo_office_sun');
      // The first two user-info calls are frequency-limited: asked again, not skipped.
      fake.rateLimitStorm(2, 1, 'contact.user.get');
      const r = await cli(env, 'import', DEMO_WORKBOOK);
      expect(r.code).toBe(0);
      expect(r.out).toContain('飞书ID：1 人的飞书ID属于其他应用（飞书错误码 99992361 open_id cross app），消息发不出去：');
      expect(r.out).toContain('  孙浩（县委改革办）：ou_demo_office_sun');
      expect(r.out).toContain('怎么办：open_id 每个应用各不相同');
      expect(r.out).not.toContain('未能核对');
      expect(fake.requestsFor('contact.user.get', { ok: false }).length).toBeGreaterThanOrEqual(3); // 2 limited + 1 cross-app
      const again = await cli(env, 'import', DEMO_WORKBOOK);
      expect(again.out).toContain('飞书ID：1 人的飞书ID属于其他应用');
    });

    it('all typed 飞书IDs of this app: one ✓ line with the count', async () => {
      fake.crossAppOpenIds.clear();
      const r = await cli(env, 'import', DEMO_WORKBOOK);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/飞书ID：已核对 \d+ 个，均属于本应用/);
      expect(r.out).not.toContain('属于其他应用');
    });
  });
}
