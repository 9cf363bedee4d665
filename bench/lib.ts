// Shared by the benchmarks: a fresh database with the demo ledger, bot instances as child
// processes, and signed + encrypted webhook events built exactly as Feishu builds them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseDatabaseUrl, type DatabaseTarget } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { ensureTenant } from '../src/db/repos/tenants.js';
import { importLedger } from '../src/ledger/import/index.js';
import { DEMO_WORKBOOK } from '../src/demo/load.js';
import { envelope, messageEvent, textContent, encryptForBot, signatureHeaders, randomId } from '../src/sandbox/fake-feishu-payloads.js';
import type { FakeFeishu } from '../src/sandbox/fake-feishu.js';

export const root = path.resolve(import.meta.dirname, '..');
export const pgUrl = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** A fresh SQLite file, or a fresh schema on PostgreSQL (`baseUrl`, default BENCH_/TEST_POSTGRES_URL). */
export async function freshDatabase(provider: 'sqlite' | 'postgresql', baseUrl: string | undefined = pgUrl): Promise<{ url: string; target: DatabaseTarget; drop(): Promise<void> }> {
  if (provider === 'sqlite') {
    const url = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'taizhang-bench-')), 'bench.db')}`;
    return { url, target: parseDatabaseUrl(url), drop: async () => {} };
  }
  if (!baseUrl) throw new Error('PostgreSQL 基准需要 BENCH_POSTGRES_URL 或 TEST_POSTGRES_URL');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const u = new URL(baseUrl);
  u.searchParams.set('schema', schema);
  return {
    url: u.toString(), target: parseDatabaseUrl(u.toString()),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/** Migrates and loads the demo ledger into the fake's tenant. */
export async function seedDemo(target: DatabaseTarget, tenantKey: string): Promise<void> {
  const db = await openDatabase(target);
  const tenant = await ensureTenant(db.prisma, tenantKey);
  const r = await importLedger(db.prisma, tenant.id, [DEMO_WORKBOOK]);
  if (!r.ok) throw new Error('demo import failed');
  await db.close();
}

export interface Instance { child: ChildProcess; port: number; name: string }

export function botEnv(fake: FakeFeishu, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    DATABASE_URL: databaseUrl, DEFAULT_TENANT_KEY: fake.tenantKey, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret,
    FEISHU_ENCRYPT_KEY: fake.encryptKey ?? '', FEISHU_VERIFICATION_TOKEN: fake.verificationToken, FEISHU_DOMAIN: fake.url,
    FEISHU_EVENT_MODE: 'webhook', PORT: '0', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error', ...extra,
  };
}

const running = new Set<ChildProcess>();
// A benchmark that fails must not leave its bot processes running (they hold its output pipe).
process.once('exit', () => {
  for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
});

/** GET a bot's /healthz on a fresh connection (a kept-alive one may have been closed by the bot meanwhile). */
export async function healthz<T = unknown>(port: number, query = ''): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz${query}`, { headers: { connection: 'close' } }).catch(() =>
    fetch(`http://127.0.0.1:${port}/healthz${query}`, { headers: { connection: 'close' } }));
  return (await res.json()) as T;
}

export async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', path.join(root, 'bench/bot-instance.ts')], { cwd: root, env: { ...env, INSTANCE_ID: name }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${name} 未能在 60 秒内启动`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} 退出（${code}）`)));
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return { child, port, name };
}

export async function stopInstance(i: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (i.child.exitCode !== null) return;
  const exited = new Promise((r) => i.child.once('exit', r));
  i.child.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
}

/** A signed and encrypted im.message.receive_v1 request body + headers, as Feishu sends it. */
export function signedMessageEvent(fake: FakeFeishu, opts: { senderOpenId: string; senderName: string; text: string; chatId?: string }): { body: string; headers: Record<string, string>; eventId: string; messageId: string; senderOpenId: string; text: string } {
  const eventId = randomId('', 16);
  const messageId = randomId('om_', 16);
  const now = Date.now();
  const event = messageEvent({
    messageId, chatId: opts.chatId ?? `oc_p2p_${opts.senderOpenId}`, chatType: opts.chatId ? 'group' : 'p2p',
    sender: { openId: opts.senderOpenId, name: opts.senderName }, tenantKey: fake.tenantKey, createTimeMs: now,
    messageType: 'text', content: textContent(opts.text, []), mentions: [],
  });
  const env = envelope({ eventId, eventType: 'im.message.receive_v1', createTime: String(now), token: fake.verificationToken, appId: fake.appId, tenantKey: fake.tenantKey }, event);
  const body = JSON.stringify({ encrypt: encryptForBot(fake.encryptKey!, JSON.stringify(env)) });
  return { body, headers: { 'content-type': 'application/json', ...signatureHeaders(fake.encryptKey!, body, Math.floor(now / 1000)) }, eventId, messageId, senderOpenId: opts.senderOpenId, text: opts.text };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
