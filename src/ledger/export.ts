// `taizhang export`: the ledger as the office would print it — the import sheets plus each task's
// supervision colour and latest progress. The extra columns are ignored on import, so an exported
// file imports back unchanged. The workbook is streamed to the file row by row (ExcelJS's
// WorkbookWriter): an in-memory workbook of 100,000 tasks took 2.4 GB.
import ExcelJS from 'exceljs';
import type { Db } from '../db/client.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDateTime } from '../core/dates.js';
import { LEVEL_LABELS, ROLE_LABELS, type IsoDate, type Role, type SupervisionLevel } from '../core/types.js';
import { computeSupervision, DEFAULT_THRESHOLDS, type SupervisionThresholds } from '../core/supervision.js';
import { ledgerTaskPages } from './overview.js';

const LEVEL_FILL: Record<SupervisionLevel, string | null> = { none: null, blue: 'FFBDD7EE', yellow: 'FFFFE699', red: 'FFF4B6B6' };

export async function exportLedger(
  db: Db,
  tenantId: number,
  file: string,
  opts: { today: IsoDate; calendar: WorkingCalendar; thresholds?: SupervisionThresholds; unitId?: number },
): Promise<{ tasks: number; units: number; people: number; milestones: number }> {
  // One unit's export: its tasks (lead or co-operating), the units they name and the unit's own
  // people and the tasks' lead leaders — not the whole county's directory.
  const scope = opts.unitId !== undefined ? await unitScope(db, tenantId, opts.unitId) : undefined;
  const [units, people] = await Promise.all([
    db.unit.findMany({ where: { tenantId, ...(scope ? { id: { in: scope.unitIds } } : {}) }, orderBy: { id: 'asc' } }),
    db.person.findMany({ where: { tenantId, ...(scope ? { OR: [{ unitId: opts.unitId! }, { id: { in: scope.leaderIds } }] } : {}) }, orderBy: { id: 'asc' } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const personName = new Map(people.map((p) => [p.id, p.name]));

  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  wb.creator = 'Taizhang';
  const sheet = (name: string, headers: string[], widths: number[]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headers.map((_, i) => ({ width: widths[i] ?? 14 }));
    const head = ws.addRow(headers);
    head.font = { bold: true };
    head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    head.commit();
    return ws;
  };
  const u = sheet('单位', ['单位名称', '类型', '上级单位', '工作群ID'], [20, 8, 20, 24]);
  for (const x of units) u.addRow([x.name, x.kind, x.parentId ? unitName.get(x.parentId) : null, x.chatId]).commit();
  u.commit();
  const p = sheet('人员', ['姓名', '单位', '角色', '手机', '邮箱', '飞书ID'], [10, 20, 22, 14, 22, 26]);
  for (const x of people) {
    const roles = x.roles.split(',').filter(Boolean).map((r) => ROLE_LABELS[r as Role] ?? r).join('、');
    p.addRow([x.name, x.unitId ? unitName.get(x.unitId) : null, roles, x.mobile, x.email, x.openId]).commit();
  }
  p.commit();
  const t = sheet(
    '台账',
    ['编号', '改革事项', '类别', '批次', '领衔领导', '牵头单位', '配合单位', '责任人', '成果形式', '实施路径', '开始时间', '完成时限', '状态', '完成日期', '销号日期', '督办等级', '督办说明', '最新进展', '最新进展时间'],
    [14, 36, 12, 8, 12, 18, 22, 8, 20, 24, 11, 11, 8, 11, 11, 8, 36, 40, 16],
  );
  // Page by page (code order): a page's tasks, their other columns and latest reports are written
  // and dropped before the next page is read; only the milestone rows wait for their sheet.
  let taskCount = 0;
  const milestoneRows: [string, string, string, string | null][] = [];
  for await (const page of ledgerTaskPages(db, tenantId, opts.unitId !== undefined ? { unitId: opts.unitId } : {})) {
    const ids = page.map((x) => x.id);
    const extra = new Map(
      (await db.task.findMany({ where: { id: { in: ids } }, select: { id: true, batch: true, deliverable: true, implementationPath: true } })).map((x) => [x.id, x]),
    );
    const latest = await latestReports(db, page.filter((x) => x.lastReportAt).map((x) => ({ id: x.id, at: x.lastReportAt! })));
    for (const x of page) {
      const e = extra.get(x.id)!;
      const report = latest.get(x.id);
      const supervision = computeSupervision(x, opts.today, opts.calendar, opts.thresholds ?? DEFAULT_THRESHOLDS);
      const row = t.addRow([
        x.code, x.title, x.category, e.batch, x.leadLeaderIds.map((id) => personName.get(id)).join('、') || null,
        unitName.get(x.leadUnitId), x.coUnitIds.map((id) => unitName.get(id)).join('、') || null, x.ownerName,
        e.deliverable, e.implementationPath, x.startDate, x.deadline, x.status, x.completedOn, x.closedOn,
        LEVEL_LABELS[supervision.level], supervision.reasons.join('；') || null,
        report?.text ?? null, report ? shanghaiDateTime(report.reportedAt) : null,
      ]);
      const fill = LEVEL_FILL[supervision.level];
      if (fill) row.getCell(16).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
      row.commit();
      for (const ms of x.milestones) milestoneRows.push([x.code, ms.title, ms.dueDate, ms.doneDate ?? null]);
    }
    taskCount += page.length;
  }
  t.commit();
  const m = sheet('节点', ['编号', '节点名称', '完成时限', '完成日期'], [14, 36, 11, 11]);
  for (const r of milestoneRows) m.addRow(r).commit();
  m.commit();
  await wb.commit();
  return { tasks: taskCount, units: units.length, people: people.length, milestones: milestoneRows.length };
}

/** The units and lead leaders one unit's tasks name (the unit itself included). */
async function unitScope(db: Db, tenantId: number, unitId: number): Promise<{ unitIds: number[]; leaderIds: number[] }> {
  const tasks = await db.task.findMany({
    where: { tenantId, OR: [{ leadUnitId: unitId }, { coUnits: { some: { unitId } } }] },
    select: { leadUnitId: true, coUnits: { select: { unitId: true } }, leadLeaders: { select: { personId: true } } },
  });
  const unitIds = new Set([unitId]);
  const leaderIds = new Set<number>();
  for (const t of tasks) {
    unitIds.add(t.leadUnitId);
    for (const c of t.coUnits) unitIds.add(c.unitId);
    for (const l of t.leadLeaders) leaderIds.add(l.personId);
  }
  return { unitIds: [...unitIds], leaderIds: [...leaderIds] };
}

/** The latest report of each task, found through the denormalised Task.lastReportAt. */
async function latestReports(db: Db, tasks: { id: number; at: Date }[]) {
  const out = new Map<number, { text: string; reportedAt: Date }>();
  for (let i = 0; i < tasks.length; i += 200) {
    const chunk = tasks.slice(i, i + 200);
    const rows = await db.progressReport.findMany({
      where: { withdrawnAt: null, OR: chunk.map((c) => ({ taskId: c.id, reportedAt: c.at })) },
      select: { taskId: true, text: true, reportedAt: true, id: true },
      orderBy: { id: 'asc' },
    });
    for (const r of rows) out.set(r.taskId, { text: r.text, reportedAt: r.reportedAt });
  }
  return out;
}
