// Benchmark for issue 2 (prints figures; not a test):
//  1. import of a workbook with 10,000 tasks and 2,000 people (target ≤ 15 s);
//  2. the per-unit completion/colour summary over 100,000 tasks and 1,000,000 progress reports
//     (target ≤ 1 s), and the first 台账 of a day (issue 11: ≤ 1 s at any time of day) — after the
//     pass that computes the day's colours ahead (src/jobs/levels-refresh.ts), and before it;
//  BENCH_SKIP_IMPORT=1 skips 1.;
// on SQLite and, when BENCH_POSTGRES_URL or TEST_POSTGRES_URL is set, PostgreSQL.
// Usage: npm run bench:ledger   (BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test)
//        npm run bench:ledger -- --published   (issue 12: a published-layout workbook, 2,000 rows / 40 headings)
import { freshDatabase } from '../bench/lib.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { openDatabase } from '../src/db/client.js';
import { ensureTenant } from '../src/db/repos/tenants.js';
import { importLedger } from '../src/ledger/import/index.js';
import { formatProblem } from '../src/ledger/import/validate.js';
import { ledgerSummary } from '../src/ledger/summary.js';
import { refreshLevels } from '../src/ledger/levels.js';
import { createWorkingCalendar } from '../src/core/calendar-data.js';
import { seedSyntheticLedger } from '../bench/seed.js';
import { writePublishedWorkbook, type PublishedRow } from '../src/demo/published.js';

const TASKS = Number(process.env.BENCH_IMPORT_TASKS ?? 10_000);
const PEOPLE = Number(process.env.BENCH_IMPORT_PEOPLE ?? 2_000);
const SUMMARY_TASKS = Number(process.env.BENCH_SUMMARY_TASKS ?? 100_000);
const SUMMARY_REPORTS = Number(process.env.BENCH_SUMMARY_REPORTS ?? 1_000_000);
const UNITS = 200;
const pgUrl = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'taizhang-bench-'));
const calendar = createWorkingCalendar();
const TODAY = '2026-11-21';
const YESTERDAY = '2026-11-20';

/** Marks every colour as computed for `day` (the state a day earlier), outside the timings. */
async function setLevelOn(db: Awaited<ReturnType<typeof openDatabase>>, tenantId: number, day: string): Promise<void> {
  await db.prisma.task.updateMany({ where: { tenantId }, data: { levelOn: day } });
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pad = (n: number) => String(n).padStart(5, '0');
const date = (i: number) => new Date(Date.UTC(2026, 0, 1) + (i % 540) * 86_400_000).toISOString().slice(0, 10);

async function writeBigWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file });
  const units = wb.addWorksheet('单位');
  units.addRow(['单位名称', '类型']).commit();
  for (let u = 0; u < UNITS; u++) units.addRow([`单位${pad(u)}`, u % 3 === 0 ? '乡镇' : '部门']).commit();
  units.commit();
  const people = wb.addWorksheet('人员');
  people.addRow(['姓名', '单位', '角色', '手机']).commit();
  for (let p = 0; p < PEOPLE; p++) {
    const leader = p < 40;
    people.addRow([`人员${pad(p)}`, leader ? null : `单位${pad(p % UNITS)}`, leader ? '县级领导' : ['改革联络员', '一把手', '改革专员'][p % 3], `138${String(p).padStart(8, '0')}`]).commit();
  }
  people.commit();
  const tasks = wb.addWorksheet('台账');
  tasks.addRow(['编号', '改革事项', '类别', '批次', '领衔领导', '牵头单位', '配合单位', '责任人', '成果形式', '开始时间', '完成时限', '状态']).commit();
  for (let t = 0; t < TASKS; t++) {
    tasks.addRow([
      `BM-2026-${pad(t)}`, `改革事项第${t}项：推进某领域改革`, ['小切口改革', '改革试点', '重点改革任务'][t % 3], '第一批',
      t % 5 === 0 ? `人员${pad(t % 40)}` : null, `单位${pad(t % UNITS)}`, `单位${pad((t + 1) % UNITS)}、单位${pad((t + 2) % UNITS)}`,
      null, '实施方案', date(t % 400), date((t % 400) + 120), ['推进中', '待签收', '已销号', '待销号'][t % 4],
    ]).commit();
  }
  tasks.commit();
  const ms = wb.addWorksheet('节点');
  ms.addRow(['编号', '节点名称', '完成时限']).commit();
  for (let t = 0; t < TASKS; t += 2) ms.addRow([`BM-2026-${pad(t)}`, '阶段性成果', date((t % 400) + 60)]).commit();
  ms.commit();
  await wb.commit();
}

// A fresh database per run: a temp SQLite file or a new PostgreSQL schema (bench/lib.ts).
const freshTarget = freshDatabase;

