// Reply latency benchmark (issue 11, "Speed a user feels"). The real bot runs as its own process
// against the fake Feishu, over the signed + encrypted webhook; liaisons send 我的任务 / 台账 /
// 进展. Measured per event: from the moment its POST starts to the moment the bot's reply to it
// reaches the fake Feishu (the fake's 'message' event). Prints p50/p90/p99/max for
//   (a) an idle bot, one event at a time (a random pause of 100–300 ms between them), and
//   (b) a steady stream of --rate events/s (default 50) for --seconds (default 10),
// on SQLite, and on PostgreSQL when --pg <url> or TEST_POSTGRES_URL / BENCH_POSTGRES_URL is given.
//   npm run bench:reply
//   npm run bench:reply -- --pg postgresql://postgres@127.0.0.1:5432/test --idle 200 --rate 50 --seconds 10
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { FakeFeishu, type FakeMessage } from '../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../src/demo/directory.js';
import { demoPeople, demoTasks } from '../src/demo/ledger.js';
import { arg, botEnv, freshDatabase, percentile, seedDemo, signedMessageEvent, startInstance, stopInstance } from './lib.js';

const IDLE = Number(arg('idle', '200'));
const RATE = Number(arg('rate', '50'));
const SECONDS = Number(arg('seconds', '10'));
const WARMUP = Number(arg('warmup', '60'));
const TARGET_P99_MS = 150;
const pgUrl = arg('pg', '') || process.env.BENCH_POSTGRES_URL || process.env.TEST_POSTGRES_URL;

// Everyone in the demo ledger sends 我的任务 and 台账; a liaison with an open task of their unit
// also sends 进展 on it. Spread over 38 people, 50 events/s stay under Feishu's 5 messages/s into
// one chat (the bot's replies go to the sender's private chat).
const script = demoPeople.flatMap((p) => {
  const task = p.roles.includes('改革联络员') && p.unit ? demoTasks.find((t) => t.leadUnit === p.unit && t.status !== '已销号' && t.status !== '待销号') : undefined;
  return [
    { p, text: () => '我的任务' },
    { p, text: () => '台账' },
    ...(task ? [{ p, text: (i: number) => `进展 ${task.code} 基准测试第${i}次推进 ${i % 100}%` }] : []),
  ];
});
// Interleave so consecutive events come from different people.
const order = script.map((s, i) => ({ s, k: (i * 7919) % script.length })).sort((a, b) => a.k - b.k).map((x) => x.s);

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/feishu/events', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU time (user + system, ms) the bot process has used so far (Linux /proc). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runProvider(provider: 'sqlite' | 'postgresql') {
  const fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: [600_000] });
  const db = await freshDatabase(provider, pgUrl || undefined);
  await seedDemo(db.target, fake.tenantKey);
  const bot = await startInstance('reply-bench', botEnv(fake, db.url));
  // messageId → [posted at, resolve on the first reply]
  const waiting = new Map<string, { t0: number; done: (ms: number) => void }>();
  fake.on('message', (m: FakeMessage) => {
    if (m.sender.type !== 'bot' || !m.parentId) return;
    const w = waiting.get(m.parentId);
    if (!w) return;
    waiting.delete(m.parentId);
    w.done(performance.now() - w.t0);
  });
  let n = 0;
  const byKind = new Map<string, number[]>();
  /** Sends one event; resolves with its reply latency (ms), NaN when no reply came within 30 s. */
  const one = async (): Promise<number> => {
    const i = n++;
    const s = order[i % order.length]!;
    const e = signedMessageEvent(fake, { senderOpenId: s.p.openId, senderName: s.p.name, text: s.text(i) });
    // The fake must know the user's message, so the reply to it is accepted (we post the event ourselves).
    await fake.deliverMessageEvent({ senderOpenId: e.senderOpenId, text: e.text, messageId: e.messageId, push: false });
    const replied = new Promise<number>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(e.messageId);
        resolve(NaN);
      }, 30_000);
      waiting.set(e.messageId, { t0: performance.now(), done: (ms) => (clearTimeout(timer), resolve(ms)) });
    });
    const status = await post(bot.port, e.body, e.headers);
    if (status !== 200) throw new Error(`webhook answered ${status}`);
    const ms = await replied;
    const kind = e.text.split(' ')[0]!;
    byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
    return ms;
  };
  try {
    // Warm-up (JIT, first queries, token), outside the figures.
    for (let i = 0; i < WARMUP; i++) await one();
    byKind.clear();
    const idle: number[] = [];
    for (let i = 0; i < IDLE; i++) {
      await sleep(100 + Math.random() * 200);
      idle.push(await one());
    }
    const idleByKind = [...byKind].map(([k, v]) => `${k} p50 ${percentile(v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b), 50).toFixed(0)} ms`).join(', ');
    await sleep(1_000);
    const cpu0 = cpuMs(bot.child.pid);
    const steady: Promise<number>[] = [];
    const total = RATE * SECONDS;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      steady.push(one());
    }
    const steadyMs = await Promise.all(steady);
    const cpuPerEvent = (cpuMs(bot.child.pid) - cpu0) / total;
    return { idle, idleByKind, steady: steadyMs, cpuPerEvent };
  } finally {
    await stopInstance(bot);
    await fake.close();
    await db.drop();
  }
}

function line(label: string, values: number[]): string {
  const missing = values.filter((v) => Number.isNaN(v)).length;
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const p = (q: number) => `${percentile(sorted, q).toFixed(0)}`;
  const p99 = percentile(sorted, 99);
  return `${label}: n=${values.length} p50 ${p(50)} ms, p90 ${p(90)} ms, p99 ${p(99)} ms, max ${sorted.at(-1)?.toFixed(0)} ms` +
    `${missing ? `, ${missing} without a reply in 30 s` : ''} (target p99 ≤ ${TARGET_P99_MS} ms) ${p99 <= TARGET_P99_MS && !missing ? 'OK' : 'MISSED'}`;
}

// --only sqlite|postgresql runs one of them (profiling one database).
const only = arg('only', '');
const providers = ((pgUrl ? ['sqlite', 'postgresql'] : ['sqlite']) as ('sqlite' | 'postgresql')[]).filter((p) => !only || p === only);
console.log(`Taizhang reply latency benchmark — ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('event POSTed (signed, encrypted webhook) → the reply reaches the fake Feishu; commands 我的任务 / 台账 / 进展 in turn');
if (!pgUrl) console.log('PostgreSQL skipped (pass --pg <url> or set TEST_POSTGRES_URL)');
for (const provider of providers) {
  const r = await runProvider(provider);
  console.log(line(`[${provider}] idle, one at a time`, r.idle) + ` — by command: ${r.idleByKind}`);
  console.log(line(`[${provider}] steady ${RATE} events/s for ${SECONDS} s`, r.steady) + ` — the bot used ${r.cpuPerEvent.toFixed(1)} ms of CPU per event`);
}
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
agent.destroy();
process.exit(0);
