import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK, tempDir } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { exportLedger } from '../../src/ledger/export.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import type { Db } from '../../src/db/client.js';

const calendar = createWorkingCalendar();

/** The ledger without ids and timestamps, keyed by names and codes, to compare two tenants. */
async function portable(db: Db, tenantId: number) {
  const units = await db.unit.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const people = await db.person.findMany({ where: { tenantId }, orderBy: { matchKey: 'asc' } });
  const personKey = new Map(people.map((p) => [p.id, p.matchKey]));
  const tasks = await db.task.findMany({ where: { tenantId }, orderBy: { codeKey: 'asc' }, include: { leadLeaders: true, coUnits: true, milestones: { orderBy: { title: 'asc' } } } });
  return {
    units: units.map((u) => ({ name: u.name, kind: u.kind, parent: u.parentId ? unitName.get(u.parentId) : null, chatId: u.chatId })),
    people: people.map((p) => ({ key: p.matchKey, roles: p.roles, mobile: p.mobile, email: p.email, openId: p.openId })),
    tasks: tasks.map((t) => ({
      code: t.code, title: t.title, category: t.category, batch: t.batch, leadUnit: unitName.get(t.leadUnitId), owner: t.ownerName,
      deliverable: t.deliverable, path: t.implementationPath, start: t.startDate, deadline: t.deadline, status: t.status,
      completedOn: t.completedOn, closedOn: t.closedOn,
      leaders: t.leadLeaders.map((l) => personKey.get(l.personId)).sort(), coUnits: t.coUnits.map((c) => unitName.get(c.unitId)).sort(),
      milestones: t.milestones.map((m) => [m.title, m.dueDate, m.doneDate]),
    })),
  };
}

