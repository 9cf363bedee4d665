// Memory of one bot instance holding a 100,000-task ledger (issue 6; target RSS ≤ 300 MB).
// Seeds the ledger with plain SQL (once: the seeded database is kept and reused by later runs),
// starts a real instance (own process, bench/memory-instance.mjs) against it, makes it do the
// heavy things — the first 台账 of the day (every colour recomputed), 台账 again, my-tasks and a
// report, the half-year tally, the daily reminders job — and reads its RSS from /proc every 20 ms.
// Then the CLI's export of the whole ledger, in its own process. Each phase's peak is judged
// against 300 MB.
//   npm run bench:memory [-- --db postgresql] [-- --tasks 100000] [-- --entry dist|src] [-- --fresh]
//     --entry dist (default): the compiled build (`npm run build`, run here first), as in production;
//     --entry src: the TypeScript sources through tsx, as `npm start` runs them.
//     The compiled build runs with the node flags of `npm run start:prod`; BENCH_NODE_FLAGS="…"
//     replaces them (BENCH_NODE_FLAGS= runs without).
//     --fresh seeds a new database instead of reusing the kept one; --no-export skips the export.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from '../src/config.js';
import { FakeFeishu } from '../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../src/demo/directory.js';
import { openDatabase } from '../src/db/client.js';
import { ensureTenant } from '../src/db/repos/tenants.js';
import { arg, botEnv, pgUrl, root, seedDemo, signedMessageEvent } from './lib.js';
import { seedSyntheticLedger } from './seed.js';

const provider = arg('db', 'sqlite') as 'sqlite' | 'postgresql';
const tasks = Number(arg('tasks', '100000'));
const reports = Number(arg('reports', String(tasks * 10)));
const entry = arg('entry', 'dist') as 'dist' | 'src';
const TARGET_MB = 300;
const TENANT_KEY = 'bench-memory';

const rssMb = (pid: number) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
};
const verdict = (mb: number) => (mb <= TARGET_MB ? 'OK' : 'MISSED');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---- the kept, seeded database ----------------------------------------------------------------
// SQLite: a file in the temp directory; PostgreSQL: a schema. Named by size so other sizes reseed.
const keptName = `bench_memory_${tasks}_${reports}`;
const url = provider === 'sqlite'
  ? `file:${path.join(os.tmpdir(), `taizhang-${keptName}.db`)}`
  : (() => {
    if (!pgUrl) throw new Error('PostgreSQL 基准需要 BENCH_POSTGRES_URL 或 TEST_POSTGRES_URL');
    const u = new URL(pgUrl);
    u.searchParams.set('schema', keptName);
    return u.toString();
  })();
const target = parseDatabaseUrl(url);
const where = target.provider === 'sqlite' ? target.file : `schema ${keptName}`;

async function dropKept(): Promise<void> {
  if (target.provider === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(target.file + suffix, { force: true });
    return;
  }
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${keptName}" CASCADE`);
  await c.end();
}

async function seededTasks(): Promise<number> {
  if (target.provider === 'sqlite' && !existsSync(target.file)) return 0;
  const db = await openDatabase(target).catch(() => undefined);
  if (!db) return 0;
  try {
    return await db.prisma.task.count({ where: { tenant: { key: TENANT_KEY }, code: { startsWith: 'S-' } } });
  } finally {
    await db.close();
  }
}

if (process.argv.includes('--fresh') || (await seededTasks()) !== tasks) {
  await dropKept();
  const fakeForSeed = await FakeFeishu.start({ ...demoDirectory(), tenantKey: TENANT_KEY });
  await seedDemo(target, TENANT_KEY);
  await fakeForSeed.close();
  const database = await openDatabase(target, { migrate: false });
  const tenant = await ensureTenant(database.prisma, TENANT_KEY);
  const t0 = Date.now();
  await seedSyntheticLedger(database, tenant.id, { tasks, reports, units: 200 });
  console.log(`seeded ${tasks} tasks and ${reports} reports in ${secs(Date.now() - t0)} (${provider}; kept for the next run: ${where})`);
  await database.close();
} else {
  console.log(`reusing the seeded ${provider} ledger of ${tasks} tasks / ${reports} reports (${where}; --fresh reseeds)`);
}
// Every run starts from the same state: all colours stale (the first 台账 recomputes them all), no
// queued messages or job runs left by an earlier run.
{
  const db = await openDatabase(target, { migrate: false });
  await db.prisma.task.updateMany({ data: { levelOn: null } });
  await db.prisma.outboxMessage.deleteMany({});
  await db.prisma.inboxEvent.deleteMany({});
  await db.prisma.jobRun.deleteMany({});
  await db.close();
}