async function benchImport(provider: 'sqlite' | 'postgresql', workbook: string) {
  const { target, drop } = await freshTarget(provider);
  const db = await openDatabase(target);
  try {
    const tenant = await ensureTenant(db.prisma, 'bench');
    const t0 = performance.now();
    const outcome = await importLedger(db.prisma, tenant.id, [workbook]);
    const first = performance.now() - t0;
    if (!outcome.ok) throw new Error(outcome.problems.slice(0, 5).map(formatProblem).join('\n'));
    const t1 = performance.now();
    const again = await importLedger(db.prisma, tenant.id, [workbook]);
    const second = performance.now() - t1;
    if (!again.ok || again.result.tasks.unchanged !== TASKS) throw new Error('re-import changed something');
    return { first, second };
  } finally {
    await db.close();
    await drop();
  }
}

async function benchSummary(provider: 'sqlite' | 'postgresql') {
  const { target, drop } = await freshTarget(provider);
  const db = await openDatabase(target);
  try {
    const tenant = await ensureTenant(db.prisma, 'bench-summary');
    const s0 = performance.now();
    await seedSyntheticLedger(db, tenant.id, { tasks: SUMMARY_TASKS, reports: SUMMARY_REPORTS, units: UNITS });
    const seeded = performance.now() - s0;
    const reports = await db.prisma.progressReport.count({ where: { tenantId: tenant.id } });
    // Yesterday's colours are current (what a running bot leaves behind), then the day turns.
    await refreshLevels(db.prisma, tenant.id, { today: YESTERDAY, calendar });
    // (a) Before the pass has run (just after midnight, or at start): the first 台账 recomputes at
    // most SUMMARY_REFRESH_ROWS colours and counts the rest with yesterday's.
    const h0 = performance.now();
    const hurried = await ledgerSummary(db.prisma, tenant.id, { today: TODAY, calendar });
    const hurriedMs = performance.now() - h0;
    if (hurried.stats.overall.total !== SUMMARY_TASKS || hurried.refreshed + hurried.stale !== SUMMARY_TASKS) throw new Error('first summary miscounted');
    // (b) The pass ahead of the day (src/jobs/levels-refresh.ts: at start and 00:00:30), in the background.
    await setLevelOn(db, tenant.id, YESTERDAY);
    const p0 = performance.now();
    const pass = await refreshLevels(db.prisma, tenant.id, { today: TODAY, calendar });
    const passMs = performance.now() - p0;
    if (pass.refreshed !== SUMMARY_TASKS) throw new Error(`pass refreshed ${pass.refreshed}`);
    const c0 = performance.now();
    const cold = await ledgerSummary(db.prisma, tenant.id, { today: TODAY, calendar });
    const coldMs = performance.now() - c0;
    if (cold.refreshed !== 0 || cold.stale !== 0 || cold.stats.overall.total !== SUMMARY_TASKS) throw new Error(`first summary after the pass refreshed ${cold.refreshed}`);
    // (c) What the first summary of a day cost when it recomputed everything itself (for comparison).
    await setLevelOn(db, tenant.id, YESTERDAY);
    const f0 = performance.now();
    const full = await ledgerSummary(db.prisma, tenant.id, { today: TODAY, calendar, refreshLimit: Number.MAX_SAFE_INTEGER });
    const fullMs = performance.now() - f0;
    if (full.refreshed !== SUMMARY_TASKS) throw new Error('full summary miscounted');
    const runs: number[] = [];
    let units = 0;
    for (let i = 0; i < 5; i++) {
      // A few tasks change between summaries, as they do during a working day.
      const ids = await db.prisma.task.findMany({ where: { tenantId: tenant.id }, select: { id: true }, take: 100, skip: (i * 1000) % Math.max(1, SUMMARY_TASKS - 100) });
      await db.prisma.task.updateMany({ where: { id: { in: ids.map((x) => x.id) } }, data: { levelOn: null } });
      const t0 = performance.now();
      const summary = await ledgerSummary(db.prisma, tenant.id, { today: TODAY, calendar });
      runs.push(performance.now() - t0);
      units = summary.stats.byUnit.length;
      if (summary.stats.overall.total !== SUMMARY_TASKS || summary.refreshed !== 100) throw new Error('summary miscounted');
    }
    runs.sort((a, b) => a - b);
    return { seeded, reports, units, coldMs, hurriedMs, hurriedStale: hurried.stale, passMs, fullMs, median: runs[2]!, best: runs[0]!, worst: runs[4]! };
  } finally {
    await db.close();
    await drop();
  }
}

const providers: ('sqlite' | 'postgresql')[] = pgUrl ? ['sqlite', 'postgresql'] : ['sqlite'];

