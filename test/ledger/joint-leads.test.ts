// 联合牵头 end to end (issue 12 §5): a task led by several units — every lead unit gets the
// 任务交办单, any of them may sign, reminders go to all, the honour roll scores it for each, the
// card names them all; a collective co-unit is shown and never reminded.
import { systemClock } from '../../src/clock.js';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { writeXlsx } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { formatProblem } from '../../src/ledger/import/validate.js';
import { findActorByOpenId, loadTask } from '../../src/ledger/actions.js';
import { checkPermission } from '../../src/core/permissions.js';
import { collectUnitOutcomes } from '../../src/core/honour.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { dispatchTasks } from '../../src/chat/dispatch-tasks.js';
import { dispatchCard } from '../../src/chat/cards.js';
import { Directory, loadJobLedger } from '../../src/jobs/data.js';
import type { AppContext } from '../../src/app.js';

const jointWorkbook = () =>
  writeXlsx({
    单位: [['单位名称', '类型', '工作群ID'], ['县财政局', '部门', 'oc_fin'], ['县税务局', '部门', 'oc_tax'], ['县审计局', '部门', null]],
    人员: [['姓名', '单位', '角色', '飞书ID'], ['财联络', '县财政局', '改革联络员', 'ou_fin'], ['税联络', '县税务局', '改革联络员', 'ou_tax'], ['审联络', '县审计局', '改革联络员', 'ou_audit'], ['陆明', '', '县级领导', 'ou_lu']],
    '2026年台账': [['2026年改革任务分工'], ['序号', '改革任务', '牵头单位', '配合单位', '责任领导', '完成时限'], [1, '深化预算绩效管理改革', '县财政局、县税务局', '县审计局、各镇人民政府', '陆明', '2026年6月底前']],
  }, 'joint.xlsx');

describeEachDatabase('joint lead units', (ctx) => {
  it('dispatches to every lead unit, lets any sign, reminds all, scores each, and names them on the card', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'joint');
    const out = await importLedger(prisma, tenant.id, [await jointWorkbook()], { importYear: 2026 });
    if (!out.ok) throw new Error(out.problems.map(formatProblem).join('\n'));
    const [taskId] = out.result.createdTaskIds;
    const task = (await loadTask(prisma, tenant.id, taskId!))!;
    expect([task.leadUnitName, ...(task.jointLeadUnitNames ?? [])]).toEqual(['县财政局', '县税务局']);
    expect(task.coUnitNames).toEqual(['县审计局']);
    expect(task.collectiveNames).toEqual(['各镇人民政府']);

    // 任务交办单: the liaisons and groups of both lead units, nobody of the co-unit.
    const app = { db: { prisma }, clock: systemClock } as unknown as AppContext;
    expect(await dispatchTasks(app, tenant.id, [taskId!])).toBe(4);
    const sent = await prisma.outboxMessage.findMany({ where: { tenantId: tenant.id }, orderBy: { receiveId: 'asc' } });
    expect(sent.map((m) => m.receiveId)).toEqual(['oc_fin', 'oc_tax', 'ou_fin', 'ou_tax']);
    expect(sent[0]!.content).toContain('县财政局、县税务局（联合牵头）');
    expect(sent[0]!.content).toContain('2026-06-30（2026年6月底前）');
    expect(JSON.stringify(dispatchCard(task, []))).toContain('各镇人民政府');

    // Either lead unit may sign; the co-unit may not.
    for (const [openId, may] of [['ou_fin', true], ['ou_tax', true], ['ou_audit', false]] as const) {
      const actor = (await findActorByOpenId(prisma, tenant.id, openId))!;
      expect([openId, checkPermission(actor, task, 'sign').ok]).toEqual([openId, may]);
    }

    // Reminders reach both lead units (and the collective is nobody to remind).
    const ledger = await loadJobLedger(prisma, tenant.id);
    const t = ledger.tasks.find((x) => x.id === taskId)!;
    expect(t.jointLeadUnitIds).toHaveLength(1);
    const recipients = new Directory(ledger).forTask(t, ['liaison', 'unitGroup']);
    expect(recipients.map((r) => r.receiveId).sort()).toEqual(['oc_fin', 'oc_tax', 'ou_fin', 'ou_tax']);

    // The honour roll scores the task for each lead unit.
    const units = (await prisma.unit.findMany({ where: { tenantId: tenant.id } })).map((u) => ({ unitId: u.id, unitName: u.name }));
    const outcomes = collectUnitOutcomes(units, [{ taskId: t.id, leadUnitId: t.leadUnitId, jointLeadUnitIds: t.jointLeadUnitIds ?? [], status: '已销号', deadline: '2026-06-30', completedOn: '2026-06-20', closedOn: '2026-06-25', reportsInPeriod: 1 }], { period: { start: '2026-06-01', end: '2026-06-30' }, calendar: createWorkingCalendar() });
    expect(outcomes.map((o) => [o.unitName, o.onTimeCompletions]).sort()).toEqual([['县税务局', 1], ['县财政局', 1]].sort());
  });
});
