// The colours of a whole ledger on a new day: the windowed, set-based refresh gives exactly what the
// rules compute task by task (with another tenant's rows interleaved in the id range); a summary
// with more stale rows than its limit answers at once, counts the earlier colours and says how
// many; the pass ahead of the day (src/jobs/levels-refresh.ts) leaves nothing stale.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { refreshLevels, staleLevels } from '../../src/ledger/levels.js';
import { ledgerSummary } from '../../src/ledger/summary.js';
import { computeSupervision, DEFAULT_THRESHOLDS } from '../../src/core/supervision.js';
import { onTimeJudge } from '../../src/core/stats.js';
import { shanghaiDate, addDays } from '../../src/core/dates.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { refreshAllLevels, startLevelsRefresh } from '../../src/jobs/levels-refresh.js';
import { FixedClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import type { TaskStatus } from '../../src/core/types.js';

const calendar = createWorkingCalendar();
const STATUSES: TaskStatus[] = ['推进中', '待签收', '已销号', '待销号', '暂缓', '有异议'];

/** `n` tasks per tenant, in alternating blocks (so each tenant's id range holds the other's rows). */
async function seed(db: Database, tenants: number[], n: number): Promise<void> {
  const units = new Map<number, number>();
  for (const t of tenants) units.set(t, (await db.prisma.unit.create({ data: { tenantId: t, name: `单位${t}`, kind: '部门' } })).id);
  const block = 150;
  for (let start = 0; start < n; start += block) {
    for (const t of tenants) {
      await db.prisma.task.createMany({
        data: Array.from({ length: Math.min(block, n - start) }, (_, k) => {
          const i = start + k;
          const status = STATUSES[i % STATUSES.length]!;
          const deadline = addDays('2026-09-01', (i * 7) % 200);
          return {
            tenantId: t, code: `T${t}-${i}`, codeKey: `T${t}-${i}`, title: `事项${i}`, leadUnitId: units.get(t)!, status,
            startDate: addDays('2026-03-01', i % 90), deadline,
            lastReportAt: i % 3 === 0 ? null : new Date(Date.UTC(2026, 8, 1 + (i % 80))), lastPercent: i % 3 === 0 ? null : (i * 13) % 100,
            completedOn: status === '已销号' || status === '待销号' ? addDays(deadline, (i % 11) - 5) : null,
            closedOn: status === '已销号' ? addDays(deadline, (i % 11) - 4) : null,
            createdAt: new Date(Date.UTC(2026, 1, 1 + (i % 40))),
          };
        }),
      });
    }
  }
  // Unfinished and finished milestones on some tasks.
  const some = await db.prisma.task.findMany({ where: { tenantId: { in: tenants } }, select: { id: true }, orderBy: { id: 'asc' } });
  await db.prisma.milestone.createMany({
    data: some.filter((_, i) => i % 4 === 0).map((t, i) => ({ taskId: t.id, title: '阶段成果', dueDate: addDays('2026-10-01', i % 120), doneDate: i % 3 === 0 ? '2026-10-15' : null })),
  });
}

async function expectColoursAsTheRulesSay(db: Database, tenantId: number, today: string): Promise<void> {
  const judge = onTimeJudge(calendar);
  const tasks = await db.prisma.task.findMany({ where: { tenantId }, include: { milestones: true }, orderBy: { id: 'asc' } });
  const wrong = tasks.filter((t) => {
    const level = computeSupervision(
      {
        status: t.status as TaskStatus, deadline: t.deadline, startDate: t.startDate, milestones: t.milestones,
        lastReportOn: t.lastReportAt ? shanghaiDate(t.lastReportAt) : null, lastPercent: t.lastPercent, createdOn: shanghaiDate(t.createdAt),
      },
      today, calendar, DEFAULT_THRESHOLDS,
    ).level;
    const onTime = t.status === '已销号' ? judge(t) : null;
    return t.levelOn !== today || t.level !== level || t.onTime !== onTime;
  });
  expect(wrong.map((t) => t.code)).toEqual([]);
}

describeEachDatabase('supervision colours of a whole ledger', (ctx) => {
  it('a new day: windows of ids, one UPDATE per colour class, exactly the rules; other tenants untouched', async () => {
    const db = ctx();
    const a = (await ensureTenant(db.prisma, 'levels-a')).id;
    const b = (await ensureTenant(db.prisma, 'levels-b')).id;
    await seed(db, [a, b], 1_500);
    expect((await staleLevels(db.prisma, a, '2026-11-21')).count).toBe(1_500);

    const r = await refreshLevels(db.prisma, a, { today: '2026-11-21', calendar });
    expect(r).toEqual({ refreshed: 1_500, stale: 0 });
    await expectColoursAsTheRulesSay(db, a, '2026-11-21');
    // B's rows lie between A's ids and were not written.
    expect(await db.prisma.task.count({ where: { tenantId: b, levelOn: { not: null } } })).toBe(0);
    const colours = await db.prisma.task.groupBy({ by: ['level'], where: { tenantId: a }, _count: { _all: true } });
    expect(colours.length).toBeGreaterThanOrEqual(3);

    // The next day, and a few edited rows (found through the index, not the windows).
    await db.prisma.task.updateMany({ where: { tenantId: a, code: { in: [`T${a}-7`, `T${a}-8`] } }, data: { levelOn: null, deadline: '2026-11-20' } });
    expect(await refreshLevels(db.prisma, a, { today: '2026-11-21', calendar })).toEqual({ refreshed: 2, stale: 0 });
    await expectColoursAsTheRulesSay(db, a, '2026-11-21');
    expect((await refreshLevels(db.prisma, a, { today: '2026-11-23', calendar })).refreshed).toBe(1_500);
    await expectColoursAsTheRulesSay(db, a, '2026-11-23');
  });

  it('the first 台账 of a day never waits for the whole recompute; the pass ahead of the day leaves nothing stale', async () => {
    const db = ctx();
    const tenant = await ensureTenant(db.prisma, 'levels-day');
    await seed(db, [tenant.id], 3_000);
    await refreshLevels(db.prisma, tenant.id, { today: '2026-11-20', calendar });

    // A new day, no pass yet, more stale rows than the limit: the summary recomputes none, counts
    // the earlier colours and says how many.
    const before = await ledgerSummary(db.prisma, tenant.id, { today: '2026-11-20', calendar });
    const hurried = await ledgerSummary(db.prisma, tenant.id, { today: '2026-11-23', calendar, refreshLimit: 2_999 });
    expect(hurried).toMatchObject({ refreshed: 0, stale: 3_000 });
    expect(hurried.stats).toEqual(before.stats);
    expect(await db.prisma.task.count({ where: { tenantId: tenant.id, levelOn: '2026-11-20' } })).toBe(3_000);
    // At or under the limit (a working day's edits, a small ledger): all of them, at once.
    expect(await ledgerSummary(db.prisma, tenant.id, { today: '2026-11-21', calendar, refreshLimit: 3_000 })).toMatchObject({ refreshed: 3_000, stale: 0 });
    await db.prisma.task.updateMany({ where: { tenantId: tenant.id }, data: { levelOn: '2026-11-20' } });

    // The pass (at start and after midnight) uses the tenant's calendar and today in Shanghai.
    const app = await testApp(db, { tenantKey: 'levels-day', clock: new FixedClock(new Date('2026-11-22T16:00:30Z')) });
    const passes = await refreshAllLevels(app, [tenant.id]);
    expect(passes).toEqual([expect.objectContaining({ tenantId: tenant.id, today: '2026-11-23', refreshed: hurried.stale })]);
    const later = await ledgerSummary(db.prisma, tenant.id, { today: '2026-11-23', calendar, refreshLimit: 0 });
    expect(later).toMatchObject({ refreshed: 0, stale: 0 });
    await expectColoursAsTheRulesSay(db, tenant.id, '2026-11-23');
    // The same counts as a summary that recomputed everything itself.
    await db.prisma.task.updateMany({ where: { tenantId: tenant.id }, data: { levelOn: null } });
    const full = await ledgerSummary(db.prisma, tenant.id, { today: '2026-11-23', calendar, refreshLimit: 1_000_000 });
    expect(full.refreshed).toBe(3_000);
    expect(full.stats).toEqual(later.stats);
  });

  it('the bot starts the pass at start (without waiting for it) and one pass runs at a time', async () => {
    const db = ctx();
    const tenant = await ensureTenant(db.prisma, 'levels-start');
    await seed(db, [tenant.id], 1_000);
    const app = await testApp(db, { tenantKey: 'levels-start', clock: new FixedClock(new Date('2026-11-23T01:00:00Z')) });
    const levels = startLevelsRefresh(app, { cron: false, tenantIds: [tenant.id] });
    try {
      expect(levels.runNow()).toBe(levels.runNow());
      const passes = await levels.ready;
      expect(passes).toEqual([expect.objectContaining({ tenantId: tenant.id, today: '2026-11-23', refreshed: 1_000 })]);
      expect(await staleLevels(db.prisma, tenant.id, '2026-11-23')).toMatchObject({ count: 0 });
      expect((await levels.runNow())[0]).toMatchObject({ refreshed: 0 });
    } finally {
      await levels.stop();
    }
  });
});
