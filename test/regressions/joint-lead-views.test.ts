// Regression (found by a breaker run): a 联合牵头 unit leads the task as much as the first (permissions, 交办单, export), but the
// unit views (我的任务 via loadLedgerTasks unitIds, 台账 <单位> via ledgerSummary unitId) leave it out.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { writeXlsx } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { findActorByOpenId, loadTask } from '../../src/ledger/actions.js';
import { checkPermission, actorUnitIds } from '../../src/core/permissions.js';
import { loadLedgerTasks } from '../../src/ledger/overview.js';
import { ledgerSummary } from '../../src/ledger/summary.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';

const jointWorkbook = () =>
  writeXlsx({
    单位: [['单位名称', '类型'], ['县财政局', '部门'], ['县税务局', '部门'], ['县审计局', '部门']],
    人员: [['姓名', '单位', '角色', '飞书ID'], ['财联络', '县财政局', '改革联络员', 'ou_fin'], ['税联络', '县税务局', '改革联络员', 'ou_tax'], ['陆明', '', '县级领导', 'ou_lu']],
    '2026年台账': [['2026年改革任务分工'], ['序号', '改革任务', '牵头单位', '配合单位', '责任领导', '完成时限'], [1, '深化预算绩效管理改革', '县财政局、县税务局', '县审计局', '陆明', '2026年12月底前']],
  }, 'joint.xlsx');

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
