// Regression (found by a breaker run): 县级领导 given on a person's 兼职 row (LEADER is person-wide per findActorByOpenId).
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { writeXlsx } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { findActorByOpenId, loadTask } from '../../src/ledger/actions.js';
import { ledgerSummary } from '../../src/ledger/summary.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { Directory, loadDirectory } from '../../src/jobs/data.js';

const workbook = () =>
  writeXlsx({
    单位: [['单位名称', '类型'], ['石堡镇', '乡镇'], ['县政府', '部门']],
    人员: [['姓名', '单位', '角色', '飞书ID'], ['陆明', '石堡镇', '一把手', 'ou_lu'], ['陆明', '县政府', '县级领导', 'ou_lu']],
    '2026年台账': [['2026年改革任务分工'], ['序号', '改革任务', '牵头单位', '配合单位', '责任领导', '完成时限'], [1, '深化预算绩效管理改革', '石堡镇', '', '陆明', '2026年12月底前']],
  }, 'pt-leader.xlsx');

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