// ---- the instance ------------------------------------------------------------------------------
if (entry === 'dist') {
  const t = Date.now();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  console.log(`npm run build: ${secs(Date.now() - t)}`);
}
const fake = await FakeFeishu.start({ ...demoDirectory(), tenantKey: TENANT_KEY });
// The compiled build runs with the flags of `npm run start:prod` (package.json), unless
// BENCH_NODE_FLAGS says otherwise (BENCH_NODE_FLAGS= for none).
const prodFlags = (/^node (.*) dist\/main\.js$/.exec((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod'] ?? '')?.[1] ?? '');
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? (entry === 'dist' ? prodFlags : '')).split(' ').filter(Boolean);
const instanceArgs = [...nodeFlags, ...(entry === 'src' ? ['--import', 'tsx'] : []), path.join(root, 'bench/memory-instance.mjs'), ...(entry === 'src' ? ['--src'] : [])];
console.log(`instance: node ${instanceArgs.map((a) => a.replace(root + '/', '')).join(' ')}`);

const started = Date.now();
const child: ChildProcess = spawn(process.execPath, instanceArgs, { cwd: root, env: { ...botEnv(fake, url), INSTANCE_ID: 'mem-1' }, stdio: ['pipe', 'pipe', 'inherit'] });
const pid = child.pid!;
let out = '';
const lineWaiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
child.stdout!.on('data', (d: Buffer) => {
  out += d.toString();
  for (const w of [...lineWaiters]) {
    const m = w.re.exec(out);
    if (m) {
      out = out.slice(m.index + m[0].length);
      lineWaiters.splice(lineWaiters.indexOf(w), 1);
      w.resolve(m);
    }
  }
});
const waitLine = (re: RegExp, ms = 600_000) => new Promise<RegExpExecArray>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`instance: no ${re} within ${ms} ms`)), ms);
  lineWaiters.push({ re, resolve: (m) => (clearTimeout(timer), resolve(m)) });
  child.once('exit', (code) => reject(new Error(`instance exited (${code})`)));
});

let phasePeak = 0;
let overallPeak = 0;
const sampler = setInterval(() => {
  const mb = rssMb(pid);
  if (Number.isFinite(mb)) {
    phasePeak = Math.max(phasePeak, mb);
    overallPeak = Math.max(overallPeak, mb);
  }
}, 20);
const rows: { phase: string; time: string; after: number; peak: number }[] = [];
async function phase(name: string, fn: () => Promise<unknown>): Promise<void> {
  phasePeak = rssMb(pid);
  const t = Date.now();
  await fn();
  const time = secs(Date.now() - t);
  await new Promise((r) => setTimeout(r, 200));
  rows.push({ phase: name, time, after: rssMb(pid), peak: phasePeak });
  console.log(`${name}: ${time}; peak RSS ${phasePeak.toFixed(0)} MB ${verdict(phasePeak)}; now ${await mem()}`);
}
/** The instance's own view: RSS, V8 heap used/total, external (native buffers, WASM) in MB. */
async function mem(): Promise<string> {
  child.stdin!.write('mem\n');
  const m = JSON.parse((await waitLine(/DONE (.*)\n/))[1]!) as Record<string, number>;
  return `RSS ${m.rss} MB (V8 heap ${m.heapUsed}/${m.heapTotal} MB, external ${m.external} MB)`;
}

const port = Number((await waitLine(/READY (\d+)\n/, 120_000))[1]);
const startupPeak = phasePeak;
await new Promise((r) => setTimeout(r, 2_000));
const idle = rssMb(pid);
console.log(`start-up: ${secs(Date.now() - started)} to READY (peak ${startupPeak.toFixed(0)} MB); idle 2 s later: RSS ${idle.toFixed(0)} MB ${verdict(idle)}; ${await mem()}`);