// --published (issue 12): a published-layout workbook of 2,000 task rows under 40 section
// headings (title row, 序号, joint leads, X牵头Y配合, collectives, phrased deadlines, no 单位/人员
// sheets): first import (codes given, units and leaders inferred) and re-import (every row matched
// by its title within its lead unit). Target ≤ 5 s.
if (process.argv.includes('--published')) {
  const PUB_ROWS = 2_000;
  const HEADINGS = 40;
  const dues = ['2026年6月底前', '年底前', '三季度末', '上半年', '长期坚持', '2026年3月—6月', '持续推进', '2026年12月31日'];
  const rows: PublishedRow[] = [];
  for (let h = 0; h < HEADINGS; h++) {
    rows.push({ heading: `${h % 2 === 0 ? `${h / 2 + 1}、` : '（一）'}第${h + 1}组改革任务（牵头领导：领导${h % 7}）` });
    for (let i = 0; i < PUB_ROWS / HEADINGS; i++) {
      const n = h * (PUB_ROWS / HEADINGS) + i;
      const u = (k: number) => `县第${(n + k) % 60}局`;
      rows.push({
        no: n + 1, task: `推进第${n + 1}项改革任务，完善相关体制机制。`,
        lead: n % 5 === 0 ? `${u(0)}、${u(1)}` : n % 5 === 1 ? `${u(0)}牵头，${u(2)}、${u(3)}配合` : u(0),
        co: n % 3 === 0 ? '各镇人民政府' : n % 3 === 1 ? `${u(4)}、县直各有关单位` : null,
        leaders: n % 4 === 0 ? `领导${n % 7}\n领导${(n + 1) % 7}` : null, due: dues[n % dues.length]!,
      });
    }
  }
  const file = path.join(tmp, 'published.xlsx');
  await writePublishedWorkbook(file, { rows });
  for (const provider of providers) {
    const { target, drop } = await freshTarget(provider);
    const db = await openDatabase(target);
    try {
      const tenant = await ensureTenant(db.prisma, 'bench-published');
      const t0 = performance.now();
      const first = await importLedger(db.prisma, tenant.id, [file], { importYear: 2026 });
      const firstMs = performance.now() - t0;
      if (!first.ok || first.result.tasks.created !== PUB_ROWS) throw new Error(first.ok ? `created ${first.result.tasks.created}` : first.problems.slice(0, 5).map(formatProblem).join('\n'));
      const t1 = performance.now();
      const again = await importLedger(db.prisma, tenant.id, [file], { importYear: 2026 });
      const againMs = performance.now() - t1;
      if (!again.ok || again.result.tasks.unchanged !== PUB_ROWS) throw new Error('re-import changed something');
      console.log(`[${provider}] published layout, ${PUB_ROWS} rows / ${HEADINGS} headings: import ${secs(firstMs)} (target ≤ 5 s) ${firstMs <= 5_000 ? 'OK' : 'MISSED'}; re-import (matched by title) ${secs(againMs)} ${againMs <= 5_000 ? 'OK' : 'MISSED'}; units inferred ${first.report.inferredUnits.length}, leaders ${first.report.inferredLeaders.length}`);
    } finally {
      await db.close();
      await drop();
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}
console.log(`Taizhang ledger benchmark — ${os.cpus().length} cores, Node ${process.version}`);
if (!pgUrl) console.log('WARNING: PostgreSQL skipped (set BENCH_POSTGRES_URL or TEST_POSTGRES_URL)');
const workbook = path.join(tmp, 'big.xlsx');
const w0 = performance.now();
if (!process.env.BENCH_SKIP_IMPORT) await writeBigWorkbook(workbook);
if (!process.env.BENCH_SKIP_IMPORT) console.log(`workbook: ${TASKS} tasks, ${PEOPLE} people, ${UNITS} units, ${TASKS / 2} milestones (written in ${secs(performance.now() - w0)})`);
const rows: string[] = [];
for (const provider of process.env.BENCH_SKIP_IMPORT ? [] : providers) {
  const imp = await benchImport(provider, workbook);
  const line = `[${provider}] import ${TASKS} tasks + ${PEOPLE} people: ${secs(imp.first)} (target ≤ 15 s) ${imp.first <= 15_000 ? 'OK' : 'MISSED'}; re-import (no changes): ${secs(imp.second)}`;
  console.log(line);
  rows.push(line);
}
for (const provider of providers) {
  const s = await benchSummary(provider);
  const line = `[${provider}] summary over ${SUMMARY_TASKS} tasks / ${s.reports} reports / ${s.units} units (100 tasks changed since the last one): median ${s.median.toFixed(0)} ms (best ${s.best.toFixed(0)}, worst ${s.worst.toFixed(0)}; target ≤ 1000 ms) ${s.worst <= 1000 ? 'OK' : 'MISSED'}; data seeded in ${secs(s.seeded)}\n` +
    `[${provider}] first 台账 of the day, after the pass ahead of the day: ${s.coldMs.toFixed(0)} ms (target ≤ 1000 ms) ${s.coldMs <= 1000 ? 'OK' : 'MISSED'}; ` +
    `before the pass (just after midnight / at start): ${s.hurriedMs.toFixed(0)} ms, ${s.hurriedStale} colours still yesterday's (target ≤ 1000 ms) ${s.hurriedMs <= 1000 ? 'OK' : 'MISSED'}; ` +
    `the pass itself (in the background): ${secs(s.passMs)}; a summary recomputing all ${SUMMARY_TASKS} colours itself (the old first summary): ${secs(s.fullMs)}`;
  console.log(line);
  rows.push(line);
}
rmSync(tmp, { recursive: true, force: true });
