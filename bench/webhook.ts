// Webhook load benchmark (issues 3 and 6). Bot instances run as separate processes on one database;
// a load balancer's round robin spreads signed + encrypted message events across them; each event
// is a real progress report ("进展 <code> …") that the handlers record and answer.
// Prints ack latency p50/p99, throughput, time until all are processed and answered, lost and
// duplicated counts.
//   npm run bench:webhook                                   200 concurrent events, 1 instance, SQLite
//   npm run bench:webhook -- --db postgresql --instances 4 --rate 500 --seconds 10
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeFeishu } from '../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../src/demo/directory.js';
import { demoPeople, demoTasks } from '../src/demo/ledger.js';
import { openDatabase } from '../src/db/client.js';
import { arg, botEnv, freshDatabase, healthz, percentile, seedDemo, signedMessageEvent, startInstance, stopInstance } from './lib.js';

const provider = arg('db', 'sqlite') as 'sqlite' | 'postgresql';
const instances = Number(arg('instances', '1'));
const rate = Number(arg('rate', '0')); // events/s; 0 = all at once
const seconds = Number(arg('seconds', '10'));
const total = rate > 0 ? rate * seconds : Number(arg('events', '200'));

// Each liaison reports on a task their unit leads.
const reporters = demoPeople
  .filter((p) => p.roles.includes('改革联络员') && p.unit)
  .map((p) => ({ p, task: demoTasks.find((t) => t.leadUnit === p.unit && t.status !== '已销号' && t.status !== '待销号') }))
  .filter((r): r is { p: (typeof demoPeople)[number]; task: (typeof demoTasks)[number] } => Boolean(r.task));

const fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: [600_000] });
const db = await freshDatabase(provider);
await seedDemo(db.target, fake.tenantKey);
const env = botEnv(fake, db.url);
const bots = await Promise.all(Array.from({ length: instances }, (_, i) => startInstance(`bot-${i + 1}`, env)));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

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

const events = Array.from({ length: total }, (_, i) => {
  const r = reporters[i % reporters.length]!;
  return signedMessageEvent(fake, { senderOpenId: r.p.openId, senderName: r.p.name, text: `进展 ${r.task.code} 第${i}次压力测试推进 ${i % 100}%` });
});
// The fake must know each user message, so the bot's replies to it are accepted (not pushed: we post them ourselves).
for (const e of events) await fake.deliverMessageEvent({ senderOpenId: e.senderOpenId, text: e.text, messageId: e.messageId, push: false });
// Warm up each instance as a running bot would be (JIT, first queries, token), outside the figures.
for (const [n, b] of bots.entries()) {
  const warm = Array.from({ length: Number(arg('warmup', '200')) }, (_, i) => {
    const r = reporters[(i + n) % reporters.length]!;
    return signedMessageEvent(fake, { senderOpenId: r.p.openId, senderName: r.p.name, text: `进展 ${r.task.code} 预热 ${i}` });
  });
  for (const e of warm) await fake.deliverMessageEvent({ senderOpenId: e.senderOpenId, text: e.text, messageId: e.messageId, push: false });
  await Promise.all(warm.map((e) => post(b.port, e.body, e.headers)));
}
const warmReports = await (async () => {
  const c = await openDatabase(db.target, { migrate: false });
  // Wait until the warm-up is fully processed, so the measured burst starts on an idle bot.
  const warmTotal = bots.length * Number(arg('warmup', '200'));
  for (let i = 0; i < 600 && !process.env.BENCH_STOP_PROCESSOR; i++) {
    const done = await c.prisma.inboxEvent.count({ where: { status: 'done' } });
    const queued = await c.prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
    if (done >= warmTotal && queued === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 500));
  const n = await c.prisma.progressReport.count({ where: { source: 'chat' } });
  const rows = await c.prisma.inboxEvent.count();
  await c.close();
  return { n, rows };
})();
console.log(`Taizhang webhook benchmark — ${provider}, ${instances} instance(s), ${total} events ${rate > 0 ? `at ${rate}/s` : 'all at once'}`);

