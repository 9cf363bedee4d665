// Benchmark for issue 4 (prints figures; not a test):
//  1. plans 5,000 deadline reminders across 200 groups and 2,000 users (the real planner and
//     cards), writes them to the outbox in one transaction, and drains them with the Sender
//     against the fake Feishu enforcing the documented limits (50/s and 1000/min per API, 5/s per
//     user or group). Prints the achieved send rate as a fraction of the limit, the rejections
//     (429 / 230020) and the lost and duplicated counts (targets: ≥ 0.9, 0, 0, 0).
//     Default: one Sender in this process, on SQLite. `--instances N`: N real bot processes
//     (bench/bot-instance.ts) drain the same outbox together — on PostgreSQL (`--db postgresql`,
//     the default when a URL is set; several instances need it, see README), so they share one
//     rate-limit window in the database (src/feishu/shared-ratelimit.ts). `--rate-limit local`
//     gives each process its own window instead, to show what that does;
//  2. how long computing the half-year tally takes for 100,000 tasks (target ≤ 2 s): in memory,
//     and from the database (SQLite; PostgreSQL too when BENCH_POSTGRES_URL or TEST_POSTGRES_URL is set).
// Usage: npm run bench:jobs   (BENCH_JOBS_MESSAGES=5000 BENCH_JOBS_TASKS=100000)
//        npm run bench:jobs -- --instances 4 [--db postgresql] [--rate-limit local] [--no-tally]
import { arg, botEnv, freshDatabase, startInstance, stopInstance, type Instance } from '../bench/lib.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/clock.js';
import { createWorkingCalendar } from '../src/core/calendar-data.js';
import { DEFAULT_HONOUR_WEIGHTS } from '../src/core/honour.js';
import { shanghaiInstant } from '../src/core/dates.js';
import { DEFAULT_THRESHOLDS } from '../src/core/supervision.js';
import { openDatabase, type Database } from '../src/db/client.js';
import { ensureTenant } from '../src/db/repos/tenants.js';
import { putSetting } from '../src/db/repos/settings.js';
import { createFeishuClient } from '../src/feishu/client.js';
import { Sender } from '../src/feishu/sender.js';
import type { JobLedger, TallyRow } from '../src/jobs/data.js';
import { commitPlan } from '../src/jobs/outbox.js';
import { planReminders } from '../src/jobs/plans/reminders.js';
import { planHalfYear } from '../src/jobs/plans/reviews.js';
import { planJob } from '../src/jobs/run.js';
import { DEFAULT_JOBS_SETTINGS } from '../src/jobs/settings.js';
import type { LedgerTask } from '../src/ledger/overview.js';
import { silentLogger } from '../src/log.js';
import { FakeFeishu, FEISHU_LIMITS } from '../src/sandbox/fake-feishu.js';

const MESSAGES = Number(process.env.BENCH_JOBS_MESSAGES ?? 5_000);
const TALLY_TASKS = Number(process.env.BENCH_JOBS_TASKS ?? 100_000);
const GROUPS = 200;
const USERS = 2_000;
const pgUrl = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;
const INSTANCES = process.argv.includes('--instances') ? Number(arg('instances', '1')) : 0;
const DRAIN_DB = arg('db', INSTANCES > 0 && pgUrl ? 'postgresql' : 'sqlite') as 'sqlite' | 'postgresql';
const RATE_LIMIT = arg('rate-limit', '');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'taizhang-bench-jobs-'));
const calendar = createWorkingCalendar();
const config = { jobs: structuredClone(DEFAULT_JOBS_SETTINGS), thresholds: { ...DEFAULT_THRESHOLDS }, weights: { ...DEFAULT_HONOUR_WEIGHTS } };
const AT = shanghaiInstant('2026-11-23', '09:00');

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pad = (n: number, w = 4) => String(n).padStart(w, '0');

/**
 * The shortest time the documented limits allow for n sends: send i may go no earlier than 1 s
 * after send i−50 and 60 s after send i−1000 (sliding windows), starting at 0.
 */
function minimumSeconds(n: number, perSecond: number, perMinute: number): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) t.push(Math.max(i >= perSecond ? t[i - perSecond]! + 1 : 0, i >= perMinute ? t[i - perMinute]! + 60 : 0));
  return t[n - 1] ?? 0;
}

