// The ledger as the rules see it: tasks loaded as plain snapshots (no report scans: the last report
// is denormalised on Task) and their supervision colours for a given day.
import { Prisma } from '../generated/prisma-sqlite/client.js';
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
  /** 联合牵头: the other lead units, in order. */
  jointLeadUnitIds?: number[];
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
  /** Tasks led by or co-operated on by any of these units (a person's units, 兼职 included). */
  unitIds?: readonly number[];
  taskIds?: number[];
  openOnly?: boolean;
  /** Only these statuses (instead of openOnly). */
  statuses?: readonly TaskStatus[];
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

/**
 * Tasks per query. A load of the whole (filtered) ledger goes page by page — keyset on codeKey, the
 * order callers get — so a 100,000-task load holds one page of database rows and Prisma result
 * objects at a time besides the snapshots it returns. A page's relations are selected by the same
 * filter and its codeKey range (no long id lists); a page asked for by id (`take`) by its ids.
 * 1,000 rather than 5,000: the export of 100,000 tasks peaked at 301 MB with 5,000, 281 MB with
 * 1,000, and the jobs over the whole ledger took no longer (bench:memory).
 */
const PAGE = 1_000;

export async function loadLedgerTasks(db: DbOrTx, tenantId: number, filter: TaskFilter = {}, load: LoadOptions = {}): Promise<LedgerTask[]> {
  const where = {
    ...taskWhere(tenantId, filter),
    ...(filter.afterId !== undefined ? { id: { gt: filter.afterId } } : {}),
  };
  // The caller pages by id (at most a few hundred: relations by id).
  if (filter.take !== undefined) return (await loadPage(db, where, { id: 'asc' }, filter.take, load, undefined)).tasks;
  const out: LedgerTask[] = [];
  for await (const page of pagesOf(db, where, load)) for (const t of page) out.push(t);
  return out;
}

/**
 * The (filtered) ledger in code order, a page (PAGE tasks) at a time, for callers that
 * need not hold all of it (the export of 100,000 tasks). `take`/`afterId` paging is not for this.
 */
export function ledgerTaskPages(db: DbOrTx, tenantId: number, filter: Omit<TaskFilter, 'afterId' | 'take'> = {}, load: LoadOptions = {}): AsyncGenerator<LedgerTask[]> {
  return pagesOf(db, taskWhere(tenantId, filter), load);
}

function taskWhere(tenantId: number, filter: TaskFilter) {
  return {
    tenantId,
    // A unit's tasks: those it leads (first or 联合牵头) and those it co-operates on.
    ...(filter.unitId !== undefined ? { OR: [{ leadUnitId: filter.unitId }, { leadUnits: { some: { unitId: filter.unitId } } }, { coUnits: { some: { unitId: filter.unitId } } }] } : {}),
    ...(filter.unitIds !== undefined ? { OR: [{ leadUnitId: { in: [...filter.unitIds] } }, { leadUnits: { some: { unitId: { in: [...filter.unitIds] } } } }, { coUnits: { some: { unitId: { in: [...filter.unitIds] } } } }] } : {}),
    ...(filter.taskIds ? { id: { in: filter.taskIds } } : {}),
    ...(filter.openOnly ? { status: { in: OPEN } } : {}),
    ...(filter.statuses ? { status: { in: [...filter.statuses] } } : {}),
    ...(filter.staleFor ? { AND: [{ OR: [{ levelOn: null }, { levelOn: { not: filter.staleFor } }] }] } : {}),
  };
}

async function* pagesOf(db: DbOrTx, where: TaskWhere, load: LoadOptions): AsyncGenerator<LedgerTask[]> {
  for (let after: string | undefined; ; ) {
    const pageWhere = after === undefined ? where : { ...where, codeKey: { gt: after } };
    const page = await loadPage(db, pageWhere, { codeKey: 'asc' }, PAGE, load, pageWhere);
    if (page.tasks.length > 0) yield page.tasks;
    if (page.tasks.length < PAGE) return;
    after = page.lastCodeKey;
  }
}

type TaskWhere = NonNullable<Parameters<DbOrTx['task']['findMany']>[0]>['where'];

