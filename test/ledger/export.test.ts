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
});