/** A ledger whose tasks are all due today: 2,000 groups' worth in 200 units with a group, the rest to 2,000 liaisons. */
function reminderLedger(messages: number): JobLedger {
  const groupMessages = Math.round(messages * 0.4);
  const userMessages = messages - groupMessages;
  const units: JobLedger['units'] = [];
  const people: JobLedger['people'] = [];
  const tasks: LedgerTask[] = [];
  for (let g = 0; g < GROUPS; g++) units.push({ id: g + 1, name: `乡镇街道${pad(g)}`, chatId: `oc_bench_group_${pad(g)}` });
  for (let u = 0; u < USERS; u++) {
    units.push({ id: GROUPS + u + 1, name: `部门${pad(u)}`, chatId: null });
    people.push({ id: u + 1, name: `联络员${pad(u)}`, unitId: GROUPS + u + 1, roles: ['LIAISON'], openId: `ou_bench_user_${pad(u)}` });
  }
  const task = (i: number, unitId: number): LedgerTask => ({
    id: i + 1, code: `BM-2026-${pad(i, 5)}`, title: `改革事项第${i}项：深化某领域体制机制改革`, category: '小切口改革', leadUnitId: unitId,
    leadLeaderIds: [], coUnitIds: [], ownerName: '责任人', completedOn: null, closedOn: null, lastReportAt: null, weight: 1, status: '推进中',
    deadline: '2026-11-23', startDate: '2026-03-01', milestones: [], lastReportOn: '2026-11-10', lastPercent: 60, createdOn: '2026-03-01',
  });
  for (let i = 0; i < groupMessages; i++) tasks.push(task(i, (i % GROUPS) + 1));
  for (let i = 0; i < userMessages; i++) tasks.push(task(groupMessages + i, GROUPS + (i % USERS) + 1));
  return { tenantId: 0, tasks, units, people, office: [], allHands: [] };
}

// A fresh database per run: a temp SQLite file or a new PostgreSQL schema (bench/lib.ts).
const freshTarget = freshDatabase;

