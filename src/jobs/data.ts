// What the planners read, loaded once per run as plain data: the ledger snapshot, the directory of
// units and people (who receives what), and the few extra facts some jobs need (reports in a
// period, changes since the last digest). The planners themselves (plan.ts) do no I/O.
import type { DbOrTx } from '../db/client.js';
import { shanghaiDate, shanghaiInstant, addDays } from '../core/dates.js';
import type { Period } from '../core/periods.js';
import type { TallyTask } from '../core/tally.js';
import { ROLES, type IsoDate, type Role, type TaskStatus } from '../core/types.js';
import { loadLedgerTasks, type LedgerTask } from '../ledger/overview.js';
import { allHandsRecipients, officeRecipients, type Recipient } from '../ledger/recipients.js';
import type { RecipientKind } from './settings.js';

export type { Recipient };

export interface UnitInfo {
  id: number;
  name: string;
  chatId: string | null;
}

export interface PersonInfo {
  id: number;
  name: string;
  unitId: number | null;
  roles: Role[];
  openId: string | null;
}

export interface JobDirectoryData {
  units: UnitInfo[];
  people: PersonInfo[];
  /** 兼职: further units of active people (PersonUnit), each with the roles held there. */
  partTime?: { personId: number; unitId: number; roles: Role[] }[];
  /** Resolved from the "recipients" setting (src/ledger/recipients.ts). */
  office: Recipient[];
  allHands: Recipient[];
}

export interface JobLedger extends JobDirectoryData {
  tenantId: number;
  tasks: LedgerTask[];
}

export async function loadDirectory(db: DbOrTx, tenantId: number): Promise<JobDirectoryData> {
  const [units, people, partTime, office, allHands] = await Promise.all([
    db.unit.findMany({ where: { tenantId }, select: { id: true, name: true, chatId: true, active: true }, orderBy: { id: 'asc' } }),
    db.person.findMany({ where: { tenantId, active: true }, select: { id: true, name: true, unitId: true, roles: true, openId: true }, orderBy: { id: 'asc' } }),
    db.personUnit.findMany({ where: { tenantId, active: true, person: { active: true } }, select: { personId: true, unitId: true, roles: true }, orderBy: { id: 'asc' } }),
    officeRecipients(db, tenantId),
    allHandsRecipients(db, tenantId),
  ]);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, chatId: u.active ? u.chatId : null })),
    people: people.map((p) => ({ ...p, roles: knownRoles(p.roles) })),
    partTime: partTime.map((m) => ({ ...m, roles: knownRoles(m.roles) })),
    office,
    allHands,
  };
}

const knownRoles = (roles: string) => roles.split(',').filter((r): r is Role => (ROLES as readonly string[]).includes(r));

/** The ledger a job plans from; `statuses`: only tasks in these (the rest would be skipped anyway). */
export async function loadJobLedger(db: DbOrTx, tenantId: number, statuses?: readonly TaskStatus[]): Promise<JobLedger> {
  const [tasks, directory] = await Promise.all([loadLedgerTasks(db, tenantId, statuses ? { statuses } : {}), loadDirectory(db, tenantId)]);
  return { tenantId, tasks, ...directory };
}

/** The tally's view of a task, plus what decides whether it belongs to a year. */
export interface TallyRow extends TallyTask {
  startDate: IsoDate | null;
  createdOn: IsoDate;
}

/**
 * A lean load for the half-year tally and year-end ledger: plain SELECTs, no relations (100,000
 * tasks in well under a second; Prisma's object mapping would double that), in keyset pages of
 * TALLY_PAGE so only one page of raw rows exists besides the TallyRows returned.
 */
