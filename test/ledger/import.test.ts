import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK, columnIndex, editedDemoWorkbook, rowByKey, writeCsvFolder } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { formatProblem } from '../../src/ledger/import/validate.js';
import type { Db } from '../../src/db/client.js';
import { demoMilestones, demoPeople, demoTasks, demoUnits } from '../../src/demo/ledger.js';

/** Everything in the ledger except timestamps, in a stable order, for comparing two states. */
async function ledgerSnapshot(db: Db, tenantId: number) {
  const tasks = await db.task.findMany({
    where: { tenantId },
    orderBy: { codeKey: 'asc' },
    include: { leadLeaders: { orderBy: { personId: 'asc' } }, coUnits: { orderBy: { unitId: 'asc' } }, milestones: { orderBy: { title: 'asc' } } },
  });
  return {
    units: await db.unit.findMany({ where: { tenantId }, orderBy: { name: 'asc' } }),
    people: await db.person.findMany({ where: { tenantId }, orderBy: { matchKey: 'asc' } }),
    tasks: tasks.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest),
  };
}

describeEachDatabase('import', (ctx) => {
  it('imports the demo workbook, and importing it again changes nothing', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-twice');
    const first = await importLedger(prisma, tenant.id, [DEMO_WORKBOOK]);
    if (!first.ok) throw new Error(first.problems.map(formatProblem).join('\n'));
    expect(first.result.tasks.created).toBe(demoTasks.length);
    expect(first.result.units.created).toBe(demoUnits.length);
    expect(first.result.people.created).toBe(demoPeople.length);
    expect(first.result.milestones.created).toBe(demoMilestones.length);

    const before = await ledgerSnapshot(prisma, tenant.id);
    const auditBefore = await prisma.auditLog.count({ where: { tenantId: tenant.id } });
    expect(auditBefore).toBe(demoTasks.length + demoUnits.length + demoPeople.length + demoMilestones.length);

    const second = await importLedger(prisma, tenant.id, [DEMO_WORKBOOK]);
    if (!second.ok) throw new Error('second import failed');
    expect(second.result.tasks).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: demoTasks.length });
    expect(second.result.people.unchanged).toBe(demoPeople.length);
    expect(await ledgerSnapshot(prisma, tenant.id)).toEqual(before);
    expect(await prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(auditBefore);

    // Spot-check the content: Excel dates, text dates, relations, completion dates.
    const t2 = before.tasks.find((t) => t.code === 'QY-2026-002')!;
    expect(t2.deadline).toBe('2026-10-30');
    expect(t2.startDate).toBe('2026-02-15');
    expect(t2.coUnits).toHaveLength(2);
    expect(t2.leadLeaders).toHaveLength(1);
    expect(t2.milestones.map((m) => m.title)).toContain('出台合署办公运行机制');
    const t3 = before.tasks.find((t) => t.code === 'QY-2026-003')!;
    expect([t3.status, t3.completedOn, t3.closedOn]).toEqual(['已销号', '2026-08-20', '2026-08-28']);
  });

  it('records an edited row in the audit log with before and after', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-edit');
    expect((await importLedger(prisma, tenant.id, [DEMO_WORKBOOK])).ok).toBe(true);
    const edited = await editedDemoWorkbook((wb) => {
      const row = rowByKey(wb, '台账', 'QY-2026-002');
      row.getCell(columnIndex(wb, '台账', '完成时限')).value = '2026年11月30日';
      row.getCell(columnIndex(wb, '台账', '配合单位')).value = '县司法局';
    });
    const outcome = await importLedger(prisma, tenant.id, [edited], { actor: 'import:edited.xlsx' });
    if (!outcome.ok) throw new Error(outcome.problems.map(formatProblem).join('\n'));
    expect(outcome.result.tasks.updated).toBe(1);
    expect(outcome.result.tasks.unchanged).toBe(demoTasks.length - 1);

    const task = await prisma.task.findFirstOrThrow({ where: { tenantId: tenant.id, codeKey: 'QY-2026-002' }, include: { coUnits: true } });
    expect(task.deadline).toBe('2026-11-30');
    expect(task.coUnits).toHaveLength(1);
    const entries = await prisma.auditLog.findMany({ where: { tenantId: tenant.id, entity: 'task', entityId: String(task.id), action: 'update' } });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.actor).toBe('import:edited.xlsx');
    const before = JSON.parse(entries[0]!.before!);
    const after = JSON.parse(entries[0]!.after!);
    expect([before.deadline, after.deadline]).toEqual(['2026-10-30', '2026-11-30']);
    expect(before.coUnits).toEqual(['三岔乡', '县司法局'].sort());
    expect(after.coUnits).toEqual(['县司法局']);
  });

  it('reports every bad row at once and writes nothing', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-bad');
    const bad = await editedDemoWorkbook((wb) => {
      rowByKey(wb, '台账', 'QY-2026-004').getCell(columnIndex(wb, '台账', '完成时限')).value = '2026年13月45日';
      rowByKey(wb, '台账', 'QY-2026-006').getCell(columnIndex(wb, '台账', '牵头单位')).value = '不存在的单位';
      rowByKey(wb, '人员', '王建国').getCell(columnIndex(wb, '人员', '角色')).value = '局长';
    });
    const outcome = await importLedger(prisma, tenant.id, [bad]);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toHaveLength(3);
    const text = outcome.problems.map(formatProblem);
    expect(text).toEqual([
      expect.stringMatching(/^「人员」第 2 行「角色」列：角色「局长」无效/),
      expect.stringMatching(/^「台账」第 5 行「完成时限」列：完成时限「2026年13月45日」不是有效日期/),
      expect.stringMatching(/^「台账」第 7 行「牵头单位」列：牵头单位「不存在的单位」不存在/),
    ]);
    expect(await prisma.task.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await prisma.unit.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await prisma.person.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('imports the same headers from CSV files, with every date format', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-csv');
    const dir = writeCsvFolder({
      单位: [['单位名称', '类型', '上级单位', '工作群ID', '备注'], ['县委改革办', '部门', '', '', '多余的列被忽略'], ['甲镇', '乡镇', '', 'oc_jia', '']],
      人员: [['姓名', '单位', '角色', '手机', '邮箱', '飞书ID'], ['张三', '甲镇', '改革联络员、改革专员', '+86 138-0000-0000（办）', 'zs@example.com', ''], ['李四', '', '县级领导', '', '', 'ou_lisi']],
      台账: [
        ['编号', '改革事项', '类别', '批次', '领衔领导', '牵头单位', '配合单位', '责任人', '成果形式', '实施路径', '开始时间', '完成时限', '状态'],
        ['ＬＹ－2026－001', '事项一, "带引号"', '小切口改革', '第一批', '李四', '甲镇', '县委改革办', '张三', '方案', '', '2026/3/1', '2026-06-30', ''],
        ['ly-2026-002', '事项二', '改革试点', '', '', '甲镇', '', '', '', '', '2026年4月1日', '46203', '推进中'],
      ],
      节点: [['编号', '节点名称', '完成时限'], ['LY-2026-001', '起草', '2026.5.1']],
    });
    const outcome = await importLedger(prisma, tenant.id, [dir]);
    if (!outcome.ok) throw new Error(outcome.problems.map(formatProblem).join('\n'));
    const tasks = await prisma.task.findMany({ where: { tenantId: tenant.id }, orderBy: { codeKey: 'asc' }, include: { milestones: true, leadLeaders: true } });
    expect(tasks.map((t) => [t.code, t.codeKey, t.startDate, t.deadline, t.status])).toEqual([
      ['LY-2026-001', 'LY-2026-001', '2026-03-01', '2026-06-30', '待签收'],
      ['ly-2026-002', 'LY-2026-002', '2026-04-01', '2026-06-30', '推进中'],
    ]);
    expect(tasks[0]!.title).toBe('事项一, "带引号"');
    expect(tasks[0]!.milestones[0]!.dueDate).toBe('2026-05-01');
    expect(tasks[0]!.leadLeaders).toHaveLength(1);
    const zhang = await prisma.person.findFirstOrThrow({ where: { tenantId: tenant.id, name: '张三' } });
    expect(zhang.roles).toBe('COMMISSIONER,LIAISON');
    // Stored as batch_get_id asks for a mainland number: 11 digits, no country code, no remark.
    expect(zhang.mobile).toBe('13800000000');
  });

  it('moves a Feishu account to a person listed for the first time (found by fuzzing)', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-openid-move');
    const people = (rows: string[][]) => writeCsvFolder({
      单位: [['单位名称', '类型'], ['县委改革办', '部门'], ['丙局', '部门']],
      人员: [['姓名', '单位', '角色', '飞书ID'], ...rows],
      台账: [['编号', '改革事项', '牵头单位', '完成时限']],
    });
    const first = await importLedger(prisma, tenant.id, [people([['李四', '', '县级领导', 'ou_move']])]);
    expect(first.ok).toBe(true);
    // 李四 joins 丙局 and takes the account along; the old row stays, its 飞书ID left empty.
    const second = await importLedger(prisma, tenant.id, [people([['李四', '丙局', '改革联络员', 'ou_move'], ['李四', '', '县级领导', '']])]);
    if (!second.ok) throw new Error(second.problems.map(formatProblem).join('\n'));
    const rows = await prisma.person.findMany({ where: { tenantId: tenant.id }, orderBy: { matchKey: 'asc' }, include: { unit: true } });
    expect(rows.map((p) => [p.name, p.unit?.name ?? null, p.openId])).toEqual(expect.arrayContaining([['李四', '丙局', 'ou_move'], ['李四', null, null]]));
    expect(rows).toHaveLength(2);
  });

  it('a published sheet with only headings is "no task found", not "nothing changed"; an empty 台账 beside 人员 still updates people', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-headings-only');
    const dir = writeCsvFolder({
      附件: [['附件1'], ['2026年改革任务分工方案'], ['序号', '改革任务', '牵头单位', '完成时限'], ['一、优化营商环境'], ['（一）深化政务服务改革']],
    });
    const outcome = await importLedger(prisma, tenant.id, [dir]);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems.map(formatProblem).join('\n')).toContain('表头下没有找到改革事项（只有 2 行分组标题）');
    expect(await prisma.task.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('names missing required columns', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'import-missing');
    const dir = writeCsvFolder({ 台账: [['编号', '类别'], ['X-1', '其他']] });
    const outcome = await importLedger(prisma, tenant.id, [dir]);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems.map(formatProblem)).toEqual([
      '「台账」第 1 行「改革事项」列：缺少必需的列「改革事项」（也可写作改革任务、重点任务、工作任务等）',
      '「台账」第 1 行「牵头单位」列：缺少必需的列「牵头单位」（也可写作责任单位、牵头部门等）',
    ]);
  });
});