async function benchDrain(): Promise<void> {
  console.log(`\n== 1. 发送 ${MESSAGES} 条临期提醒（${GROUPS} 个群、${USERS} 个用户），假飞书按文档限流：每接口 ${FEISHU_LIMITS.appPerSecond}/秒、${FEISHU_LIMITS.appPerMinute}/分钟，单群/单用户 ${FEISHU_LIMITS.perChatPerSecond}/秒 ==`);
  if (INSTANCES > 1 && DRAIN_DB === 'sqlite') throw new Error('多实例需要 PostgreSQL（SQLite 只运行一个实例）：加 --db postgresql 并设置 BENCH_POSTGRES_URL 或 TEST_POSTGRES_URL');
  const ledger = reminderLedger(MESSAGES);
  const fake = await FakeFeishu.start({
    users: ledger.people.map((p) => ({ openId: p.openId!, name: p.name })),
    chats: ledger.units.filter((u) => u.chatId).map((u) => ({ chatId: u.chatId!, name: u.name, memberOpenIds: [] })),
  });
  const fresh = await freshTarget(INSTANCES > 0 ? DRAIN_DB : 'sqlite');
  const db: Database = await openDatabase(fresh.target);
  const tenant = await ensureTenant(db.prisma, INSTANCES > 0 ? fake.tenantKey : 'bench');
  ledger.tenantId = tenant.id;

  // The senders: one in this process, or N bot processes (started before anything is queued).
  let sender: Sender | undefined;
  let bots: Instance[] = [];
  if (INSTANCES > 0) {
    const env = botEnv(fake, fresh.url, { BENCH_SENDER_CONCURRENCY: '20', ...(RATE_LIMIT ? { BENCH_RATE_LIMIT: RATE_LIMIT } : {}) });
    bots = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => startInstance(`drain-${i + 1}`, env)));
    const limiter = RATE_LIMIT || (DRAIN_DB === 'postgresql' ? 'shared' : 'local');
    console.log(`${INSTANCES} 个实例（独立进程，${DRAIN_DB === 'postgresql' ? '同一个 PostgreSQL' : 'SQLite'}），限流窗口：${limiter === 'shared' ? '各实例共用（数据库中）' : '每个进程各自一个'}`);
  }

  let t = performance.now();
  const plan = planReminders(ledger, { tenantId: tenant.id, at: AT, calendar, config });
  const planMs = performance.now() - t;
  t = performance.now();
  const committed = await commitPlan(db, plan, { mode: 'scheduled', clock: systemClock });
  const commitMs = performance.now() - t;
  const groups = new Set(plan.messages.filter((m) => m.recipient.receiveIdType === 'chat_id').map((m) => m.recipient.receiveId)).size;
  const users = new Set(plan.messages.filter((m) => m.recipient.receiveIdType === 'open_id').map((m) => m.recipient.receiveId)).size;
  console.log(`计划 ${plan.messages.length} 条（群 ${groups} 个，用户 ${users} 个）：${secs(planMs)}；写入发件箱（一个事务，含 JobRun）：${committed.enqueued} 条，${secs(commitMs)}`);

  const started = performance.now();
  if (INSTANCES === 0) {
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    sender = new Sender({ db, client, logger: silentLogger, concurrency: 20 });
    sender.start();
  }
  let lastLog = started;
  const sendingBy = new Set<string>();
  const progress = setInterval(() => {
    const now = performance.now();
    if (INSTANCES > 0) {
      void db.prisma.outboxMessage.findMany({ where: { status: 'sending' }, select: { lockedBy: true }, distinct: ['lockedBy'] })
        .then((rows) => rows.forEach((r) => r.lockedBy && sendingBy.add(r.lockedBy)), () => undefined);
    }
    if (now - lastLog >= 30_000) {
      lastLog = now;
      console.log(`  …${secs(now - started)}：已送达 ${fake.botMessages().length}/${plan.messages.length}`);
    }
  }, 1_000);
  if (sender) await sender.waitUntilIdle(30 * 60_000);
  else {
    const deadline = performance.now() + 30 * 60_000;
    while ((await db.prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) > 0) {
      if (performance.now() > deadline) throw new Error('发件箱在 30 分钟内未清空');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  clearInterval(progress);
  await sender?.stop();
  await Promise.all(bots.map((b) => stopInstance(b)));

  const creates = fake.requestsFor('im.message.create');
  const ok = creates.filter((r) => r.code === 0);
  const firstAt = ok[0]!.t;
  const lastAt = ok[ok.length - 1]!.t;
  const elapsed = (lastAt - firstAt) / 1000;
  const byUuid = new Map<string, number>();
  for (const m of fake.botMessages()) if (m.uuid) byUuid.set(m.uuid, (byUuid.get(m.uuid) ?? 0) + 1);
  const rows = await db.prisma.outboxMessage.findMany({ select: { uuid: true, status: true } });
  const lost = rows.filter((r) => !byUuid.has(r.uuid)).length;
  const duplicated = [...byUuid.values()].reduce((n, c) => n + (c - 1), 0);
  const rejected = creates.filter((r) => r.code !== 0);
  const appRejected = rejected.filter((r) => r.status === 429 || r.code === 99991400).length;
  const minimum = minimumSeconds(ok.length, FEISHU_LIMITS.appPerSecond, FEISHU_LIMITS.appPerMinute);
  const perMinute = (ok.length / Math.max(elapsed, 1e-9)) * 60;
  const maxMinute = fake.maxInWindow((r) => r.api === 'im.message.create' && r.code === 0, 60_000);
  const maxSecond = fake.maxInWindow((r) => r.api === 'im.message.create' && r.code === 0, 1_000);

  const fraction = minimum / elapsed;
  if (INSTANCES > 0) console.log(`实例 ${INSTANCES} 个，发送过的实例：${[...sendingBy].sort().join('、') || '（未采样到）'}`);
  console.log(`送达 ${byUuid.size}/${plan.messages.length}，首条到末条 ${elapsed.toFixed(1)} s；发件箱状态：${[...new Set(rows.map((r) => r.status))].join('、')}`);
  console.log(`实际速率 ${perMinute.toFixed(0)} 条/分钟 = 名义上限 ${FEISHU_LIMITS.appPerMinute} 条/分钟的 ${(perMinute / FEISHU_LIMITS.appPerMinute).toFixed(2)} 倍（滑动窗口下首分钟可连发，短时段会超过 1.0）`);
  console.log(`限流允许的最短用时 ${minimum.toFixed(1)} s → 达到限额的比例 ${fraction.toFixed(3)}（目标 ≥ 0.9）`);
  console.log(`任一 60 秒内最多 ${maxMinute} 条（上限 ${FEISHU_LIMITS.appPerMinute}），任一 1 秒内最多 ${maxSecond} 条（上限 ${FEISHU_LIMITS.appPerSecond}）；被假飞书拒绝 ${rejected.length} 次（429/99991400 ${appRejected} 次，230020 ${rejected.length - appRejected} 次）`);
  console.log(`丢失 ${lost} 条，重复 ${duplicated} 条（目标 0 / 0）`);
  console.log(`RESULT instances=${Math.max(INSTANCES, 1)} db=${INSTANCES > 0 ? DRAIN_DB : 'sqlite'} rateLimit=${RATE_LIMIT || (INSTANCES > 0 && DRAIN_DB === 'postgresql' ? 'shared' : 'local')} messages=${ok.length} elapsed=${elapsed.toFixed(1)}s fraction=${fraction.toFixed(3)} rejected=${rejected.length} lost=${lost} duplicated=${duplicated}`);
  await fake.close();
  await db.close();
  await fresh.drop();
}

function tallyRows(n: number): TallyRow[] {
  const statuses = ['推进中', '待签收', '已销号', '待销号', '推进中', '已调整', '暂缓'] as const;
  const rows: TallyRow[] = [];
  for (let i = 0; i < n; i++) {
    const status = statuses[i % statuses.length]!;
    const deadline = new Date(Date.UTC(2026, 0, 15) + (i % 300) * 86_400_000).toISOString().slice(0, 10);
    const done = status === '已销号' || status === '待销号' ? new Date(Date.UTC(2026, 0, 10) + (i % 320) * 86_400_000).toISOString().slice(0, 10) : null;
    rows.push({
      taskId: i + 1, code: `BM-2026-${pad(i, 6)}`, title: `改革事项第${i}项`, unitId: (i % 200) + 1, unitName: `单位${pad(i % 200)}`, status,
      deadline, completedOn: done, closedOn: status === '已销号' ? done : null, startDate: '2026-01-01', createdOn: '2026-01-01',
    });
  }
  return rows;
}

async function benchTally(): Promise<void> {
  console.log(`\n== 2. 半年一通报：${TALLY_TASKS} 项事项（目标 ≤ 2 s）==`);
  const rows = tallyRows(TALLY_TASKS);
  const directory = {
    units: Array.from({ length: 200 }, (_, u) => ({ id: u + 1, name: `单位${pad(u)}`, chatId: null })),
    people: [{ id: 1, name: '领导', unitId: null, roles: ['LEADER' as const], openId: 'ou_leader' }],
    office: [],
    allHands: [{ receiveIdType: 'chat_id' as const, receiveId: 'oc_all', label: '全体工作群' }],
  };
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const plan = planHalfYear(rows, directory, { tenantId: 1, at: shanghaiInstant('2026-07-01', '11:00'), calendar, config });
    times.push(performance.now() - t);
    bytes = Buffer.byteLength(JSON.stringify(plan.messages[0]!.card));
  }
  console.log(`内存中计算并生成卡片：${times.map(secs).join(' / ')}（卡片 ${(bytes / 1024).toFixed(1)} KB）`);

  for (const provider of pgUrl ? (['sqlite', 'postgresql'] as const) : (['sqlite'] as const)) {
    const { target, drop } = await freshTarget(provider);
    const db = await openDatabase(target);
    try {
      const tenant = await ensureTenant(db.prisma, 'bench-tally');
      await putSetting(db.prisma, tenant.id, 'recipients', { allHandsChatId: 'oc_bench_all' }, 'bench');
      await db.prisma.unit.createMany({ data: directory.units.map((u) => ({ id: u.id + 10_000, tenantId: tenant.id, name: u.name })) });
      let t = performance.now();
      for (let i = 0; i < rows.length; i += 1_000) {
        await db.prisma.task.createMany({
          data: rows.slice(i, i + 1_000).map((r) => ({
            tenantId: tenant.id, code: r.code, codeKey: r.code, title: r.title, leadUnitId: r.unitId + 10_000, status: r.status,
            deadline: r.deadline ?? null, completedOn: r.completedOn ?? null, closedOn: r.closedOn ?? null, startDate: r.startDate,
          })),
        });
      }
      console.log(`[${provider}] 写入 ${rows.length} 项用于测量：${secs(performance.now() - t)}`);
      for (let i = 0; i < 2; i++) {
        t = performance.now();
        const plan = await planJob(db.prisma, tenant.id, 'half-year', shanghaiInstant('2026-07-01', '11:00'), calendar);
        console.log(`[${provider}] 从数据库读取并计算半年一通报（第 ${i + 1} 次）：${secs(performance.now() - t)}（${plan.messages.length} 条消息）`);
      }
    } finally {
      await db.close();
      await drop();
    }
  }
}

try {
  if (process.env.BENCH_JOBS_SKIP_DRAIN !== '1') await benchDrain();
  if (!process.argv.includes('--no-tally')) await benchTally();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
