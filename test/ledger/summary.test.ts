import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { ledgerSummary } from '../../src/ledger/summary.js';
import { loadLedgerTasks, withSupervision } from '../../src/ledger/overview.js';
import { invalidateLevels } from '../../src/ledger/levels.js';
import { summarizeLedger } from '../../src/core/stats.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';

const calendar = createWorkingCalendar();

describeEachDatabase('ledger summary', (ctx) => {
  it('counts in the database exactly what the rules compute task by task, and recomputes only stale colours', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'summary');
    expect((await importLedger(prisma, tenant.id, [DEMO_WORKBOOK])).ok).toBe(true);

    for (const today of ['2026-11-21', '2026-12-28', '2027-01-04']) {
      const summary = await ledgerSummary(prisma, tenant.id, { today, calendar });
      const tasks = withSupervision(await loadLedgerTasks(prisma, tenant.id), today, calendar);
      const expected = summarizeLedger(
        tasks.map((t) => ({ taskId: t.id, leadUnitId: t.leadUnitId, leadLeaderIds: t.leadLeaderIds, status: t.status, deadline: t.deadline, completedOn: t.completedOn, closedOn: t.closedOn, level: t.supervision.level })),
        { calendar },
      );
      expect(summary.stats).toEqual(expected);
      expect(summary.refreshed).toBe(18);
    }
    // The demo ledger shows every colour on its reference day.
    const first = await ledgerSummary(prisma, tenant.id, { today: '2026-11-21', calendar });
    expect(first.refreshed).toBe(18);
    expect(first.stats.overall.byLevel.red).toBeGreaterThan(0);
    expect(first.stats.overall.byLevel.yellow).toBeGreaterThan(0);
    expect(first.stats.overall.byLevel.blue).toBeGreaterThan(0);
    expect(first.stats.overall.completed).toBe(3);
    expect(first.stats.byLeader.length).toBe(3);

    // Same day again: nothing to recompute. A changed task: only it.
    expect((await ledgerSummary(prisma, tenant.id, { today: '2026-11-21', calendar })).refreshed).toBe(0);
    const task = await prisma.task.findFirstOrThrow({ where: { tenantId: tenant.id, codeKey: 'QY-2026-002' } });
    expect(task.level).toBe('red');
    await prisma.task.update({ where: { id: task.id }, data: { deadline: '2027-03-31' } });
    await prisma.milestone.updateMany({ where: { taskId: task.id }, data: { doneDate: '2026-11-01' } });
    await invalidateLevels(prisma, tenant.id, [task.id]);
    const after = await ledgerSummary(prisma, tenant.id, { today: '2026-11-21', calendar });
    expect(after.refreshed).toBe(1);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).level).not.toBe('red');
    expect(after.stats.overall.byLevel.red).toBe(first.stats.overall.byLevel.red - 1);
  });

  it('summarises one unit (lead or co-operating)', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'summary-unit');
    expect((await importLedger(prisma, tenant.id, [DEMO_WORKBOOK])).ok).toBe(true);
    const unit = await prisma.unit.findFirstOrThrow({ where: { tenantId: tenant.id, name: '县农业农村局' } });
    const s = await ledgerSummary(prisma, tenant.id, { today: '2026-11-21', calendar, unitId: unit.id });
    // Leads 001 and 005; co-operates on 011, 013 and 014.
    expect(s.stats.overall.total).toBe(5);
  });
});
