// The import split into a storable plan and its apply (src/ledger/import/plan.ts), on SQLite and
// PostgreSQL: the preview writes nothing and lists exactly what the apply then does; a plan survives
// JSON; a second plan of the same file changes nothing; an edited row shows before → after.
import { expect, it } from 'vitest';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { applyImportPlan, planImportFiles, type ImportPlan } from '../../src/ledger/import/plan.js';
import { formatProblem } from '../../src/ledger/import/validate.js';
import { demoTasks } from '../../src/demo/ledger.js';
import { describeEachDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK, columnIndex, editedDemoWorkbook, rowByKey } from '../helpers/workbooks.js';

describeEachDatabase('import plan', (ctx) => {
  it('preview writes nothing; the stored plan applies exactly what the preview listed', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-plan');
    const planned = await planImportFiles(prisma, tenant.id, [DEMO_WORKBOOK]);
    if (!planned.ok) throw new Error(planned.problems.map(formatProblem).join('\n'));
    expect(planned.preview.result.tasks.created).toBe(demoTasks.length);
    expect(await prisma.task.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(0);

    const stored = JSON.parse(JSON.stringify(planned.plan)) as ImportPlan;
    const result = await prisma.$transaction((tx) => applyImportPlan(tx, tenant.id, stored, 'test'));
    expect(result.tasks.created).toBe(demoTasks.length);
    expect(await prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(planned.preview.changes.length);

    const again = await planImportFiles(prisma, tenant.id, [DEMO_WORKBOOK]);
    if (!again.ok) throw new Error('second plan failed');
    expect(again.preview.changes).toEqual([]);
    expect(again.preview.result.tasks.unchanged).toBe(demoTasks.length);
  });

  it('an edited row is previewed as before → after; a bad row as its sheet and row', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-plan-edit');
    const first = await planImportFiles(prisma, tenant.id, [DEMO_WORKBOOK]);
    if (!first.ok) throw new Error('plan failed');
    await prisma.$transaction((tx) => applyImportPlan(tx, tenant.id, first.plan, 'test'));
    const code = demoTasks[0]!.code;
    const edited = await editedDemoWorkbook((wb) => {
      rowByKey(wb, '台账', code).getCell(columnIndex(wb, '台账', '完成时限')).value = '2027-03-31';
    });
    const plan = await planImportFiles(prisma, tenant.id, [edited]);
    if (!plan.ok) throw new Error(plan.problems.map(formatProblem).join('\n'));
    expect(plan.preview.result.tasks.updated).toBe(1);
    const change = plan.preview.changes.find((c) => c.entity === 'task')!;
    expect(change).toMatchObject({ action: 'update', before: { code }, after: { code, deadline: '2027-03-31' } });

    const broken = await editedDemoWorkbook((wb) => {
      rowByKey(wb, '台账', code).getCell(columnIndex(wb, '台账', '牵头单位')).value = '不存在的单位';
    });
    const bad = await planImportFiles(prisma, tenant.id, [broken]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]).toMatchObject({ sheet: '台账', column: '牵头单位' });
  });
});