export async function loadTallyRows(db: DbOrTx, tenantId: number): Promise<TallyRow[]> {
  const units = await db.unit.findMany({ where: { tenantId }, select: { id: true, name: true } });
  const names = new Map(units.map((u) => [u.id, u.name]));
  const out: TallyRow[] = [];
  for (let afterId = 0; ; ) {
    const tasks = await db.$queryRaw<{
      id: number; code: string; title: string; leadUnitId: number; status: string; deadline: string | null; originalDeadline: string | null;
      completedOn: string | null; closedOn: string | null; startDate: string | null; createdAt: Date | string;
    }[]>`
      SELECT "id", "code", "title", "leadUnitId", "status", "deadline", "originalDeadline", "completedOn", "closedOn", "startDate", "createdAt"
      FROM "Task" WHERE "tenantId" = ${tenantId} AND "id" > ${afterId} ORDER BY "id" LIMIT ${TALLY_PAGE}`;
    for (const t of tasks) {
      out.push({
        taskId: Number(t.id),
        code: t.code,
        title: t.title,
        unitId: Number(t.leadUnitId),
        unitName: names.get(Number(t.leadUnitId)) ?? `单位#${t.leadUnitId}`,
        status: t.status as TaskStatus,
        deadline: t.deadline,
        originalDeadline: t.originalDeadline,
        completedOn: t.completedOn,
        closedOn: t.closedOn,
        startDate: t.startDate,
        createdOn: shanghaiDate(t.createdAt instanceof Date ? t.createdAt : new Date(t.createdAt)),
      });
    }
    if (tasks.length < TALLY_PAGE) return out;
    afterId = Number(tasks[tasks.length - 1]!.id);
  }
}

const TALLY_PAGE = 5_000;

/** Progress reports per task dated within the period (Shanghai days); withdrawn ones do not count. */
export async function loadReportCounts(db: DbOrTx, tenantId: number, period: Pick<Period, 'start' | 'end'>): Promise<Map<number, number>> {
  const rows = await db.progressReport.groupBy({
    by: ['taskId'],
    where: { tenantId, withdrawnAt: null, reportedAt: { gte: shanghaiInstant(period.start), lt: shanghaiInstant(addDays(period.end, 1)) } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.taskId, r._count._all]));
}

export interface RecentReport {
  taskId: number;
  reportedAt: Date;
  kind: string;
  text: string;
  percent: number | null;
}

export interface StatusChange {
  taskId: number;
  at: Date;
  from: string;
  to: string;
}

export interface RecentChanges {
  reports: RecentReport[];
  statusChanges: StatusChange[];
  /** Tasks created in the window (newly dispatched). */
  createdTaskIds: number[];
  /** 批示 written in the window (county leaders on the items they lead). */
  instructions?: { taskId: number; leaderId: number; at: Date; text: string }[];
}

/** Reports and status changes in [from, to): what changed since the last digest. */
export async function loadRecentChanges(db: DbOrTx, tenantId: number, from: Date, to: Date): Promise<RecentChanges> {
  const [reports, audits, instructions] = await Promise.all([
    db.progressReport.findMany({
      where: { tenantId, withdrawnAt: null, reportedAt: { gte: from, lt: to } },
      select: { taskId: true, reportedAt: true, kind: true, text: true, percent: true },
      orderBy: { reportedAt: 'asc' },
    }),
    db.auditLog.findMany({
      where: { tenantId, entity: 'task', at: { gte: from, lt: to }, action: { in: ['create', 'update'] } },
      select: { entityId: true, action: true, at: true, before: true, after: true },
      orderBy: { id: 'asc' },
    }),
    db.instruction.findMany({ where: { tenantId, at: { gte: from, lt: to } }, select: { taskId: true, leaderId: true, at: true, text: true }, orderBy: { id: 'asc' } }),
  ]);
  const statusChanges: StatusChange[] = [];
  const createdTaskIds: number[] = [];
  for (const a of audits) {
    const taskId = Number(a.entityId);
    if (!Number.isInteger(taskId)) continue;
    if (a.action === 'create') {
      createdTaskIds.push(taskId);
      continue;
    }
    const from = statusOf(a.before);
    const to = statusOf(a.after);
    if (from && to && from !== to) statusChanges.push({ taskId, at: a.at, from, to });
  }
  return { reports, statusChanges, createdTaskIds, instructions };
}