const office = { openId: 'ou_demo_office_zhou', name: '周敏' };
const liaison = { openId: 'ou_demo_shibao_liaison', name: '程功' };
const send = async (who: { openId: string; name: string }, text: string) => {
  const e = signedMessageEvent(fake, { senderOpenId: who.openId, senderName: who.name, text });
  await fake.deliverMessageEvent({ senderOpenId: who.openId, text, messageId: e.messageId, push: false });
  await fetch(`http://127.0.0.1:${port}/feishu/events`, { method: 'POST', headers: e.headers, body: e.body });
  const deadline = Date.now() + 300_000;
  while (!fake.botMessages().some((m) => m.parentId === e.messageId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (Date.now() >= deadline) throw new Error(`no answer to「${text}」`);
};
const job = async (name: string, at: string) => {
  child.stdin!.write(`job ${name} ${at}\n`);
  const r = JSON.parse((await waitLine(/DONE (.*)\n/))[1]!) as { messages?: number; enqueued?: number; error?: string };
  if (r.error) throw new Error(r.error);
  console.log(`  ${name}: ${r.messages} messages planned, ${r.enqueued} queued`);
};

await phase(`first 台账 of the day (${tasks} colours recomputed)`, () => send(office, '台账'));
await phase('台账 again', () => send(office, '台账'));
await phase('我的任务 + 进展 (liaison)', async () => {
  await send(liaison, '我的任务');
  await send(liaison, '进展 QY-2026-018 已完成执法事项目录初稿 70%');
});
await phase(`half-year tally of ${tasks} tasks (job half-year, 2026-07-01 11:00)`, () => job('half-year', '2026-07-01T03:00:00Z'));
await phase(`daily reminders job over ${tasks} tasks (job reminders, 2026-11-23 09:00)`, () => job('reminders', '2026-11-23T01:00:00Z'));
clearInterval(sampler);
const instancePeak = overallPeak;
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await fake.close();

// ---- the export, a CLI command in its own process ----------------------------------------------
let exportRow: { time: string; peak: number } | undefined;
if (!process.argv.includes('--no-export')) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taizhang-bench-export-'));
  const t = Date.now();
  // The CLI as the instance runs: compiled (`node dist/cli/index.js`) or through tsx (`npx taizhang`).
  const cliEntry = path.join(root, entry === 'dist' ? 'dist/cli/index.js' : 'bin/taizhang.js');
  const cli = spawn(process.execPath, [...nodeFlags, cliEntry, '--tenant', TENANT_KEY, 'export', path.join(dir, 'ledger.xlsx')], {
    cwd: root, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let peak = 0;
  const s = setInterval(() => (peak = Math.max(peak, rssMb(cli.pid!) || 0)), 20);
  let text = '';
  cli.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  const code = await new Promise<number>((r) => cli.once('exit', (c) => r(c ?? 1)));
  clearInterval(s);
  rmSync(dir, { recursive: true, force: true });
  exportRow = { time: secs(Date.now() - t), peak };
  console.log(`export (taizhang export, its own process, exit ${code}): ${exportRow.time}; peak RSS ${peak.toFixed(0)} MB — ${text.trim()}`);
}

console.log(`\n== RSS of one instance, ${tasks}-task ledger (${provider}, ${entry === 'dist' ? 'compiled build' : 'sources through tsx'}${nodeFlags.length ? `, node ${nodeFlags.join(' ')}` : ''}); target ≤ ${TARGET_MB} MB ==`);
console.log(`idle                                 ${idle.toFixed(0).padStart(4)} MB  ${verdict(idle)}`);
for (const r of rows) console.log(`${r.phase.padEnd(36).slice(0, 36)} ${r.peak.toFixed(0).padStart(4)} MB peak  ${verdict(r.peak)}  (${r.time})`);
console.log(`instance peak over the run           ${instancePeak.toFixed(0).padStart(4)} MB  ${verdict(instancePeak)}`);
if (exportRow) console.log(`export (CLI process, not the bot)    ${exportRow.peak.toFixed(0).padStart(4)} MB peak  ${verdict(exportRow.peak)}  (${exportRow.time})`);