describeEachDatabase('export', (ctx) => {
  it('writes the office sheets with colour and latest progress, and imports back unchanged', async () => {
    const { prisma } = ctx();
    const a = await ensureTenant(prisma, 'export-a');
    expect((await importLedger(prisma, a.id, [DEMO_WORKBOOK])).ok).toBe(true);
    const t = await prisma.task.findFirstOrThrow({ where: { tenantId: a.id, codeKey: 'QY-2026-001' } });
    const at = new Date('2026-11-20T02:00:00Z');
    await prisma.progressReport.create({ data: { tenantId: a.id, taskId: t.id, reportedAt: at, text: '两镇试点运行正常', source: 'cli' } });
    await prisma.task.update({ where: { id: t.id }, data: { lastReportAt: at } });

    const file = path.join(tempDir(), '台账导出.xlsx');
    const counts = await exportLedger(prisma, a.id, file, { today: '2026-11-21', calendar });
    expect(counts).toMatchObject({ tasks: 18, units: 12, people: 38, milestones: 9 });

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['单位', '人员', '台账', '节点']);
    const sheet = wb.getWorksheet('台账')!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(expect.arrayContaining(['督办等级', '督办说明', '最新进展', '最新进展时间']));
    const row = (code: string) => {
      let found: ExcelJS.Row | undefined;
      sheet.eachRow((r) => { if (r.getCell(1).value === code) found = r; });
      return found!;
    };
    const col = (h: string) => headers.indexOf(h) + 1;
    expect(row('QY-2026-001').getCell(col('最新进展')).value).toBe('两镇试点运行正常');
    expect(row('QY-2026-001').getCell(col('最新进展时间')).value).toBe('2026-11-20 10:00');
    expect(row('QY-2026-002').getCell(col('督办等级')).value).toBe('红色');
    expect(String(row('QY-2026-002').getCell(col('督办说明')).value)).toContain('已逾期');

    // Round trip: into a fresh tenant gives the same ledger; into the same one changes nothing.
    const b = await ensureTenant(prisma, 'export-b');
    const back = await importLedger(prisma, b.id, [file]);
    if (!back.ok) throw new Error(JSON.stringify(back.problems));
    expect(await portable(prisma, b.id)).toEqual(await portable(prisma, a.id));
    const same = await importLedger(prisma, a.id, [file]);
    if (!same.ok) throw new Error(JSON.stringify(same.problems));
    expect([same.result.tasks.updated, same.result.people.updated, same.result.units.updated, same.result.milestones.updated]).toEqual([0, 0, 0, 0]);
  });

  it('adds a 试点台账 sheet when the ledger has pilots (task code, level, 批准单位, stage, dates); import skips it; a unit gets its own pilots', async () => {
    const { prisma } = ctx();
    const a = await ensureTenant(prisma, 'export-pilots');
    expect((await importLedger(prisma, a.id, [DEMO_WORKBOOK])).ok).toBe(true);
    const none = path.join(tempDir(), '无试点.xlsx');
    expect((await exportLedger(prisma, a.id, none, { today: '2026-11-21', calendar })).pilots).toBe(0);
    const noneWb = new ExcelJS.Workbook();
    await noneWb.xlsx.readFile(none);
    expect(noneWb.worksheets.map((w) => w.name)).toEqual(['单位', '人员', '台账', '节点']);

    const task = (code: string) => prisma.task.findFirstOrThrow({ where: { tenantId: a.id, codeKey: code } });
    const t10 = await task('QY-2026-010');
    const t9 = await task('QY-2026-009');
    await prisma.pilot.create({ data: { tenantId: a.id, taskId: t10.id, level: '省级', approvingBody: '省数据局', stage: '已获批', approvedOn: '2026-09-01', documents: '批复文件', stageChangedAt: new Date('2026-09-01T02:00:00Z'), createdAt: new Date('2026-08-01T02:00:00Z') } });
    await prisma.pilot.create({ data: { tenantId: a.id, taskId: t9.id, level: '市级', approvingBody: null, stage: '争取中', createdAt: new Date('2026-10-08T01:30:00Z') } });

    const file = path.join(tempDir(), '含试点.xlsx');
    expect((await exportLedger(prisma, a.id, file, { today: '2026-11-21', calendar })).pilots).toBe(2);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['单位', '人员', '台账', '节点', '试点台账']);
    const rows = wb.getWorksheet('试点台账')!.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual(['编号', '改革事项', '牵头单位', '试点级别', '批准单位', '试点阶段', '获批日期', '阶段变更时间', '申报/批复材料', '对接情况', '登记时间']);
    // Natural code order; empty cells stay empty.
    expect(rows[1]!.slice(0, 1).concat(rows[1]!.slice(2, 6))).toEqual(['QY-2026-009', '城关街道', '市级', undefined, '争取中']);
    expect(rows[1]![10]).toBe('2026-10-08 09:30');
    expect(rows[2]).toEqual(['QY-2026-010', t10.title, expect.any(String), '省级', '省数据局', '已获批', '2026-09-01', '2026-09-01 10:00', '批复文件', undefined, '2026-08-01 10:00']);

    // The importer does not read it: a round trip still gives the same ledger, and says why the sheet was skipped.
    const b = await ensureTenant(prisma, 'export-pilots-b');
    const back = await importLedger(prisma, b.id, [file]);
    if (!back.ok) throw new Error(JSON.stringify(back.problems));
    expect(await portable(prisma, b.id)).toEqual(await portable(prisma, a.id));
    expect(await prisma.pilot.count({ where: { tenantId: b.id } })).toBe(0);
    expect(back.report.sheets.find((r) => r.sheet === '试点台账')).toMatchObject({ readAs: '未读取', note: expect.stringContaining('导入时不读取') });
    expect(back.problems.filter((p) => p.sheet === '试点台账')).toEqual([]);

    // One unit's export: only the pilots of the tasks it leads or co-operates on (城关街道 leads 009
    // and co-operates on 010; 县行政审批服务局 leads 010; 县教育局 has neither: no sheet).
    const unitExport = async (name: string) => {
      const unit = await prisma.unit.findFirstOrThrow({ where: { tenantId: a.id, name } });
      return (await exportLedger(prisma, a.id, path.join(tempDir(), `${name}.xlsx`), { today: '2026-11-21', calendar, unitId: unit.id })).pilots;
    };
    expect(await unitExport('城关街道')).toBe(2);
    expect(await unitExport('县行政审批服务局')).toBe(1);
    expect(await unitExport('县教育局')).toBe(0);
  });
});
