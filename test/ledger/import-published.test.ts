// Issue 12: ledgers as offices publish them import as they are — checked field by field, on both
// databases. The workbooks are the project's own (src/demo/published.ts, test/helpers/workbooks.ts).
import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { everyPatternRows, publishedDemoRows, publishedWorkbook, tempDir, writeCsvFolder, type PublishedRow } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { applyImportPlan, checkImport, importLedger, planImport, StalePlanError, type ImportPlan } from '../../src/ledger/import/index.js';
import { formatProblem } from '../../src/ledger/import/validate.js';
import { formatReport } from '../../src/ledger/import/report.js';
import { updateSetting } from '../../src/settings.js';
import type { Db } from '../../src/db/client.js';

/** Each task as the office would read it back: names, not ids. */
async function tasksOf(db: Db, tenantId: number) {
  const tasks = await db.task.findMany({
    where: { tenantId },
    orderBy: { codeKey: 'asc' },
    include: {
      leadUnit: true, leadUnits: { include: { unit: true }, orderBy: { position: 'asc' } }, collectives: { orderBy: { position: 'asc' } },
      coUnits: { include: { unit: true } }, leadLeaders: { include: { person: true }, orderBy: { position: 'asc' } },
    },
  });
  return new Map(tasks.map((t) => [t.title, {
    code: t.code, serialNo: t.serialNo, section: t.section, deadline: t.deadline, dueAsWritten: t.dueAsWritten, longTerm: t.longTerm,
    leads: [t.leadUnit.name, ...t.leadUnits.map((l) => l.unit.name)], cos: t.coUnits.map((c) => c.unit.name).sort(),
    collectives: t.collectives.map((c) => c.name), leaders: t.leadLeaders.map((l) => l.person.name), remark: t.remark, deliverable: t.deliverable, status: t.status,
  }]));
}

const ok = <T extends { ok: boolean; problems: unknown[] }>(o: T) => {
  if (!o.ok) throw new Error((o.problems as Parameters<typeof formatProblem>[0][]).map(formatProblem).join('\n'));
  return o as T & { ok: true };
};

