// The ledger as the rules see it: tasks loaded as plain snapshots (no report scans: the last report
// is denormalised on Task) and their supervision colours for a given day.
import type { DbOrTx } from '../db/client.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDate } from '../core/dates.js';
import { computeSupervision, DEFAULT_THRESHOLDS, type SupervisionResult, type SupervisionThresholds, type TaskSnapshot } from '../core/supervision.js';
import type { IsoDate, TaskStatus } from '../core/types.js';

export interface LedgerTask extends TaskSnapshot {
  id: number;
  code: string;
  title: string;
  category: string;
  leadUnitId: number;
  leadLeaderIds: number[];
  coUnitIds: number[];
  ownerName: string | null;
  completedOn: IsoDate | null;
  closedOn: IsoDate | null;
  lastReportAt: Date | null;
  weight: number;
}

export interface TaskFilter {
  unitId?: number;
  taskIds?: number[];
  openOnly?: boolean;
  /** Only tasks whose stored colour is not for this day (see levels.ts). */
  staleFor?: IsoDate;
  /** Paging by id: tasks with id > afterId, at most `take`. */
  afterId?: number;
  take?: number;
}

export interface LoadOptions {
  /** Load co-units (not needed for colours and rates). Default true. */
  coUnits?: boolean;
  /** Load milestones already done (colours only look at unfinished ones). Default true. */
  doneMilestones?: boolean;
}

const OPEN: TaskStatus[] = ['待签收', '推进中', '有异议', '已调整'];

export async function loadLedgerTasks(db: DbOrTx, tenantId: number, filter: TaskFilter = {}, load: LoadOptions = {}): Promise<LedgerTask[]> {
  const where = {
    tenantId,
    ...(filter.unitId !== undefined ? { OR: [{ leadUnitId: filter.unitId }, { coUnits: { some: { unitId: filter.unitId } } }] } : {}),
    ...(filter.taskIds ? { id: { in: filter.taskIds } } : {}),
    ...(filter.openOnly ? { status: { in: OPEN } } : {}),
    ...(filter.staleFor ? { AND: [{ OR: [{ levelOn: null }, { levelOn: { not: filter.staleFor } }] }] } : {}),
    ...(filter.afterId !== undefined ? { id: { gt: filter.afterId } } : {}),
  };
  const tasks = await db.task.findMany({
    where,
    select: {
      id: true, code: true, title: true, category: true, status: true, leadUnitId: true, ownerName: true, startDate: true,
      deadline: true, completedOn: true, closedOn: true, lastReportAt: true, lastPercent: true, createdAt: true, weight: true,
    },
    orderBy: filter.take !== undefined ? { id: 'asc' } : { codeKey: 'asc' },
    ...(filter.take !== undefined ? { take: filter.take } : {}),
  });
  if (tasks.length === 0) return [];
  // A small page: fetch its relations by id (under SQLite's parameter limit); the whole ledger:
  // by the same filter, which avoids thousands of parameters.
  const byId = tasks.length <= 900;
  const relWhere = byId ? { taskId: { in: tasks.map((t) => t.id) } } : { task: where };
  const [leaders, coUnits, milestones] = await Promise.all([
    db.taskLeadLeader.findMany({ where: relWhere, select: { taskId: true, personId: true } }),
    load.coUnits === false ? Promise.resolve([]) : db.taskCoUnit.findMany({ where: relWhere, select: { taskId: true, unitId: true } }),
    db.milestone.findMany({
      where: { ...relWhere, ...(load.doneMilestones === false ? { doneDate: null } : {}) },
      select: { taskId: true, title: true, dueDate: true, doneDate: true },
      orderBy: { dueDate: 'asc' },
    }),
  ]);
  const group = <T extends { taskId: number }>(rows: T[]) => {
    const m = new Map<number, T[]>();
    for (const r of rows) {
      let list = m.get(r.taskId);
      if (!list) m.set(r.taskId, (list = []));
      list.push(r);
    }
    return m;
  };
  const leadersBy = group(leaders);
  const coBy = group(coUnits);
  const msBy = group(milestones);
  return tasks.map((t) => ({
    id: t.id, code: t.code, title: t.title, category: t.category, status: t.status as TaskStatus, leadUnitId: t.leadUnitId,
    leadLeaderIds: (leadersBy.get(t.id) ?? []).map((l) => l.personId),
    coUnitIds: (coBy.get(t.id) ?? []).map((c) => c.unitId),
    ownerName: t.ownerName, startDate: t.startDate, deadline: t.deadline, completedOn: t.completedOn, closedOn: t.closedOn,
    milestones: (msBy.get(t.id) ?? []).map((m) => ({ title: m.title, dueDate: m.dueDate, doneDate: m.doneDate })),
    lastReportAt: t.lastReportAt, lastReportOn: t.lastReportAt ? shanghaiDate(t.lastReportAt) : null, lastPercent: t.lastPercent,
    createdOn: shanghaiDate(t.createdAt), weight: t.weight,
  }));
}

export interface TaskWithLevel extends LedgerTask {
  supervision: SupervisionResult;
}

export function withSupervision(
  tasks: LedgerTask[],
  today: IsoDate,
  calendar: WorkingCalendar,
  thresholds: SupervisionThresholds = DEFAULT_THRESHOLDS,
): TaskWithLevel[] {
  return tasks.map((t) => ({ ...t, supervision: computeSupervision(t, today, calendar, thresholds) }));
}
