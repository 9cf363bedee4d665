// Memory of one bot instance holding a 100,000-task ledger (issue 6; target RSS ≤ 300 MB).
// Seeds the ledger with plain SQL, starts a real instance (own process) against it, makes it do the
// heavy things — the county summary card, my-tasks, a reminders job plan — and reads its RSS from
// /proc while it works.
//   npm run bench:memory [-- --db postgresql] [-- --tasks 100000]
import { readFileSync } from 'node:fs';
import { FakeFeishu } from '../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../src/demo/directory.js';
import { openDatabase } from '../src/db/client.js';
import { ensureTenant } from '../src/db/repos/tenants.js';
import { arg, botEnv, freshDatabase, seedDemo, signedMessageEvent, startInstance, stopInstance } from './lib.js';
import { seedSyntheticLedger } from './seed.js';

const provider = arg('db', 'sqlite') as 'sqlite' | 'postgresql';
const tasks = Number(arg('tasks', '100000'));
const reports = Number(arg('reports', String(tasks * 10)));

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

const fake = await FakeFeishu.start({ ...demoDirectory() });
const db = await freshDatabase(provider);
await seedDemo(db.target, fake.tenantKey);
const database = await openDatabase(db.target, { migrate: false });
const tenant = await ensureTenant(database.prisma, fake.tenantKey);
const t0 = Date.now();
await seedSyntheticLedger(database, tenant.id, { tasks, reports, units: 200 });
console.log(`seeded ${tasks} tasks and ${reports} reports in ${((Date.now() - t0) / 1000).toFixed(1)} s (${provider})`);
await database.close();

const bot = await startInstance('mem-1', botEnv(fake, db.url));
const pid = bot.child.pid!;
let peak = rssMb(pid);
const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
console.log(`idle after start: RSS ${rssMb(pid).toFixed(0)} MB`);

const office = { openId: 'ou_demo_office_zhou', name: '周敏' };
const liaison = { openId: 'ou_demo_shibao_liaison', name: '程功' };
const send = async (who: { openId: string; name: string }, text: string) => {
  const e = signedMessageEvent(fake, { senderOpenId: who.openId, senderName: who.name, text });
  await fake.deliverMessageEvent({ senderOpenId: who.openId, text, messageId: e.messageId, push: false });
  await fetch(`http://127.0.0.1:${bot.port}/feishu/events`, { method: 'POST', headers: e.headers, body: e.body });
  const deadline = Date.now() + 300_000;
  while (!fake.botMessages().some((m) => m.parentId === e.messageId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
};
const s0 = Date.now();
await send(office, '台账');
console.log(`「台账」 over ${tasks} tasks answered in ${((Date.now() - s0) / 1000).toFixed(1)} s (first summary of the day recomputes every colour); RSS ${rssMb(pid).toFixed(0)} MB`);
const s1 = Date.now();
await send(office, '台账');
console.log(`「台账」 again: ${((Date.now() - s1) / 1000).toFixed(2)} s; RSS ${rssMb(pid).toFixed(0)} MB`);
await send(liaison, '我的任务');
await send(liaison, '进展 QY-2026-018 已完成执法事项目录初稿 70%');
clearInterval(sampler);
console.log(`peak RSS of the instance: ${peak.toFixed(0)} MB (target ≤ 300 MB) ${peak <= 300 ? 'OK' : 'MISSED'}`);
await stopInstance(bot);
await fake.close();
await db.drop();
