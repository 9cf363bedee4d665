// Regression (found by a breaker run): 县级领导 given on a person's 兼职 row (LEADER is person-wide per findActorByOpenId).
import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { tempDir } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { findActorByOpenId, loadTask } from '../../src/ledger/actions.js';
import { ledgerSummary } from '../../src/ledger/summary.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { Directory, loadDirectory } from '../../src/jobs/data.js';

async function workbook(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const units = wb.addWorksheet('单位');
  units.addRow(['单位名称', '类型']);
  for (const n of ['石堡镇', '县政府']) units.addRow([n, n.endsWith('镇') ? '乡镇' : '部门']);
  const people = wb.addWorksheet('人员');
  people.addRow(['姓名', '单位', '角色', '飞书ID']);
  people.addRow(['陆明', '石堡镇', '一把手', 'ou_lu']);
  people.addRow(['陆明', '县政府', '县级领导', 'ou_lu']);
  const ws = wb.addWorksheet('2026年台账');
  ws.addRow(['2026年改革任务分工']);
  ws.addRow(['序号', '改革任务', '牵头单位', '配合单位', '责任领导', '完成时限']);
  ws.addRow([1, '深化预算绩效管理改革', '石堡镇', '', '陆明', '2026年12月底前']);
  const file = path.join(tempDir(), 'pt-leader.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describeEachDatabase('regression: 兼职 leader', (ctx) => {
  it('the task led by 陆明 names the one 陆明, and the 台账 knows him as a leader', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pt-leader');
    const out = await importLedger(prisma, tenant.id, [await workbook()], { importYear: 2026 });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    const actor = (await findActorByOpenId(prisma, tenant.id, 'ou_lu'))!;
    expect(actor.roles).toContain('LEADER');
    const task = (await loadTask(prisma, tenant.id, out.result.createdTaskIds[0]!))!;
    expect(task.leadLeaderIds).toEqual([actor.personId]);
    // Jobs addressed to 县级领导 (Directory.recipients 'leaders') skip him:
    const dir = new Directory(await loadDirectory(prisma, tenant.id));
    expect(dir.leaders().map((p) => p.name)).toEqual(['陆明']);
    const s = await ledgerSummary(prisma, tenant.id, { today: '2026-11-30', calendar: createWorkingCalendar() });
    expect(s.stats.byLeader.map((l) => s.leaderNames.get(l.leaderId))).toEqual(['陆明']);
  });
});