/** One page of tasks; relations by `rangeWhere` up to the page's last codeKey, or by id. */
async function loadPage(
  db: DbOrTx,
  where: TaskWhere,
  orderBy: { id: 'asc' } | { codeKey: 'asc' },
  take: number,
  load: LoadOptions,
  rangeWhere: TaskWhere | undefined,
): Promise<{ tasks: LedgerTask[]; lastCodeKey: string | undefined }> {
  const tasks = await db.task.findMany({
    where,
    select: {
      id: true, code: true, codeKey: true, title: true, category: true, status: true, leadUnitId: true, ownerName: true, startDate: true,
      deadline: true, completedOn: true, closedOn: true, lastReportAt: true, lastPercent: true, createdAt: true, weight: true,
    },
    orderBy,
    take,
  });
  if (tasks.length === 0) return { tasks: [], lastCodeKey: undefined };
  const lastCodeKey = tasks[tasks.length - 1]!.codeKey;
  const [leaders, coUnits, milestones, jointLeads] = rangeWhere && tasks.length > 900
    ? await relationsInRange({ task: { AND: [rangeWhere, { codeKey: { lte: lastCodeKey } }] } })
    : await relationsOf(db, tasks.map((t) => t.id), load);
  async function relationsInRange(relWhere: { task: TaskWhere }) {
    return Promise.all([
      db.taskLeadLeader.findMany({ where: relWhere, select: { taskId: true, personId: true }, orderBy: [{ taskId: 'asc' }, { position: 'asc' }] }),
      load.coUnits === false ? Promise.resolve([]) : db.taskCoUnit.findMany({ where: relWhere, select: { taskId: true, unitId: true } }),
      db.milestone.findMany({
        where: { ...relWhere, ...(load.doneMilestones === false ? { doneDate: null } : {}) },
        select: { taskId: true, title: true, dueDate: true, doneDate: true },
        orderBy: { dueDate: 'asc' },
      }),
      db.taskLeadUnit.findMany({ where: relWhere, select: { taskId: true, unitId: true }, orderBy: [{ taskId: 'asc' }, { position: 'asc' }] }),
    ]);
  }
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
  const jointBy = group(jointLeads);
  const msBy = group(milestones);
  return {
    lastCodeKey,
    tasks: tasks.map((t) => ({
      id: t.id, code: t.code, title: t.title, category: t.category, status: t.status as TaskStatus, leadUnitId: t.leadUnitId,
      jointLeadUnitIds: (jointBy.get(t.id) ?? []).map((l) => l.unitId),
      leadLeaderIds: (leadersBy.get(t.id) ?? []).map((l) => l.personId),
      coUnitIds: (coBy.get(t.id) ?? []).map((c) => c.unitId),
      ownerName: t.ownerName, startDate: t.startDate, deadline: t.deadline, completedOn: t.completedOn, closedOn: t.closedOn,
      milestones: (msBy.get(t.id) ?? []).map((m) => ({ title: m.title, dueDate: m.dueDate, doneDate: m.doneDate })),
      lastReportAt: t.lastReportAt, lastReportOn: t.lastReportAt ? shanghaiDate(t.lastReportAt) : null, lastPercent: t.lastPercent,
      createdOn: shanghaiDate(t.createdAt), weight: t.weight,
    })),
  };
}

/**
 * The relations of a page of tasks (≤ 900 ids), by id. Raw SQL: 我的任务 and a unit's 台账 load a page
 * on every ask, and each Prisma call costs ~0.5 ms of CPU compiling its query (bench:reply).
 * Shapes and order as the Prisma queries above: leaders and joint leads in the ledger's order,
 * milestones by due date.
 */
async function relationsOf(db: DbOrTx, ids: number[], load: LoadOptions) {
  const idList = Prisma.join(ids);
  const num = <T extends { taskId: unknown }>(rows: T[], key: keyof T) => rows.map((r) => ({ ...r, taskId: Number(r.taskId), [key]: Number(r[key]) }));
  const [leaders, coUnits, milestones, jointLeads] = await Promise.all([
    db.$queryRaw<{ taskId: number; personId: number }[]>`SELECT "taskId", "personId" FROM "TaskLeadLeader" WHERE "taskId" IN (${idList}) ORDER BY "taskId", "position"`,
    load.coUnits === false ? Promise.resolve([]) : db.$queryRaw<{ taskId: number; unitId: number }[]>`SELECT "taskId", "unitId" FROM "TaskCoUnit" WHERE "taskId" IN (${idList})`,
    db.$queryRaw<{ taskId: number; title: string; dueDate: string; doneDate: string | null }[]>`
      SELECT "taskId", "title", "dueDate", "doneDate" FROM "Milestone"
      WHERE "taskId" IN (${idList})${load.doneMilestones === false ? Prisma.sql` AND "doneDate" IS NULL` : Prisma.empty}
      ORDER BY "dueDate", "id"`,
    db.$queryRaw<{ taskId: number; unitId: number }[]>`SELECT "taskId", "unitId" FROM "TaskLeadUnit" WHERE "taskId" IN (${idList}) ORDER BY "taskId", "position"`,
  ]);
  return [
    num(leaders, 'personId'),
    num(coUnits, 'unitId'),
    milestones.map((m) => ({ ...m, taskId: Number(m.taskId) })),
    num(jointLeads, 'unitId'),
  ] as const;
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
