// Regression (found by a breaker run): a 联合牵头 unit leads the task as much as the first (permissions, 交办单, export), but the
// unit views (我的任务 via loadLedgerTasks unitIds, 台账 <单位> via ledgerSummary unitId) leave it out.
import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { tempDir } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { findActorByOpenId, loadTask } from '../../src/ledger/actions.js';
import { checkPermission, actorUnitIds } from '../../src/core/permissions.js';
import { loadLedgerTasks } from '../../src/ledger/overview.js';
import { ledgerSummary } from '../../src/ledger/summary.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';

async function jointWorkbook(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const units = wb.addWorksheet('单位');
  units.addRow(['单位名称', '类型']);
  for (const n of ['县财政局', '县税务局', '县审计局']) units.addRow([n, '部门']);
  const people = wb.addWorksheet('人员');
  people.addRow(['姓名', '单位', '角色', '飞书ID']);
  people.addRow(['财联络', '县财政局', '改革联络员', 'ou_fin']);
  people.addRow(['税联络', '县税务局', '改革联络员', 'ou_tax']);
  people.addRow(['陆明', '', '县级领导', 'ou_lu']);
  const ws = wb.addWorksheet('2026年台账');
  ws.addRow(['2026年改革任务分工']);
  ws.addRow(['序号', '改革任务', '牵头单位', '配合单位', '责任领导', '完成时限']);
  ws.addRow([1, '深化预算绩效管理改革', '县财政局、县税务局', '县审计局', '陆明', '2026年12月底前']);
  const file = path.join(tempDir(), 'joint.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describeEachDatabase('regression: joint lead unit views', (ctx) => {
  it("the second lead unit's 我的任务 and 台账 include the task it leads", async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'joint-views');
    const out = await importLedger(prisma, tenant.id, [await jointWorkbook()], { importYear: 2026 });
    if (!out.ok) throw new Error('import failed');
    const task = (await loadTask(prisma, tenant.id, out.result.createdTaskIds[0]!))!;
    const tax = (await findActorByOpenId(prisma, tenant.id, 'ou_tax'))!;
    expect(checkPermission(tax, task, 'sign')).toEqual({ ok: true }); // it leads the task
    // 我的任务 (src/chat/commands/queries.ts myTasks): loadLedgerTasks(…, { unitIds, openOnly: true })
    const mine = await loadLedgerTasks(prisma, tenant.id, { unitIds: actorUnitIds(tax), openOnly: true });
    expect(mine.map((t) => t.id)).toEqual([task.id]);
  });

  it("台账 县税务局 counts the task", async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'joint-views');
    const unit = await prisma.unit.findFirstOrThrow({ where: { tenantId: tenant.id, name: '县税务局' } });
    const s = await ledgerSummary(prisma, tenant.id, { today: '2026-11-30', calendar: createWorkingCalendar(), unitId: unit.id });
    expect(s.stats.overall.total).toBe(1);
  });
});