describeEachDatabase('import: published layouts', (ctx) => {
  it('imports the published demo field by field, saying which sheet, which header row and what it inferred', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-demo');
    await updateSetting(prisma, tenant.id, 'codes', { prefix: 'qy' }, 'test');
    const file = await publishedWorkbook({ hiddenSheet: true });
    const check = await checkImport(prisma, tenant.id, [file], { importYear: 2026 });
    expect(check.report.sheets).toEqual([
      { sheet: '附件', file: 'published.xlsx', readAs: '台账', headerRow: 4 },
      { sheet: '旧版', file: 'published.xlsx', readAs: '未读取', note: expect.stringContaining('隐藏的工作表') },
    ]);
    const mapping = Object.fromEntries(check.report.tables[0]!.mapping.map((m) => [m.header, m.field]));
    expect(mapping).toEqual({ '序 号': '序号', '重 点 任 务': '改革事项', '牵头 单位': '牵头单位', 责任单位: '配合单位', 牵头领导: '领衔领导', '完成时限（年月日）': '完成时限', '成果形式：': '成果形式', 备注: '备注' });
    expect(check.report.tables[0]).toMatchObject({ headings: 3, taskRows: 9, footnotes: 1, titleYear: 2026 });
    expect(check.report.inferredLeaders).toEqual(['陆明', '俞悦']);
    expect(check.report.inferredUnits).toEqual(expect.arrayContaining(['县财政局', '县税务局', '县政务服务局', '县发改局', '县住建局', '县司法局']));
    expect(check.report.suggestions).toEqual([{ sheet: '附件', row: 11, phrase: '5月底前', date: '2026-05-31' }]);
    expect(check.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    const text = formatReport(check.report, check.problems).join('\n');
    expect(text).toContain('工作表「旧版」（published.xlsx）：未读取');
    expect(text).toContain('完成时限（年月日）（F）→ 完成时限');

    const imported = ok(await importLedger(prisma, tenant.id, [file], { importYear: 2026 }));
    expect(imported.result.tasks.created).toBe(9);
    const t = await tasksOf(prisma, tenant.id);
    expect([...t.keys()]).not.toContain('隐藏表中的旧任务');
    expect([...t.values()].map((x) => x.code)).toEqual(Array.from({ length: 9 }, (_, i) => `QY-2026-00${i + 1}`));
    expect(t.get('深化预算绩效管理改革，完善全过程预算绩效管理体系')).toMatchObject({
      serialNo: '1', section: '一、经济体制改革', leads: ['县财政局', '县税务局'], cos: [], collectives: ['各镇人民政府'],
      leaders: ['陆明', '俞悦'], deadline: '2026-06-30', dueAsWritten: '2026年6月底前', longTerm: false, deliverable: '实施方案', status: '待签收',
    });
    expect(t.get('推进政务服务“一网通办”，实现高频事项全程网办')).toMatchObject({ leads: ['县政务服务局'], cos: ['县住建局', '县发改局'], leaders: ['俞悦'], deadline: '2026-12-31', dueAsWritten: '年底前' });
    expect(t.get('优化营商环境，开展涉企收费专项清理')).toMatchObject({ leads: ['县发改局'], cos: ['县市场监管局', '县财政局'].sort(), leaders: ['陆明', '俞悦'], deadline: '2026-09-30' });
    expect(t.get('深化农村集体产权制度改革')).toMatchObject({ section: '一、经济体制改革 / （一）农业农村改革', deadline: null, dueAsWritten: '长期坚持', longTerm: true, collectives: ['县直各有关单位'] });
    expect(t.get('5月底前完成农村宅基地使用情况摸底')).toMatchObject({ deadline: null, dueAsWritten: null, longTerm: false, collectives: ['相关单位'] });
    expect(t.get('推进农业社会化服务托管改革')).toMatchObject({ deadline: '2026-06-30', dueAsWritten: '上半年', remark: '省级试点', collectives: ['各乡镇（街道）'] });
    expect(t.get('健全城乡社区治理体系，推行网格化服务管理')).toMatchObject({ section: '二、社会治理改革', deadline: '2026-06-30', cos: ['县公安局', '县司法局'].sort() });
    expect(t.get('深化“最多跑一地”矛盾纠纷调处化解改革')).toMatchObject({ longTerm: true, deadline: null, dueAsWritten: '持续推进' });
    // A date-time cell at 17:30 is the date shown in the cell (issue 11).
    expect(t.get('推进公共法律服务体系建设')).toMatchObject({ deadline: '2026-12-15', dueAsWritten: null });
    // 长期事项: no due date, never overdue, still in the reporting cycle (no report → 未报送 counts it).
    const { loadLedgerTasks } = await import('../../src/ledger/overview.js');
    const { computeSupervision, DEFAULT_THRESHOLDS } = await import('../../src/core/supervision.js');
    const { createWorkingCalendar } = await import('../../src/core/calendar-data.js');
    const longTerm = (await loadLedgerTasks(prisma, tenant.id)).find((x) => x.title === '深化农村集体产权制度改革')!;
    const sup = computeSupervision(longTerm, '2028-12-29', createWorkingCalendar(), DEFAULT_THRESHOLDS);
    expect(sup).toMatchObject({ overdueWorkingDays: 0, overdueItems: [], nextDue: null });
    expect(sup.reasons.join('；')).toMatch(/没有报送进展/);
    expect(sup.reasons.join('；')).not.toMatch(/逾期/);
    const leaders = await prisma.person.findMany({ where: { tenantId: tenant.id } });
    expect(leaders.map((p) => [p.name, p.roles, p.unitId]).sort()).toEqual([['俞悦', 'LEADER', null], ['陆明', 'LEADER', null]]);
    const fin = await prisma.unit.findFirstOrThrow({ where: { tenantId: tenant.id, name: '县财政局' } });
    expect(fin.kind).toBe('部门');
  });

  it('reads every other pattern: numbering, ★, separators, three joint leads, collectives, every deadline phrasing', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-every');
    const file = await publishedWorkbook({ rows: everyPatternRows, title: '某县2027年改革要点', sheetName: 'Sheet1' });
    const out = ok(await importLedger(prisma, tenant.id, [file], { importYear: 2026 }));
    expect(out.problems.map(formatProblem)).toEqual([
      expect.stringContaining('4 行的完成时限没有写年份'),
      expect.stringMatching(/第 16 行「完成时限」列：完成时限「视情推进」无法识别为日期，已按原文保存/),
    ]);
    const t = await tasksOf(prisma, tenant.id);
    const by = (title: string) => t.get(title)!;
    expect(by('建立健全财政资金直达机制')).toMatchObject({ code: 'RW-2027-001', serialNo: '1', leads: ['县财政局', '县审计局', '县税务局'], cos: ['县发改局'], leaders: ['陆明'], deadline: '2026-12-31' });
    expect(by('推进国资国企改革')).toMatchObject({ serialNo: '1.1', leads: ['县国资中心'], collectives: ['县级各有关部门'], deadline: '2027-12-31', dueAsWritten: '年内' });
    expect(by('完善要素市场化配置')).toMatchObject({ collectives: ['各县市区政府'], leaders: ['俞悦', '陆明'], deadline: '2027-12-31' });
    expect(by('推进数据要素流通试点')).toMatchObject({ section: '一、深化重点领域改革 / 重点突破事项', cos: ['县政务服务局', '县财政局'].sort(), deadline: '2027-09-30' });
    expect(by('推动“一件事一次办”扩面').deadline).toBe('2027-06-30');
    expect(by('开展营商环境评价').deadline).toBe('2026-06-30');
    expect(by('完成全县事业单位改革').deadline).toBe('2026-06-30');
    expect(by('常态化开展政策评估')).toMatchObject({ longTerm: true, deadline: null });
    expect(by('建立长效机制')).toMatchObject({ longTerm: true, deadline: null });
    expect(by('推进一项尚无时限的工作')).toMatchObject({ longTerm: false, deadline: null, dueAsWritten: '视情推进' });
  });

  it('expands a collective to the units of its kind when the directory knows them', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-expand');
    ok(await importLedger(prisma, tenant.id, [writeCsvFolder({ 单位: [['单位名称', '类型'], ['甲镇', '乡镇'], ['乙镇', '乡镇'], ['县财政局', '部门']] })]));
    const file = await publishedWorkbook({ rows: publishedDemoRows.slice(0, 2) });
    const out = ok(await importLedger(prisma, tenant.id, [file], { importYear: 2026 }));
    expect(out.report.inferredUnits).not.toContain('县财政局');
    const t = [...(await tasksOf(prisma, tenant.id)).values()][0]!;
    expect(t).toMatchObject({ leads: ['县财政局', '县税务局'], cos: ['乙镇', '甲镇'].sort(), collectives: [] });
  });

  it('finds the same tasks in an edited re-import, changes only what changed, and audits it', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-reimport');
    ok(await importLedger(prisma, tenant.id, [await publishedWorkbook()], { importYear: 2026 }));
    const before = await tasksOf(prisma, tenant.id);
    const audits = await prisma.auditLog.count({ where: { tenantId: tenant.id } });
    // Rows inserted, reordered, one retitled slightly, one deadline changed, one unchanged twin.
    const rows = publishedDemoRows.map((r) => ({ ...r })) as PublishedRow[];
    const task = (i: number) => rows[i] as Extract<PublishedRow, { task: string }>;
    task(2).task = '推进政务服务“一网通办”，实现高频事项全程网上办理。';
    task(3).due = '2026年10月底前';
    const edited: PublishedRow[] = [
      rows[0]!, { no: 1, task: '新增的改革任务：建立改革评估机制', lead: '县委改革办', due: '2026年11月' },
      rows[3]!, rows[2]!, rows[1]!, ...rows.slice(4),
    ];
    const second = ok(await importLedger(prisma, tenant.id, [await publishedWorkbook({ rows: edited })], { importYear: 2026, actor: 'import:edited' }));
    expect(second.result.tasks).toEqual({ created: 1, updated: 2, deleted: 0, unchanged: 7 });
    const matched = Object.fromEntries(second.report.matches.map((m) => [m.title, [m.matchedBy, m.code]]));
    expect(matched['新增的改革任务：建立改革评估机制']).toEqual(['新增', 'RW-2026-010']);
    expect(matched['推进政务服务“一网通办”，实现高频事项全程网上办理']).toEqual(['相近标题', before.get('推进政务服务“一网通办”，实现高频事项全程网办')!.code]);
    expect(matched['优化营商环境，开展涉企收费专项清理']).toEqual(['标题', before.get('优化营商环境，开展涉企收费专项清理')!.code]);
    const after = await tasksOf(prisma, tenant.id);
    expect(after.get('优化营商环境，开展涉企收费专项清理')).toMatchObject({ deadline: '2026-10-31', dueAsWritten: '2026年10月底前' });
    const entries = await prisma.auditLog.findMany({ where: { tenantId: tenant.id, actor: 'import:edited', entity: 'task' }, orderBy: { id: 'asc' } });
    expect(entries.map((e) => e.action).sort()).toEqual(['create', 'update', 'update']);
    const dueChange = entries.find((e) => e.action === 'update' && e.after!.includes('2026-10-31'))!;
    expect(JSON.parse(dueChange.before!)).toEqual({ code: before.get('优化营商环境，开展涉企收费专项清理')!.code, deadline: '2026-09-30', dueAsWritten: '三季度末' });
    // Besides the tasks, only the unit the new row names was created.
    const others = await prisma.auditLog.findMany({ where: { tenantId: tenant.id, actor: 'import:edited', entity: { not: 'task' } } });
    expect(others.map((e) => [e.entity, e.action, JSON.parse(e.after!).name])).toEqual([['unit', 'create', '县委改革办']]);
    expect(await prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(audits + entries.length + 1);

    // The same edited file again changes nothing.
    const third = ok(await importLedger(prisma, tenant.id, [await publishedWorkbook({ rows: edited })], { importYear: 2026 }));
    expect(third.result.tasks).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 10 });
  });

  it('a recognised column missing from a re-import never wipes what is stored', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-missing-col');
    ok(await importLedger(prisma, tenant.id, [await publishedWorkbook()], { importYear: 2026 }));
    const before = await tasksOf(prisma, tenant.id);
    const headers = ['序号', '重点任务', '牵头单位'];
    const rows = publishedDemoRows.map((r) => ('heading' in r ? r : { no: r.no, task: r.task, lead: r.lead }));
    const out = ok(await importLedger(prisma, tenant.id, [await publishedWorkbook({ headers, rows })], { importYear: 2026 }));
    expect(out.result.tasks.updated).toBe(0);
    expect(await tasksOf(prisma, tenant.id)).toEqual(before);
  });

  it('plans without writing, applies exactly the plan (also after JSON), and refuses a stale plan', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-plan');
    const file = await publishedWorkbook();
    const plan = await planImport(prisma, tenant.id, [file], { importYear: 2026 });
    expect(plan.ok).toBe(true);
    expect(plan.counts!.tasks.created).toBe(9);
    expect(plan.changes.filter((c) => c.entity === 'task' && c.action === 'create')).toHaveLength(9);
    expect(await prisma.task.count({ where: { tenantId: tenant.id } })).toBe(0);
    const revived = JSON.parse(JSON.stringify(plan)) as ImportPlan;
    const applied = await applyImportPlan(prisma, revived, 'office');
    expect(applied.tasks.created).toBe(9);
    expect(await prisma.auditLog.count({ where: { tenantId: tenant.id, actor: 'office', entity: 'task' } })).toBe(9);

    const rows = publishedDemoRows.map((r) => ({ ...r })) as PublishedRow[];
    (rows[1] as Extract<PublishedRow, { task: string }>).due = '2026年9月底前';
    const edit = await planImport(prisma, tenant.id, [await publishedWorkbook({ rows })], { importYear: 2026 });
    expect(edit.changes).toEqual([expect.objectContaining({ entity: 'task', action: 'update', before: expect.objectContaining({ deadline: '2026-06-30' }), after: expect.objectContaining({ deadline: '2026-09-30' }) })]);
    await prisma.task.updateMany({ where: { tenantId: tenant.id, title: '推进公共法律服务体系建设' }, data: { deadline: '2027-01-01' } });
    const stale = await planImport(prisma, tenant.id, [await publishedWorkbook({ rows })], { importYear: 2026 });
    await prisma.task.updateMany({ where: { tenantId: tenant.id, title: '推进公共法律服务体系建设' }, data: { deadline: '2027-02-01' } });
    await expect(applyImportPlan(prisma, stale, 'office')).rejects.toBeInstanceOf(StalePlanError);
    expect((await prisma.task.findFirstOrThrow({ where: { tenantId: tenant.id, title: '推进公共法律服务体系建设' } })).deadline).toBe('2027-02-01');
  });

  it('reports every problem in one pass; --partial imports the good rows, the default writes nothing', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-partial');
    const rows: PublishedRow[] = [
      ...publishedDemoRows.slice(0, 3),
      { no: 3, task: '', lead: '县财政局', due: '2026年6月' },
      { no: 4, task: '开展改革试点', lead: null, due: '2026年13月45日' },
    ];
    const file = await publishedWorkbook({ rows });
    const strict = await importLedger(prisma, tenant.id, [file], { importYear: 2026 });
    expect(strict.ok).toBe(false);
    expect(strict.problems.filter((p) => p.severity !== 'warning').map(formatProblem)).toEqual([
      expect.stringMatching(/^「附件」第 8 行「改革事项」列：改革事项为空/),
      expect.stringMatching(/^「附件」第 9 行「牵头单位」列：牵头单位为空/),
      expect.stringMatching(/^「附件」第 9 行「完成时限」列：完成时限「2026年13月45日」不是有效日期/),
    ].sort(() => 0));
    expect(await prisma.task.count({ where: { tenantId: tenant.id } })).toBe(0);
    const partial = await importLedger(prisma, tenant.id, [file], { importYear: 2026, partial: true });
    expect(partial.ok).toBe(true);
    expect(await prisma.task.count({ where: { tenantId: tenant.id } })).toBe(2);
  });

  // Found in a new-user trial (2026-11-30): 「无」 in 配合单位 made a unit named 无, and in 领衔领导 a county leader named 无.
  it('cells that say none (无 / 暂无 / 待定 / — / ／) name no unit and no leader; numbered units split; each odd cell is explained; --verbose shows the units read', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-none');
    const folder = writeCsvFolder({ 台账: [
      ['序号', '改革事项', '牵头单位', '配合单位', '领衔领导', '完成时限'],
      ['1', '推进甲事项', '县财政局', '无', '无', '2026-12-31'],
      ['2', '推进乙事项', '县税务局', '／', '—', '2026-12-31'],
      ['3', '推进丙事项', '县财政局', '暂无', '陆明', '2026-12-31'],
      ['4', '推进丁事项', '1.县财政局\n2.县税务局', '（，）', '', '2026-12-31'],
      ['5', '推进戊事项', '待定', '县财政局', '', '2026-12-31'],
      ['6', '推进己事项', '（，）', '', '', '2026-12-31'],
    ] });
    const check = await checkImport(prisma, tenant.id, [folder], { importYear: 2026 });
    expect(check.report.inferredUnits).toEqual(['县财政局', '县税务局']);
    expect(check.report.inferredLeaders).toEqual(['陆明']);
    const said = check.problems.map(formatProblem);
    expect(said).toEqual(expect.arrayContaining([
      expect.stringContaining('牵头单位写作「待定」：每项改革任务都须有牵头单位'),
      expect.stringContaining('牵头单位「（，）」中没有可识别的单位名称'),
      expect.stringContaining('配合单位「（，）」中没有可识别的单位名称（只有标点、括号或编号），已忽略'),
    ]));
    // 「无」「／」「暂无」 are how offices write "none": no warning for them.
    expect(said.filter((p) => p.includes('配合单位'))).toHaveLength(1);
    const verbose = formatReport(check.report, check.problems, { verbose: true }).join('\n');
    expect(verbose).toContain('第 5 行 → ');
    expect(verbose).toMatch(/第 5 行 → [^\n]*牵头：县财政局、县税务局/);
    expect(verbose).toMatch(/第 2 行 → [^\n]*牵头：县财政局）/);
    expect(formatReport(check.report, check.problems).join('\n')).not.toContain('牵头：');
  });

  it('a 人员 sheet with 无 / ／ / — for a missing mobile, email, 飞书ID or unit imports those as empty, not as format errors', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-none-people');
    const folder = writeCsvFolder({
      单位: [['单位名称', '类型'], ['县委改革办', '部门'], ['县财政局', '部门']],
      人员: [['姓名', '单位', '角色', '手机', '邮箱', '飞书ID'], ['周主任', '县委改革办', '改革办', '无', '无', ''], ['李四', '县财政局', '改革联络员', '／', '—', '无'], ['陆明', '无', '县级领导', '13800138000', '', '']],
      台账: [['序号', '改革事项', '牵头单位', '完成时限'], ['1', '推进甲事项', '县财政局', '2026-12-31']],
    });
    const imported = ok(await importLedger(prisma, tenant.id, [folder], { importYear: 2026 }));
    expect(imported.result.people.created).toBe(3);
    const people = await prisma.person.findMany({ where: { tenantId: tenant.id }, orderBy: { name: 'asc' }, include: { unit: true } });
    expect(people.map((p) => [p.name, p.mobile, p.email, p.openId, p.unit?.name ?? null])).toEqual(expect.arrayContaining([
      ['周主任', null, null, null, '县委改革办'], ['李四', null, null, null, '县财政局'], ['陆明', '13800138000', null, null, null],
    ]));
  });

  it('a two-row merged header, a 合计 row and a 开始时间 written to the month (import trial, 2026-11-30)', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-two-row');
    const folder = writeCsvFolder({ 台账: [
      ['序号', '改革任务', '责任单位', '', '时间安排', ''],
      ['', '', '牵头单位', '配合单位', '开始时间', '完成时限'],
      ['1', '深化财政预算管理改革', '县财政局', '无', '2026年1月', '2026年6月底前'],
      ['2', '推进税收征管数字化', '县税务局', '县财政局', '2026.3', '2026-12-31'],
      ['3', '推进“一网统管”', '县大数据中心', '', '2026年1月起', '2026.9.30'],
      ['合计', '3项', '', '', '', ''],
    ] });
    const check = await checkImport(prisma, tenant.id, [folder], { importYear: 2026 });
    expect(check.problems.map(formatProblem)).toEqual([]);
    expect(check.report.tables[0]).toMatchObject({ taskRows: 3, footnotes: 1 });
    ok(await importLedger(prisma, tenant.id, [folder], { importYear: 2026 }));
    const tasks = await prisma.task.findMany({ where: { tenantId: tenant.id }, orderBy: { code: 'asc' }, select: { title: true, startDate: true, deadline: true } });
    expect(tasks.map((t) => [t.title, t.startDate, t.deadline])).toEqual([
      ['深化财政预算管理改革', '2026-01-01', '2026-06-30'], ['推进税收征管数字化', '2026-03-01', '2026-12-31'], ['推进“一网统管”', '2026-01-01', '2026-09-30'],
    ]);
    // 开始时间 that is no date at all is still refused, with the month form named.
    const bad = writeCsvFolder({ 台账: [['序号', '改革任务', '牵头单位', '开始时间', '完成时限'], ['1', '甲', '县财政局', '年初', '2026-12-31']] });
    expect((await checkImport(prisma, tenant.id, [bad], { importYear: 2026 })).problems.map(formatProblem)).toEqual([expect.stringContaining('开始时间「年初」不是有效日期，应写作 2026-06-30、2026/6/30 或 2026年6月30日（或只写年月：2026年1月）')]);
  });

  // The workbook breaker's layouts (2026-11-30), as real .xlsx files with merged cells.
  it('a two-row header with a column the importer does not know, column numbers under it, a section row naming its leader in the leader column, a signature row, pre-numbered empty rows, a task written twice', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-breaker');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('附件1');
    ws.addRow(['2026年全面深化改革重点任务台账']);
    ws.addRow(['序号', '改革任务', '责任单位', '', '领衔领导', '时间安排', '', '联系人', '', '进展状态']);
    ws.addRow(['', '', '牵头单位', '配合单位', '', '开始时间', '完成时限', '姓名', '电话', '']);
    for (const range of ['A2:A3', 'B2:B3', 'C2:D2', 'E2:E3', 'F2:G2', 'H2:I2', 'J2:J3']) ws.mergeCells(range);
    ws.addRow([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    ws.addRow(['一', '经济体制改革', '', '', '陆明']);
    ws.addRow(['1', '深化财政预算管理改革', '县财政局', '县税务局', '', '2026年1月', '2026年11月30日', '张三', '13800000000', '序时推进']);
    ws.addRow(['2', '深化财政预算管理改革', '县财政局', '', '', '', '2026年12月31日', '', '', '滞后']);
    ws.addRow(['3']);
    ws.addRow(['4']);
    ws.addRow(['审核人：', '', '填表人：', '', '联系电话：']);
    const file = path.join(tempDir(), 'breaker.xlsx');
    await wb.xlsx.writeFile(file);
    const check = await checkImport(prisma, tenant.id, [file], { importYear: 2026 });
    const said = check.problems.map(formatProblem);
    expect(check.problems.filter((p) => p.severity !== 'warning').map(formatProblem)).toEqual([]);
    const mapping = Object.fromEntries(check.report.tables[0]!.mapping.map((m) => [m.header, m.field]));
    expect(mapping).toMatchObject({ 牵头单位: '牵头单位', 配合单位: '配合单位', 开始时间: '开始时间', 完成时限: '完成时限', 领衔领导: '领衔领导' });
    expect(check.report.tables[0]!.unrecognised.map((u) => u.header)).toEqual(expect.arrayContaining(['姓名', '电话', '进展状态']));
    expect(check.report.tables[0]).toMatchObject({ taskRows: 2, headings: 1 });
    expect(check.report.inferredUnits).toEqual(['县财政局', '县税务局']);
    expect(said.some((p) => p.includes('同名、同牵头单位'))).toBe(true);
    ok(await importLedger(prisma, tenant.id, [file], { importYear: 2026, partial: true }));
    // Both rows were imported (the warning said so); the first keeps its own 完成时限 (not 开始时间), section and leader.
    const rows = await prisma.task.findMany({ where: { tenantId: tenant.id }, orderBy: { codeKey: 'asc' }, include: { leadLeaders: { include: { person: true } } } });
    expect(rows.map((x) => [x.startDate, x.deadline, x.section, x.leadLeaders.map((l) => l.person.name)])).toEqual([
      ['2026-01-01', '2026-11-30', '一、经济体制改革', ['陆明']], [null, '2026-12-31', '一、经济体制改革', ['陆明']],
    ]);
  });
});