// Mark where the bots' own ack statistics stand, then fire from a separate load-generator process.
const ackBefore = await Promise.all(bots.map((b) => healthz<{ ack: { total: number } }>(b.port).then((h) => h.ack.total)));
const jobFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'taizhang-load-')), 'job.json');
writeFileSync(jobFile, JSON.stringify({ ports: bots.map((b) => b.port), rate, events: events.map((e) => ({ body: e.body, headers: e.headers })) }));
const t0 = performance.now();
const client = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'load-client.ts'), jobFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (client.status !== 0) throw new Error(`load client failed (status ${client.status}, signal ${client.signal}): ${client.stderr}`);
const load = JSON.parse(client.stdout) as { latencies: number[]; statuses: Record<string, number>; sentMs: number };
const latencies = load.latencies;
const statuses = new Map(Object.entries(load.statuses).map(([k, v]) => [Number(k), v]));
const serverAck = await Promise.all(bots.map((b, i) => healthz<{ ack: { count: number; p50Ms: number; p99Ms: number; maxMs: number } }>(b.port, `?since=${ackBefore[i]}`)));
const sentMs = load.sentMs;

// Wait until every event is processed and every receipt delivered.
const check = await openDatabase(db.target, { migrate: false });
const messageIds = new Set(events.map((e) => e.messageId));
let processedMs = NaN;
let deliveredMs = NaN;
const deadline = performance.now() + Number(arg('wait', '600')) * 1000;
while (performance.now() < deadline) {
  const done = await check.prisma.inboxEvent.count({ where: { status: 'done' } });
  if (Number.isNaN(processedMs) && done >= total + warmReports.rows) processedMs = performance.now() - t0;
  const delivered = fake.botMessages().filter((m) => m.parentId && messageIds.has(m.parentId)).length;
  if (delivered >= total) {
    deliveredMs = performance.now() - t0;
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
// Stop the bots first (gracefully: claimed work is finished or put back), so the counts below are
// stable: events still in the inbox when --wait ran out are not lost — stored and acked, a bot
// will process them.
await Promise.all(bots.map((b) => stopInstance(b)));
const reportRows = await check.prisma.progressReport.count({ where: { source: 'chat' } });
const allInboxRows = await check.prisma.inboxEvent.count();
const failed = await check.prisma.inboxEvent.count({ where: { status: 'failed' } });
const unprocessed = await check.prisma.inboxEvent.count({ where: { status: { notIn: ['done', 'failed'] } } });
const reports = reportRows - warmReports.n;
const inboxRows = allInboxRows - warmReports.rows;
const replies = fake.botMessages().filter((m) => m.parentId && messageIds.has(m.parentId));
const repliedTo = new Set(replies.map((m) => m.parentId));
latencies.sort((a, b) => a - b);
const f = (n: number) => `${n.toFixed(1)} ms`;
console.log(`ack latency: p50 ${f(percentile(latencies, 50))}, p95 ${f(percentile(latencies, 95))}, p99 ${f(percentile(latencies, 99))}, max ${f(latencies[latencies.length - 1]!)} (target p99 ≤ 100 ms) ${percentile(latencies, 99) <= 100 ? 'OK' : 'MISSED'}`);
console.log(`ack inside the bot(s) (request parsed → response written): ${serverAck.map((a, i) => `bot-${i + 1} p50 ${a.ack.p50Ms} ms, p99 ${a.ack.p99Ms} ms, max ${a.ack.maxMs} ms over ${a.ack.count}`).join('; ')}`);
console.log(`HTTP statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}; throughput ${((statuses.get(200) ?? 0) / (sentMs / 1000)).toFixed(0)} acked events/s (${statuses.get(200) ?? 0} acks, first request to last answer ${(sentMs / 1000).toFixed(2)} s)`);
const after = (ms: number) => (Number.isNaN(ms) ? `not within --wait ${arg('wait', '600')} s` : `after ${(ms / 1000).toFixed(2)} s`);
console.log(`all processed ${after(processedMs)}; all receipts delivered ${after(deliveredMs)} (replies are paced by Feishu's limits: 50/s per app, 5/s per user)`);
const stillQueued = await check.prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
if (unprocessed > 0) console.log(`stopped waiting (--wait ${arg('wait', '600')} s) with ${unprocessed} stored events not yet processed`);
console.log(`lost: ${total - reports - unprocessed} reports neither recorded nor waiting in the inbox, ${total - repliedTo.size - stillQueued - unprocessed} receipts neither delivered nor queued nor waiting (inbox rows ${inboxRows}, failed ${failed}; ${stillQueued} receipts still queued when we stopped waiting); duplicated: reports ${Math.max(0, reports - total)}, replies ${replies.length - repliedTo.size}`);

await check.close();
agent.destroy();
await fake.close();
await db.drop();
