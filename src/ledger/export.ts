// `taizhang export`: the ledger as the office would print it — the import sheets plus each task's
// supervision colour and latest progress. The extra columns are ignored on import, so an exported
// file imports back unchanged. The workbook is streamed to the file row by row (ExcelJS's
// WorkbookWriter): an in-memory workbook of 100,000 tasks took 2.4 GB.
import { loopHistory } from '../loop/history.js';
import ExcelJS from 'exceljs';
import type { Db } from '../db/client.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDateTime } from '../core/dates.js';
import { LEVEL_LABELS, ROLE_LABELS, type IsoDate, type Role, type SupervisionLevel } from '../core/types.js';
import { computeSupervision, DEFAULT_THRESHOLDS, type SupervisionThresholds } from '../core/supervision.js';
import { loadLedgerTasks } from './overview.js';
import { compareCodes as naturalCompare } from './import/parsers.js';

const PAGE = 1_000;
/** The 台账 sheet's columns. 分组 and 时限原文 read back as section and 完成时限 as written. */
export const TASK_HEADERS = [
  '编号', '序号', '分组', '改革事项', '类别', '批次', '领衔领导', '牵头单位', '配合单位', '责任人', '成果形式', '实施路径', '开始时间',
  '完成时限', '时限原文', '状态', '完成日期', '销号日期', '备注', '督办等级', '督办说明', '最新进展', '最新进展时间', '来源', '风控审查',
] as const;

const LEVEL_FILL: Record<SupervisionLevel, string | null> = { none: null, blue: 'FFBDD7EE', yellow: 'FFFFE699', red: 'FFF4B6B6' };

