// Loads of the whole ledger go page by page (memory does not grow with the ledger): a ledger larger
// than the pages must come back complete, in order, with each task's own relations, and the
// colour recompute must still agree with the rules task by task.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { ledgerSummary } from '../../src/ledger/summary.js';
import { loadLedgerTasks, withSupervision } from '../../src/ledger/overview.js';
import { loadJobLedger, loadTallyRows } from '../../src/jobs/data.js';
import { summarizeLedger } from '../../src/core/stats.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';

const calendar = createWorkingCalendar();
// More than loadLedgerTasks' page (5,000), loadTallyRows' page (5,000) and the colour page (900).
const N = 5_300;
const STATUSES = ['推进中', '待签收', '已销号', '待销号', '暂缓', '已调整', '有异议'] as const;

describeEachDatabase('ledger loads larger than a page', (ctx) => {
  it('returns every task once, in code order, with its own leaders, co-units and milestones; colours agree with the rules', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'paging');
    const units = await Promise.all([0, 1, 2].map((i) => prisma.unit.create({ data: { tenantId: tenant.id, name: `分页单位${i}` } })));
    const leaders = await Promise.all([0, 1].map((i) => prisma.person.create({ data: { tenantId: tenant.id, name: `分页领导${i}`, matchKey: `分页领导${i}@`, roles: 'LEADER' } })));
    const day = (n: number) => new Date(Date.UTC(2026, 5, 1) + n * 86_400_000).toISOString().slice(0, 10);
    // Codes inserted in an order unlike their sort order, so code order ≠ id order.
    const codeOf = (i: number) => `PG-${String((i * 7919) % N).padStart(5, '0')}`;
    for (let i = 0; i < N; i += 1_000) {
      await prisma.task.createMany({
        data: Array.from({ length: Math.min(1_000, N - i) }, (_, j) => {
          const k = i + j;
          const status = STATUSES[k % STATUSES.length]!;
          const done = status === '已销号' || status === '待销号' ? day(k % 250) : null;
          return {
            tenantId: tenant.id, code: codeOf(k), codeKey: codeOf(k), title: `分页事项${k}`, leadUnitId: units[k % 3]!.id, status,
            deadline: k % 11 === 0 ? null : day(k % 300), startDate: day(0), completedOn: done, closedOn: status === '已销号' ? done : null,
            lastReportAt: k % 5 === 0 ? null : new Date(Date.UTC(2026, 9, 1 + (k % 40))), lastPercent: k % 100,
          };
        }),
      });
    }
    // One task far beyond the others' ids (as when other tenants' tasks lie in between): the colour
    // write covers at most 20,000 ids per UPDATE.
    const maxId = (await prisma.task.aggregate({ _max: { id: true } }))._max.id!;
    await prisma.task.create({ data: { id: maxId + 50_000, tenantId: tenant.id, code: 'PG-99999', codeKey: 'PG-99999', title: '远处的事项', leadUnitId: units[0]!.id, status: '推进中', deadline: '2026-11-20' } });
    const ids = (await prisma.task.findMany({ where: { tenantId: tenant.id }, select: { id: true, code: true }, orderBy: { id: 'asc' } }));
    await prisma.taskLeadLeader.createMany({ data: ids.filter((_, k) => k % 4 === 0).map((t, k) => ({ taskId: t.id, personId: leaders[k % 2]!.id })) });
    await prisma.taskCoUnit.createMany({ data: ids.filter((_, k) => k % 5 === 0).map((t) => ({ taskId: t.id, unitId: units[2]!.id })) });
    await prisma.milestone.createMany({ data: ids.filter((_, k) => k % 3 === 0).map((t, k) => ({ taskId: t.id, title: '节点', dueDate: day(k % 200), doneDate: k % 2 ? day(k % 200) : null })) });

    const tasks = await loadLedgerTasks(prisma, tenant.id);
    expect(tasks).toHaveLength(N + 1);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(N + 1);
    expect(tasks.map((t) => t.code)).toEqual([...ids.map((t) => t.code)].sort());
    // Relations belong to their task, on both sides of every page boundary.
    const leaderCount = await prisma.taskLeadLeader.groupBy({ by: ['taskId'], _count: { _all: true } });
    const milestoneCount = await prisma.milestone.groupBy({ by: ['taskId'], _count: { _all: true } });
    const coCount = await prisma.taskCoUnit.groupBy({ by: ['taskId'], _count: { _all: true } });
    const byTask = (rows: { taskId: number; _count: { _all: number } }[]) => new Map(rows.map((r) => [r.taskId, r._count._all]));
    const [l, m, c] = [byTask(leaderCount), byTask(milestoneCount), byTask(coCount)];
    for (const t of tasks) {
      expect(t.leadLeaderIds.length).toBe(l.get(t.id) ?? 0);
      expect(t.milestones.length).toBe(m.get(t.id) ?? 0);
      expect(t.coUnitIds.length).toBe(c.get(t.id) ?? 0);
    }
    // A filtered load pages the same way.
    const reminded = await loadJobLedger(prisma, tenant.id, ['待签收', '推进中', '已调整']);
    expect(reminded.tasks.map((t) => t.id).sort((a, b) => a - b)).toEqual(tasks.filter((t) => ['待签收', '推进中', '已调整'].includes(t.status)).map((t) => t.id).sort((a, b) => a - b));
    const unitTasks = await loadLedgerTasks(prisma, tenant.id, { unitId: units[2]!.id });
    expect(unitTasks.length).toBe(tasks.filter((t) => t.leadUnitId === units[2]!.id || t.coUnitIds.includes(units[2]!.id)).length);

    const tally = await loadTallyRows(prisma, tenant.id);
    expect(tally.map((r) => r.taskId)).toEqual(ids.map((t) => t.id));

    const today = '2026-11-21';
    const summary = await ledgerSummary(prisma, tenant.id, { today, calendar });
    expect(summary.refreshed).toBe(N + 1);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: maxId + 50_000 } })).level).toBe('yellow');
    const expected = summarizeLedger(
      withSupervision(tasks, today, calendar).map((t) => ({ taskId: t.id, leadUnitId: t.leadUnitId, leadLeaderIds: t.leadLeaderIds, status: t.status, deadline: t.deadline, completedOn: t.completedOn, closedOn: t.closedOn, level: t.supervision.level })),
      { calendar },
    );
    expect(summary.stats).toEqual(expected);
    expect((await ledgerSummary(prisma, tenant.id, { today, calendar })).refreshed).toBe(0);
  }, 120_000);
});
