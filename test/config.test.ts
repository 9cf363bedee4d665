// Starting with half a set of Feishu credentials, or the sandbox on a database that served real
// Feishu: both refused with a Chinese line naming what is wrong, before anything is sent anywhere.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { enqueueMessage } from '../src/outbox/index.js';
import { tempDir } from './helpers/workbooks.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** `npm start` (src/main.ts) as a real process; resolves with its exit code and output, or kills it after `ms`. */
function startMain(env: Record<string, string>, ms = 30_000): Promise<{ code: number | null; out: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FEISHU_') && k !== 'DATABASE_URL'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...clean, LOG_LEVEL: 'silent', SANDBOX_PORT: '0', PORT: '0', ...env } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('partial Feishu credentials', () => {
  it('are refused, naming what is missing, for every combination', () => {
    const all = { FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: 'secret', FEISHU_ENCRYPT_KEY: 'ek', FEISHU_VERIFICATION_TOKEN: 'vt' };
    expect(loadConfig(all).feishu.hasCredentials).toBe(true);
    expect(loadConfig({}).feishu.hasCredentials).toBe(false);
    const cases: [Record<string, string>, string][] = [
      [{ FEISHU_APP_ID: all.FEISHU_APP_ID, FEISHU_ENCRYPT_KEY: 'ek', FEISHU_VERIFICATION_TOKEN: 'vt' }, '缺少 FEISHU_APP_SECRET'],
      [{ FEISHU_APP_SECRET: 'secret' }, '缺少 FEISHU_APP_ID'],
      [{ FEISHU_ENCRYPT_KEY: 'ek' }, '缺少 FEISHU_APP_ID、FEISHU_APP_SECRET'],
      [{ FEISHU_VERIFICATION_TOKEN: 'vt', FEISHU_APP_ID: 'cli_x' }, '缺少 FEISHU_APP_SECRET'],
      [{ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: '   ' }, '缺少 FEISHU_APP_SECRET'],
    ];
    for (const [env, missing] of cases) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(missing);
    }
  });

  it('npm start with the app id and keys but no secret exits at once and touches no database', async () => {
    const dir = tempDir('taizhang-partial-');
    const file = path.join(dir, 'prod.db');
    const r = await startMain({ DATABASE_URL: `file:${file}`, FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_ENCRYPT_KEY: 'ek', FEISHU_VERIFICATION_TOKEN: 'vt' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('配置错误');
    expect(r.out).toContain('已配置 FEISHU_APP_ID、FEISHU_ENCRYPT_KEY、FEISHU_VERIFICATION_TOKEN，但缺少 FEISHU_APP_SECRET');
    expect(r.out).not.toContain('打开沙箱页面');
    expect(existsSync(file)).toBe(false);
  }, 60_000);

  it('the sandbox refuses a database holding a real tenant and its queued messages', async () => {
    const dir = tempDir('taizhang-sandbox-db-');
    const url = `file:${path.join(dir, 'prod.db')}`;
    const db = await openDatabase(loadConfig({ DATABASE_URL: url }).database);
    const real = await db.prisma.tenant.create({ data: { key: 'tk_real_county', name: '北岭县委改革办' } });
    await enqueueMessage(db.prisma, { tenantId: real.id, dedupeKey: 'reminders:x:ou_real:2026-11-23', kind: 'send', receiveIdType: 'open_id', receiveId: 'ou_real', message: { msgType: 'text', content: { text: '临期提醒' } } });
    await db.close();
    const r = await startMain({ DATABASE_URL: url });
    expect(r.code).toBe(1);
    expect(r.out).toContain('数据库中有飞书租户 tk_real_county（北岭县委改革办） 的台账，另有 1 条待发送的消息');
    expect(r.out).toContain('已拒绝启动');
    const after = await openDatabase(loadConfig({ DATABASE_URL: url }).database);
    try {
      expect(await after.prisma.outboxMessage.findMany({ select: { status: true, attempts: true } })).toEqual([{ status: 'pending', attempts: 0 }]);
    } finally {
      await after.close();
    }
  }, 60_000);
});