export async function exportLedger(
  db: Db,
  tenantId: number,
  file: string,
  opts: { today: IsoDate; calendar: WorkingCalendar; thresholds?: SupervisionThresholds; unitId?: number },
): Promise<{ tasks: number; units: number; people: number; milestones: number; pilots: number }> {
  // One unit's export: its tasks (lead or co-operating), the units they name and the unit's own
  // people and the tasks' lead leaders — not the whole county's directory.
  const scope = opts.unitId !== undefined ? await unitScope(db, tenantId, opts.unitId) : undefined;
  // 兼职: each active further unit is a row of its own, after everyone (the sheet's way to say it).
  const partTime = await db.personUnit.findMany({
    where: { tenantId, active: true, ...(scope ? { unitId: opts.unitId! } : {}) },
    include: { unit: { select: { name: true } } }, orderBy: { id: 'asc' },
  });
  const [units, people, primaryUnits] = await Promise.all([
    db.unit.findMany({ where: { tenantId, ...(scope ? { id: { in: scope.unitIds } } : {}) }, orderBy: { id: 'asc' } }),
    db.person.findMany({ where: { tenantId, ...(scope ? { OR: [{ unitId: opts.unitId! }, { id: { in: [...scope.leaderIds, ...partTime.map((x) => x.personId)] } }] } : {}) }, orderBy: { id: 'asc' } }),
    db.unit.findMany({ where: { tenantId }, select: { id: true, name: true } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  /** A 兼职 person's primary unit may lie outside a unit's export. */
  const anyUnitName = new Map(primaryUnits.map((u) => [u.id, u.name]));
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
    p.addRow([x.name, x.unitId ? anyUnitName.get(x.unitId) : null, roles, x.mobile, x.email, x.openId]).commit();
  }
  const byId = new Map(people.map((x) => [x.id, x]));
  for (const pu of partTime) {
    const x = byId.get(pu.personId);
    if (!x?.active || pu.unitId === x.unitId) continue;
    const roles = pu.roles.split(',').filter(Boolean).map((r) => ROLE_LABELS[r as Role] ?? r).join('、');
    p.addRow([x.name, pu.unit.name, roles, x.mobile, x.email, x.openId]).commit();
  }
  p.commit();
  const t = sheet(
    '台账',
    [...TASK_HEADERS],
    [14, 6, 20, 36, 12, 8, 12, 18, 22, 8, 20, 24, 11, 14, 16, 8, 11, 11, 16, 8, 36, 40, 16, 20, 40],
  );
  const col = (h: (typeof TASK_HEADERS)[number]) => TASK_HEADERS.indexOf(h) + 1;
  // Codes in natural order (QY-2026-2 before QY-2026-10), a page at a time: a page's tasks, their
  // other columns and latest reports are written and dropped before the next page is read; only
  // the milestone rows wait for their sheet.
  const unitFilter = opts.unitId !== undefined
    ? { OR: [{ leadUnitId: opts.unitId }, { leadUnits: { some: { unitId: opts.unitId } } }, { coUnits: { some: { unitId: opts.unitId } } }] }
    : {};
  const order = (await db.task.findMany({ where: { tenantId, ...unitFilter }, select: { id: true, code: true } })).sort((a, b) => naturalCompare(a.code, b.code) || a.id - b.id).map((x) => x.id);
  let taskCount = 0;
  const milestoneRows: [string, string, string, string | null][] = [];
  for (let i = 0; i < order.length; i += PAGE) {
    const ids = order.slice(i, i + PAGE);
    const loaded = new Map((await loadLedgerTasks(db, tenantId, { taskIds: ids })).map((x) => [x.id, x]));
    const page = ids.map((id) => loaded.get(id)!).filter(Boolean);
    const extra = new Map(
      (await db.task.findMany({
        where: { id: { in: ids } },
        select: {
          id: true, batch: true, deliverable: true, implementationPath: true, section: true, serialNo: true, dueAsWritten: true, longTerm: true, remark: true,
          leadUnits: { select: { unitId: true, position: true } }, collectives: { select: { name: true, position: true } },
        },
      })).map((x) => [x.id, x]),
    );
    const latest = await latestReports(db, page.filter((x) => x.lastReportAt).map((x) => ({ id: x.id, at: x.lastReportAt! })));
    const loop = await loopHistory(db, tenantId, ids); // 改革闭环: origin and 风控审查
    for (const x of page) {
      const e = extra.get(x.id)!;
      const report = latest.get(x.id);
      const supervision = computeSupervision(x, opts.today, opts.calendar, opts.thresholds ?? DEFAULT_THRESHOLDS);
      const byPos = <T extends { position: number }>(rows: T[]) => [...rows].sort((a, b) => a.position - b.position);
      const leads = [x.leadUnitId, ...byPos(e.leadUnits).map((l) => l.unitId)].map((id) => unitName.get(id));
      const cos = [...x.coUnitIds.map((id) => unitName.get(id)), ...byPos(e.collectives).map((c) => c.name)];
      // 完成时限: the date (or the words of a 长期事项); 时限原文 keeps how the ledger wrote it.
      const due = e.longTerm ? e.dueAsWritten ?? '长期' : x.deadline ?? e.dueAsWritten;
      const values: Record<(typeof TASK_HEADERS)[number], unknown> = {
        编号: x.code, 序号: e.serialNo, 分组: e.section, 改革事项: x.title, 类别: x.category, 批次: e.batch,
        领衔领导: x.leadLeaderIds.map((id) => personName.get(id)).join('、') || null,
        牵头单位: leads.join('、'), 配合单位: cos.join('、') || null, 责任人: x.ownerName,
        成果形式: e.deliverable, 实施路径: e.implementationPath, 开始时间: x.startDate, 完成时限: due,
        时限原文: !e.longTerm && x.deadline && e.dueAsWritten ? e.dueAsWritten : null,
        状态: x.status, 完成日期: x.completedOn, 销号日期: x.closedOn, 备注: e.remark,
        督办等级: LEVEL_LABELS[supervision.level], 督办说明: supervision.reasons.join('；') || null,
        最新进展: report?.text ?? null, 最新进展时间: report ? shanghaiDateTime(report.reportedAt) : null,
        来源: loop.get(x.id)?.origin ?? null, 风控审查: loop.get(x.id)?.risk ?? null, // 改革闭环
      };
      const row = t.addRow(TASK_HEADERS.map((h) => values[h]));
      const fill = LEVEL_FILL[supervision.level];
      if (fill) row.getCell(col('督办等级')).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
      row.commit();
      for (const ms of x.milestones) milestoneRows.push([x.code, ms.title, ms.dueDate, ms.doneDate ?? null]);
    }
    taskCount += page.length;
  }
  t.commit();
  const m = sheet('节点', ['编号', '节点名称', '完成时限', '完成日期'], [14, 36, 11, 11]);
  for (const r of milestoneRows) m.addRow(r).commit();
  m.commit();
  // 试点台账 (issue 16): only when the ledger has pilots. The importer skips this sheet by name
  // (import/sheets.ts EXPORT_ONLY_SHEETS): pilots are registered in the chat, not imported.
  const pilots = await pilotRows(db, tenantId, opts.unitId);
  if (pilots.length) {
    const ps = sheet(PILOT_SHEET, [...PILOT_HEADERS], [14, 36, 16, 8, 22, 10, 11, 17, 36, 30, 17]);
    for (const r of pilots) ps.addRow(r).commit();
    ps.commit();
  }
  await wb.commit();
  return { tasks: taskCount, units: units.length, people: people.length, milestones: milestoneRows.length, pilots: pilots.length };
}

export const PILOT_SHEET = '试点台账';
export const PILOT_HEADERS = ['编号', '改革事项', '牵头单位', '试点级别', '批准单位', '试点阶段', '获批日期', '阶段变更时间', '申报/批复材料', '对接情况', '登记时间'] as const;

/** One row per pilot, in task-code order; a unit's export: the pilots of the tasks it leads or co-operates on. */
async function pilotRows(db: Db, tenantId: number, unitId?: number): Promise<(string | null)[][]> {
  const pilots = await db.pilot.findMany({ where: { tenantId }, orderBy: { id: 'asc' } });
  if (!pilots.length) return [];
  const tasks = await db.task.findMany({
    where: {
      tenantId, id: { in: pilots.map((p) => p.taskId) },
      ...(unitId !== undefined ? { OR: [{ leadUnitId: unitId }, { leadUnits: { some: { unitId } } }, { coUnits: { some: { unitId } } }] } : {}),
    },
    select: { id: true, code: true, title: true, leadUnit: { select: { name: true } } },
  });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return pilots
    .filter((p) => byId.has(p.taskId))
    .sort((a, b) => naturalCompare(byId.get(a.taskId)!.code, byId.get(b.taskId)!.code))
    .map((p) => {
      const t = byId.get(p.taskId)!;
      return [t.code, t.title, t.leadUnit.name, p.level, p.approvingBody, p.stage, p.approvedOn, p.stageChangedAt ? shanghaiDateTime(p.stageChangedAt) : null, p.documents || null, p.contacts || null, shanghaiDateTime(p.createdAt)];
    });
}

/** The units and lead leaders one unit's tasks name (the unit itself included). */
async function unitScope(db: Db, tenantId: number, unitId: number): Promise<{ unitIds: number[]; leaderIds: number[] }> {
  const tasks = await db.task.findMany({
    where: { tenantId, OR: [{ leadUnitId: unitId }, { leadUnits: { some: { unitId } } }, { coUnits: { some: { unitId } } }] },
    select: { leadUnitId: true, leadUnits: { select: { unitId: true } }, coUnits: { select: { unitId: true } }, leadLeaders: { select: { personId: true } } },
  });
  const unitIds = new Set([unitId]);
  const leaderIds = new Set<number>();
  for (const t of tasks) {
    unitIds.add(t.leadUnitId);
    for (const l of t.leadUnits) unitIds.add(l.unitId);
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
