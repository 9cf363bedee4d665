// Issue 11 (import details) and the export round trip of a published ledger (issue 12).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { publishedWorkbook, tempDir } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { ImportReadError, MAX_ROWS, decodeCsv } from '../../src/ledger/import/read.js';
import { formatProblem } from '../../src/ledger/import/validate.js';
import { exportLedger } from '../../src/ledger/export.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import type { Db } from '../../src/db/client.js';

const CSV_ROWS = [
  ['编号', '改革事项', '牵头单位', '领衔领导', '完成时限'],
  ['T-1', '推进一项改革', '县财政局', '陆明\n俞悦', '2026年6月底前'],
];
const csvText = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');

async function workbook(build: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('台账'), wb);
  const file = path.join(tempDir(), 'details.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

async function portable(db: Db, tenantId: number) {
  const tasks = await db.task.findMany({
    where: { tenantId }, orderBy: { codeKey: 'asc' },
    include: { leadUnit: true, leadUnits: { include: { unit: true }, orderBy: { position: 'asc' } }, collectives: { orderBy: { position: 'asc' } }, coUnits: { include: { unit: true } }, leadLeaders: { include: { person: true }, orderBy: { position: 'asc' } } },
  });
  return tasks.map((t) => ({
    code: t.code, title: t.title, serialNo: t.serialNo, section: t.section, deadline: t.deadline, dueAsWritten: t.dueAsWritten, longTerm: t.longTerm,
    remark: t.remark, deliverable: t.deliverable, leads: [t.leadUnit.name, ...t.leadUnits.map((l) => l.unit.name)], cos: t.coUnits.map((c) => c.unit.name).sort(),
    collectives: t.collectives.map((c) => c.name), leaders: t.leadLeaders.map((l) => l.person.name),
  }));
}

describeEachDatabase('import details', (ctx) => {
  it('maps headers that differ by a line break, NBSP, zero-width space or an annotation; a line break separates leaders', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'details-headers');
    const file = await workbook((ws) => {
      ws.addRow(['编\n号', '改革\u00a0事项', '牵头\u200b单位', '领衔领导：', '完成时限（年月日）']);
      ws.addRow(['T-1', '推进一项改革', '县财政局', '陆明\n俞悦', new Date(Date.UTC(2026, 11, 15, 17, 30))]);
    });
    const out = await importLedger(prisma, tenant.id, [file], { importYear: 2026 });
    if (!out.ok) throw new Error(out.problems.map(formatProblem).join('\n'));
    expect(out.report.tables[0]!.unrecognised).toEqual([]);
    const [t] = await portable(prisma, tenant.id);
    expect(t).toMatchObject({ code: 'T-1', leads: ['县财政局'], leaders: ['陆明', '俞悦'], deadline: '2026-12-15' });
  });

  it('reports a formula without a cached result and stores nothing for it', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'details-formula');
    const file = await workbook((ws) => {
      ws.addRow(['序号', '重点任务', '牵头单位', '成果形式']);
      ws.addRow([1, '推进一项改革', '县财政局', { formula: 'A1&"x"' } as ExcelJS.CellValue]);
    });
    const out = await importLedger(prisma, tenant.id, [file], { importYear: 2026 });
    if (!out.ok) throw new Error(out.problems.map(formatProblem).join('\n'));
    expect(out.problems.map(formatProblem)).toEqual([expect.stringMatching(/^提示 「台账」第 2 行「D」列：公式单元格没有计算结果/)]);
    const task = await prisma.task.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(task.deliverable).toBeNull();
  });

  it('decodes UTF-8 (with or without BOM), GBK and UTF-16 CSV, and names an encoding it cannot read', async () => {
    const { prisma } = ctx();
    const text = csvText(CSV_ROWS);
    const encodings: [string, Buffer][] = [
      ['utf8', Buffer.from(text, 'utf8')],
      ['utf8-bom', Buffer.from('\ufeff' + text, 'utf8')],
      ['gbk', iconv.encode(text, 'gbk')],
      ['gbk-after-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode(text, 'gbk')])],
      ['utf16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['utf16be', iconv.encode('\ufeff' + text, 'utf16-be')],
    ];
    for (const [name, bytes] of encodings) {
      const dir = tempDir();
      writeFileSync(path.join(dir, '台账.csv'), bytes);
      const tenant = await ensureTenant(prisma, `details-csv-${name}`);
      const out = await importLedger(prisma, tenant.id, [dir], { importYear: 2026 });
      if (!out.ok) throw new Error(`${name}: ${out.problems.map(formatProblem).join('\n')}`);
      expect([name, ...(await portable(prisma, tenant.id)).map((t) => [t.title, t.leads[0], t.leaders.join('、'), t.deadline])]).toEqual([name, ['推进一项改革', '县财政局', '陆明、俞悦', '2026-06-30']]);
    }
    expect(() => decodeCsv(Buffer.from([0x81, 0x20, 0xff, 0xff, 0x81]), '坏.csv')).toThrow(/编码无法识别/);
  });

  it('refuses an oversized sheet quickly, with a Chinese message', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'details-cap');
    const dir = tempDir();
    const lines = ['序号,重点任务,牵头单位'];
    for (let i = 0; i <= MAX_ROWS; i++) lines.push(`${i},任务${i},县财政局`);
    writeFileSync(path.join(dir, '台账.csv'), lines.join('\n'));
    const xlsx = path.join(dir, 'big.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx });
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['序号', '重点任务', '牵头单位']).commit();
    for (let i = 0; i <= MAX_ROWS + 10; i++) ws.addRow([i, `任务第${i}项：推进某领域改革`, '县财政局']).commit();
    ws.commit();
    await wb.commit();
    for (const source of [path.join(dir, '台账.csv'), xlsx]) {
      const started = performance.now();
      await expect(importLedger(prisma, tenant.id, [source])).rejects.toThrow(ImportReadError);
      await expect(importLedger(prisma, tenant.id, [source])).rejects.toThrow(/超过导入上限/);
      // Refused before the workbook is loaded (a full load of this file takes far longer); generous for a loaded machine.
      expect(performance.now() - started).toBeLessThan(30_000);
    }
    expect(await prisma.task.count({ where: { tenantId: tenant.id } })).toBe(0);
  }, 180_000);

  it('round-trips a published ledger through export: codes, sections, 序号, deadlines as written, joint leads, collectives, leaders in order', async () => {
    const { prisma } = ctx();
    const a = await ensureTenant(prisma, 'details-export-a');
    const first = await importLedger(prisma, a.id, [await publishedWorkbook()], { importYear: 2026 });
    if (!first.ok) throw new Error(first.problems.map(formatProblem).join('\n'));
    const file = path.join(tempDir(), '导出.xlsx');
    await exportLedger(prisma, a.id, file, { today: '2026-11-21', calendar: createWorkingCalendar() });

    const same = await importLedger(prisma, a.id, [file], { importYear: 2026 });
    if (!same.ok) throw new Error(same.problems.map(formatProblem).join('\n'));
    expect(same.result.tasks).toMatchObject({ created: 0, updated: 0 });
    expect(same.report.matches.every((m) => m.matchedBy === '编号')).toBe(true);

    const b = await ensureTenant(prisma, 'details-export-b');
    const back = await importLedger(prisma, b.id, [file], { importYear: 2030 });
    if (!back.ok) throw new Error(back.problems.map(formatProblem).join('\n'));
    expect(await portable(prisma, b.id)).toEqual(await portable(prisma, a.id));
  });

  it('exports codes in natural order (2 before 10)', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'details-natural');
    const file = await workbook((ws) => {
      ws.addRow(['编号', '改革事项', '牵头单位']);
      for (const n of [10, 2, 1, 21, 3]) ws.addRow([`X-2026-${n}`, `事项${n}`, '县财政局']);
    });
    const out = await importLedger(prisma, tenant.id, [file]);
    if (!out.ok) throw new Error(out.problems.map(formatProblem).join('\n'));
    const exported = path.join(tempDir(), 'natural.xlsx');
    await exportLedger(prisma, tenant.id, exported, { today: '2026-11-21', calendar: createWorkingCalendar() });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(exported);
    const codes: unknown[] = [];
    wb.getWorksheet('台账')!.eachRow((r, n) => { if (n > 1) codes.push(r.getCell(1).value); });
    expect(codes).toEqual(['X-2026-1', 'X-2026-2', 'X-2026-3', 'X-2026-10', 'X-2026-21']);
  });
});