function statusOf(json: string | null): string | null {
  if (!json) return null;
  try {
    const v = (JSON.parse(json) as { status?: unknown } | null)?.status;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

// ---- the directory: who receives what ----

const ROLE_OF: Partial<Record<RecipientKind, Role>> = { liaison: 'LIAISON', commissioner: 'COMMISSIONER', unitHead: 'UNIT_HEAD' };

export class Directory {
  private readonly units = new Map<number, UnitInfo>();
  private readonly people = new Map<number, PersonInfo>();
  /** Each unit's people with the roles they hold there: its own, then those holding it as 兼职. */
  private readonly byUnit = new Map<number, { person: PersonInfo; roles: readonly Role[] }[]>();

  constructor(private readonly data: JobDirectoryData) {
    for (const u of data.units) this.units.set(u.id, u);
    const add = (unitId: number, person: PersonInfo, roles: readonly Role[]) => {
      let list = this.byUnit.get(unitId);
      if (!list) this.byUnit.set(unitId, (list = []));
      if (!list.some((x) => x.person.id === person.id)) list.push({ person, roles });
    };
    for (const p of data.people) {
      this.people.set(p.id, p);
      if (p.unitId !== null) add(p.unitId, p, p.roles);
    }
    for (const m of data.partTime ?? []) {
      const p = this.people.get(m.personId);
      if (p) add(m.unitId, p, m.roles);
    }
  }

  unitName(id: number): string {
    return this.units.get(id)?.name ?? `单位#${id}`;
  }

  person(id: number): PersonInfo | undefined {
    return this.people.get(id);
  }

  personNames(ids: readonly number[]): string[] {
    return ids.map((id) => this.people.get(id)?.name).filter((n): n is string => !!n);
  }

  /** Active people with the LEADER role, by id. */
  leaders(): PersonInfo[] {
    return this.data.people.filter((p) => p.roles.includes('LEADER'));
  }

  /** Recipients of a unit: its liaisons/commissioners/head (with a Feishu id) and its work group. */
  forUnit(unitId: number, kinds: readonly RecipientKind[]): Recipient[] {
    const out: Recipient[] = [];
    for (const kind of kinds) {
      const role = ROLE_OF[kind];
      if (role) {
        for (const { person: p, roles } of this.byUnit.get(unitId) ?? []) if (p.openId && roles.includes(role)) out.push(personRecipient(p));
      } else if (kind === 'unitGroup') {
        const unit = this.units.get(unitId);
        if (unit?.chatId) out.push({ receiveIdType: 'chat_id', receiveId: unit.chatId, label: `${unit.name}工作群` });
      } else if (kind === 'office' || kind === 'allHands' || kind === 'leaders') {
        out.push(...this.broadcast([kind]));
      }
    }
    return uniqueRecipients(out);
  }

  /** Recipients of a task: the lead unit's (as forUnit) plus, for 'leadLeaders', its lead leaders. */
  forTask(task: { leadUnitId: number; jointLeadUnitIds?: readonly number[]; leadLeaderIds: readonly number[] }, kinds: readonly RecipientKind[]): Recipient[] {
    // 联合牵头: every lead unit hears of the task.
    const unitKinds = kinds.filter((k) => k !== 'leadLeaders');
    const out = [task.leadUnitId, ...(task.jointLeadUnitIds ?? [])].flatMap((u) => this.forUnit(u, unitKinds));
    if (kinds.includes('leadLeaders')) {
      for (const id of task.leadLeaderIds) {
        const p = this.people.get(id);
        if (p?.openId) out.push(personRecipient(p));
      }
    }
    return uniqueRecipients(out);
  }

  /** Tenant-wide groups: the office, the all-hands group, every leader. */
  broadcast(kinds: readonly RecipientKind[]): Recipient[] {
    const out: Recipient[] = [];
    for (const kind of kinds) {
      if (kind === 'office') out.push(...this.data.office);
      else if (kind === 'allHands') out.push(...this.data.allHands);
      else if (kind === 'leaders') for (const p of this.leaders()) if (p.openId) out.push(personRecipient(p));
    }
    return uniqueRecipients(out);
  }
}

export function personRecipient(p: PersonInfo): Recipient {
  return { receiveIdType: 'open_id', receiveId: p.openId!, label: p.name };
}

/** One message per receiver even when a person holds two roles (liaison and head). */
export function uniqueRecipients(list: Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = `${r.receiveIdType}:${r.receiveId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
