// What people do to tasks, whichever way they asked (chat text, card click, CLI): report progress
// or problems, report completion, sign for, dispute, urge, review close-outs. Each action checks
// the actor's permission and the status rules (src/core), writes the change, its audit entry and
// the messages it causes in ONE transaction, and clears the task's stored colour.
import { Prisma } from '../generated/prisma-sqlite/client.js';
import type { Db, Tx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import type { Clock } from '../clock.js';
import { codeKey, resolveCode } from '../core/codes.js';
import { shanghaiDate } from '../core/dates.js';
import { actorUnitAmong, checkPermission, inUnit, type Actor, type UnitRoles, type TaskOperation, type TaskParties } from '../core/permissions.js';
import { applyTransition, checkRequest, type TaskAction } from '../core/status.js';
import { ROLE_LABELS, type ReportKind, type Role, type TaskStatus } from '../core/types.js';

export interface LedgerActor extends Actor {
  /** The tenant the person belongs to: they act on that tenant's tasks only. */
  tenantId: number;
  openId: string | null;
  unitName: string | null;
  /** 兼职 included: every active unit, primary first, with its name and the roles held there. */
  units?: readonly (UnitRoles & { unitName: string })[];
}

export interface TaskRecord extends TaskParties {
  id: number;
  tenantId: number;
  code: string;
  title: string;
  category: string;
  status: TaskStatus;
  statusReason: string | null;
  deadline: string | null;
  deliverable: string | null;
  ownerName: string | null;
  leadLeaderNames: string[];
  coUnitNames: string[];
  lastPercent: number | null;
  /** 联合牵头 (ids in TaskParties.jointLeadUnitIds), named collectives, 分组, 完成时限 as written, 长期事项. */
  jointLeadUnitNames?: string[];
  collectiveNames?: string[];
  section?: string | null;
  dueAsWritten?: string | null;
  longTerm?: boolean;
}

export type Outcome<T> = ({ ok: true } & T) | { ok: false; reason: string; already?: boolean };

/** Runs inside the action's transaction with its result: enqueue messages here (exactly once with the write). */
export type Effects<T> = (tx: Tx, result: T) => Promise<void>;

/**
 * The active person with this open_id, as an actor with every active unit they hold (primary
 * first, then 兼职 units in the order they were added), or null. One raw statement: it runs for
 * every message and click, and Prisma's include compiles to three statements at ~1 ms of CPU.
 */
export async function findActorByOpenId(db: Db | Tx, tenantId: number, openId: string): Promise<LedgerActor | null> {
  const rows = await db.$queryRaw<ActorRow[]>`
    SELECT p."id", p."tenantId", p."name", p."unitId", p."roles", p."openId", u."name" AS "unitName",
           pu."unitId" AS "otherUnitId", ou."name" AS "otherUnitName", pu."roles" AS "otherRoles"
    FROM "Person" p
    LEFT JOIN "Unit" u ON u."id" = p."unitId"
    LEFT JOIN "PersonUnit" pu ON pu."personId" = p."id" AND pu."active" = TRUE
    LEFT JOIN "Unit" ou ON ou."id" = pu."unitId" AND ou."active" = TRUE
    WHERE p."tenantId" = ${tenantId} AND p."openId" = ${openId} AND p."active" = TRUE
    ORDER BY pu."id"`;
  const p = rows[0];
  if (!p) return null;
  const unitId = p.unitId === null ? null : Number(p.unitId);
  const roles = splitRoles(p.roles);
  const others = rows
    .filter((o) => o.otherUnitId !== null && o.otherUnitName !== null && Number(o.otherUnitId) !== unitId)
    .map((o) => ({ unitId: Number(o.otherUnitId), unitName: o.otherUnitName!, roles: splitRoles(o.otherRoles ?? '') }));
  const units = [...(unitId !== null ? [{ unitId, unitName: p.unitName ?? '', roles }] : []), ...others];
  // ADMIN and LEADER are the person's, whichever row of the 人员 sheet gave them.
  const personWide = others.flatMap((o) => o.roles.filter((r) => r === 'ADMIN' || r === 'LEADER'));
  return {
    tenantId: Number(p.tenantId), personId: Number(p.id), name: p.name, unitId, unitName: p.unitName ?? null,
    roles: [...new Set([...roles, ...personWide])], openId: p.openId, units,
  };
}

interface ActorRow {
  id: number | bigint; tenantId: number | bigint; name: string; unitId: number | bigint | null; roles: string; openId: string | null; unitName: string | null;
  otherUnitId: number | bigint | null; otherUnitName: string | null; otherRoles: string | null;
}

/** The actor's units by name, primary first (「石堡镇、县发展改革局」 for 兼职), or null without a unit. */
export function actorUnitNames(actor: Pick<LedgerActor, 'unitName' | 'units'>): string | null {
  const names = actor.units?.map((u) => u.unitName).filter(Boolean) ?? [];
  return names.length ? names.join('、') : actor.unitName;
}

/** Who the actor is, per unit with that unit's roles: 「石堡镇 联络员；县发展改革局 一把手」 (plus 改革办/县级领导). */
export function actorIdentity(actor: Pick<LedgerActor, 'unitName' | 'unitId' | 'units' | 'roles'>): string {
  const label = (roles: readonly Role[]) => roles.filter((r) => r !== 'ADMIN' && r !== 'LEADER').map((r) => ROLE_LABELS[r]).join('、');
  const units = actor.units ?? (actor.unitId !== null ? [{ unitId: actor.unitId, unitName: actor.unitName ?? '', roles: actor.roles }] : []);
  const parts = units.map((u) => [u.unitName, label(u.roles)].filter(Boolean).join(' '));
  const wide = (['ADMIN', 'LEADER'] as const).filter((r) => actor.roles.includes(r)).map((r) => ROLE_LABELS[r]);
  return [...wide, ...parts].filter(Boolean).join('；');
}

/** The name of the actor's unit that is a party to the task (兼职: the one acting), else their primary unit's. */
export function unitActingFor(actor: Pick<LedgerActor, 'unitId' | 'unitName' | 'roles' | 'units'>, task: TaskParties): string | null {
  const id = actorUnitAmong(actor, [task.leadUnitId, ...(task.jointLeadUnitIds ?? []), ...task.coUnitIds]);
  return (id !== null ? actor.units?.find((u) => u.unitId === id)?.unitName : undefined) ?? actor.unitName;
}

const splitRoles = (roles: string) => roles.split(',').filter(Boolean) as Role[];

/**
 * One task with its parties' names, or null. Raw SQL (two statements): every 进展 and every card
 * click loads its task, and Prisma's include of five relations compiles to seven statements and
 * costs ~2 ms of CPU per call (bench:reply). Co-units in unit order, the rest in the ledger's order.
 */
export async function loadTask(db: Db | Tx, tenantId: number, taskId: number): Promise<TaskRecord | null> {
  const [t] = await db.$queryRaw<TaskRow[]>`
    SELECT t."id", t."tenantId", t."code", t."title", t."category", t."status", t."statusReason", t."deadline", t."deliverable",
           t."ownerName", t."lastPercent", t."leadUnitId", t."section", t."dueAsWritten", t."longTerm", u."name" AS "leadUnitName"
    FROM "Task" t JOIN "Unit" u ON u."id" = t."leadUnitId"
    WHERE t."tenantId" = ${tenantId} AND t."id" = ${taskId}`;
  if (!t) return null;
  const parties = await db.$queryRaw<{ kind: string; id: number | bigint | null; name: string }[]>`
    SELECT 'co' AS "kind", c."unitId" AS "id", u."name" AS "name", c."unitId" AS "pos" FROM "TaskCoUnit" c JOIN "Unit" u ON u."id" = c."unitId" WHERE c."taskId" = ${taskId}
    UNION ALL
    SELECT 'leader', l."personId", p."name", l."position" FROM "TaskLeadLeader" l JOIN "Person" p ON p."id" = l."personId" WHERE l."taskId" = ${taskId}
    UNION ALL
    SELECT 'lead', j."unitId", u."name", j."position" FROM "TaskLeadUnit" j JOIN "Unit" u ON u."id" = j."unitId" WHERE j."taskId" = ${taskId}
    UNION ALL
    SELECT 'collective', NULL, c."name", c."position" FROM "TaskCollective" c WHERE c."taskId" = ${taskId}
    ORDER BY "kind", "pos"`;
  const of = (kind: string) => parties.filter((r) => r.kind === kind);
  const ids = (kind: string) => of(kind).map((r) => Number(r.id));
  const names = (kind: string) => of(kind).map((r) => r.name);
  return {
    id: Number(t.id), tenantId: Number(t.tenantId), code: t.code, title: t.title, category: t.category, status: t.status as TaskStatus,
    statusReason: t.statusReason, deadline: t.deadline, deliverable: t.deliverable, ownerName: t.ownerName,
    lastPercent: t.lastPercent === null ? null : Number(t.lastPercent),
    leadUnitId: Number(t.leadUnitId), leadUnitName: t.leadUnitName,
    jointLeadUnitIds: ids('lead'), jointLeadUnitNames: names('lead'),
    collectiveNames: names('collective'), section: t.section, dueAsWritten: t.dueAsWritten, longTerm: Boolean(t.longTerm),
    coUnitIds: ids('co'), coUnitNames: names('co'),
    leadLeaderIds: ids('leader'), leadLeaderNames: names('leader'),
  };
}

interface TaskRow {
  id: number | bigint; tenantId: number | bigint; code: string; title: string; category: string; status: string; statusReason: string | null;
  deadline: string | null; deliverable: string | null; ownerName: string | null; lastPercent: number | bigint | null; leadUnitId: number | bigint;
  section: string | null; dueAsWritten: string | null; longTerm: boolean | number; leadUnitName: string;
}

/** A code as typed ("ly-012", "012") to one task of the tenant, or a Chinese reason. */
export async function findTaskByCode(db: Db | Tx, tenantId: number, typed: string): Promise<Outcome<{ task: TaskRecord }>> {
  const key = codeKey(typed);
  // Raw: a code is looked up in every 进展 (a Prisma call costs ~0.5 ms of CPU compiling).
  let hit: { id: number } | null | undefined = (await db.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Task" WHERE "tenantId" = ${tenantId} AND "codeKey" = ${key}`)[0];
  if (!hit) {
    const keys = (await db.task.findMany({ where: { tenantId }, select: { codeKey: true } })).map((t) => t.codeKey);
    const match = resolveCode(typed, keys);
    if (match.kind === 'ambiguous') {
      const list = match.keys.slice(0, 5).join('、') + (match.keys.length > 5 ? ` 等 ${match.keys.length} 项` : '');
      return { ok: false, reason: `编号「${typed}」对应多个事项（${list}），请写完整编号。` };
    }
    if (match.kind === 'none') return { ok: false, reason: `没有找到编号为「${typed}」的事项。发送「我的任务」可查看本单位的事项和编号。` };
    hit = await db.task.findUnique({ where: { tenantId_codeKey: { tenantId, codeKey: match.key } }, select: { id: true } });
  }
  const task = hit ? await loadTask(db, tenantId, Number(hit.id)) : null;
  return task ? { ok: true, task } : { ok: false, reason: `没有找到编号为「${typed}」的事项。` };
}

export interface ReportInput {
  kind: ReportKind;
  text: string;
  percent?: number | null;
  problems?: string | null;
  nextSteps?: string | null;
  source: 'chat' | 'card' | 'cli' | 'import';
  /** Idempotency key of the input (e.g. the Feishu message id): a repeat never makes a second report. */
  sourceRef?: string | null;
}

export interface ReportResult {
  reportId: number;
  task: TaskRecord;
  /**
   * True when this input had already been recorded: a re-delivery (same sourceRef), or the same
   * report by the same person on the same task within IDENTICAL_REPORT_WINDOW_MS (two clicks on
   * 提交, a message sent twice). `at` is then when it was first recorded.
   */
  duplicate: boolean;
  statusChanged: boolean;
  at: Date;
  /** The task's percent before this report (a sharp fall is flagged to the office). */
  previousPercent: number | null;
}

/** Two identical reports by one person on one task this close together are one report. */
export const IDENTICAL_REPORT_WINDOW_MS = 10 * 60_000;

/**
 * Role and party rules, after the tenant: callers look tasks up in the actor's tenant already;
 * this makes a task of another tenant unreachable even if one slipped through.
 */
function permitted(actor: LedgerActor, task: TaskRecord, op: TaskOperation): { ok: true } | { ok: false; reason: string } {
  if (actor.tenantId !== task.tenantId) return { ok: false, reason: '该事项不存在或已删除。' };
  return checkPermission(actor, task, op);
}

const OPERATION: Record<ReportKind, TaskOperation> = { 进展: 'report', 问题: 'problem', 完成: 'complete' };

export async function submitReport(
  db: Db,
  clock: Clock,
  actor: LedgerActor,
  task: TaskRecord,
  input: ReportInput,
  effects?: Effects<ReportResult>,
): Promise<Outcome<ReportResult>> {
  const allowed = permitted(actor, task, OPERATION[input.kind]);
  if (!allowed.ok) return allowed;
  const duplicateOf = (existing: { id: number; reportedAt: Date }): Outcome<ReportResult> => ({
    ok: true, reportId: existing.id, task, duplicate: true, statusChanged: false, at: existing.reportedAt, previousPercent: task.lastPercent,
  });
  if (input.sourceRef) {
    const existing = await reportBySourceRef(db, task.tenantId, input.sourceRef);
    if (existing) return duplicateOf(existing);
  }
  let nextStatus: TaskStatus | null = null;
  if (input.kind === '完成') {
    const t = applyTransition(task.status, '报告完成');
    if (!t.ok) return { ok: false, reason: t.reason, already: task.status === '待销号' || task.status === '已销号' };
    nextStatus = t.to;
  } else if (task.status === '已销号') {
    return { ok: false, reason: '该事项已销号，不再接收进展。如需补充，请联系改革办。' };
  } else if (task.status === '已撤销') {
    return { ok: false, reason: '该事项已被改革办撤销，不再接收进展。' };
  }
  const now = clock.now();
  try {
    return await db.$transaction(async (tx): Promise<Outcome<ReportResult>> => {
      // The task row first, guarded by the status we checked: two submissions racing queue on this
      // row (PostgreSQL locks it; SQLite has one writer), so the second sees the first's report below.
      // Raw SQL for the report's statements: 进展 is the commonest write, and each Prisma call
      // costs ~0.5 ms of CPU compiling its query (bench:reply).
      const percent = input.percent ?? null;
      const claimed = await tx.$executeRaw`
        UPDATE "Task" SET "lastReportAt" = ${now}, "levelOn" = NULL, "updatedAt" = ${now}
          ${percent !== null ? Prisma.sql`, "lastPercent" = ${percent}` : Prisma.empty}
          ${nextStatus ? Prisma.sql`, "status" = ${nextStatus}, "completedOn" = ${shanghaiDate(now)}, "statusReason" = NULL` : Prisma.empty}
        WHERE "id" = ${task.id} AND "status" = ${task.status}`;
      const eq = (column: string, value: string | number | null) => (value === null ? Prisma.sql`${Prisma.raw(`"${column}"`)} IS NULL` : Prisma.sql`${Prisma.raw(`"${column}"`)} = ${value}`);
      // A 完成 that moved the task (claimed) is new even when worded like one moments ago: that one
      // was sent back (退回) in between. Otherwise an identical report is the same click twice.
      const fresh = input.kind === '完成' && claimed === 1;
      const [same] = fresh ? [] : await tx.$queryRaw<{ id: number; reportedAt: Date }[]>`
        SELECT "id", "reportedAt" FROM "ProgressReport"
        WHERE "tenantId" = ${task.tenantId} AND "taskId" = ${task.id} AND "reporterId" = ${actor.personId} AND "kind" = ${input.kind} AND "text" = ${input.text}
          AND ${eq('percent', percent)} AND ${eq('problems', input.problems ?? null)} AND ${eq('nextSteps', input.nextSteps ?? null)}
          AND "withdrawnAt" IS NULL AND "reportedAt" >= ${new Date(now.getTime() - IDENTICAL_REPORT_WINDOW_MS)}
        ORDER BY "id" DESC LIMIT 1`;
      if (same) throw new IdenticalReport({ id: Number(same.id), reportedAt: same.reportedAt });
      if (claimed === 0) return { ok: false, reason: '该事项状态刚刚被他人更新，请稍后再试。', already: true };
      // Two deliveries of the same message racing: the unique sourceRef lets exactly one through.
      const [inserted] = await tx.$queryRaw<{ id: number }[]>`
        INSERT INTO "ProgressReport" ("tenantId", "taskId", "reporterId", "reportedAt", "kind", "text", "percent", "problems", "nextSteps", "source", "sourceRef")
        VALUES (${task.tenantId}, ${task.id}, ${actor.personId}, ${now}, ${input.kind}, ${input.text}, ${percent}, ${input.problems ?? null}, ${input.nextSteps ?? null},
                ${input.source}, ${input.sourceRef ?? null})
        ON CONFLICT DO NOTHING RETURNING "id"`;
      if (!inserted) throw new SameSourceReport();
      const report = { id: Number(inserted.id) };
      await recordAudit(tx, [
        { tenantId: task.tenantId, actor: `person:${actor.personId}`, entity: 'report', entityId: report.id, action: 'create', after: { taskId: task.id, kind: input.kind, text: input.text, percent: input.percent ?? null }, at: now },
        ...(nextStatus ? [{ tenantId: task.tenantId, actor: `person:${actor.personId}`, entity: 'task' as const, entityId: task.id, action: 'update' as const, before: { status: task.status }, after: { status: nextStatus, completedOn: shanghaiDate(now) }, at: now }] : []),
      ]);
      const result: ReportResult = {
        reportId: report.id, duplicate: false, statusChanged: nextStatus !== null, at: now, previousPercent: task.lastPercent,
        task: { ...task, status: nextStatus ?? task.status, lastPercent: input.percent ?? task.lastPercent },
      };
      await effects?.(tx, result);
      return { ok: true as const, ...result };
    });
  } catch (err) {
    // The same report moments ago: nothing written (the transaction rolled back), one report stands.
    if (err instanceof IdenticalReport) return duplicateOf(err.existing);
    // The other delivery of the same message won the race: its report stands.
    if (err instanceof SameSourceReport && input.sourceRef) {
      const existing = await reportBySourceRef(db, task.tenantId, input.sourceRef);
      if (existing) return duplicateOf(existing);
    }
    throw err;
  }
}

/** Thrown inside the report transaction to roll it back when its message's report was just written by another delivery. */
class SameSourceReport extends Error {
  constructor() {
    super('report of this message already stored');
  }
}

/** The report a message (or card submission) already made, if any. */
async function reportBySourceRef(db: Db | Tx, tenantId: number, sourceRef: string): Promise<{ id: number; reportedAt: Date } | undefined> {
  const [row] = await db.$queryRaw<{ id: number; reportedAt: Date }[]>`SELECT "id", "reportedAt" FROM "ProgressReport" WHERE "tenantId" = ${tenantId} AND "sourceRef" = ${sourceRef}`;
  return row ? { id: Number(row.id), reportedAt: row.reportedAt } : undefined;
}

/** Thrown inside the report transaction to roll it back when an identical report exists. */
class IdenticalReport extends Error {
  constructor(readonly existing: { id: number; reportedAt: Date }) {
    super('identical report');
  }
}

const ACTION_OPERATION: Record<TaskAction, TaskOperation> = {
  签收: 'sign', 提出异议: 'dispute', 解决异议: 'resolveDispute', 报告完成: 'complete', 同意销号: 'review', 退回: 'review',
  调整: 'edit', 暂缓: 'edit', 恢复: 'edit', 撤回完成: 'withdraw', 撤销: 'edit',
};
/** The state an action leads to, to recognise a second click on the same button. */
const ALREADY: Partial<Record<TaskAction, TaskStatus[]>> = { 签收: ['推进中', '待销号', '已销号'], 提出异议: ['有异议'], 同意销号: ['已销号'], 退回: ['推进中'], 撤销: ['已撤销'] };

export interface TransitionResult {
  task: TaskRecord;
  from: TaskStatus;
  to: TaskStatus;
  at: Date;
  actor: LedgerActor;
}

export async function transitionTask(
  db: Db,
  clock: Clock,
  actor: LedgerActor,
  task: TaskRecord,
  action: TaskAction,
  opts: { reason?: string; target?: TaskStatus } = {},
  effects?: Effects<TransitionResult>,
): Promise<Outcome<TransitionResult>> {
  const allowed = permitted(actor, task, ACTION_OPERATION[action]);
  if (!allowed.ok) return allowed;
  const t = applyTransition(task.status, action, opts);
  if (!t.ok) return { ok: false, reason: t.reason, already: ALREADY[action]?.includes(task.status) ?? false };
  const now = clock.now();
  const today = shanghaiDate(now);
  return db.$transaction(async (tx) => {
    // Guard against a concurrent click: only move from the status we checked.
    const changed = await tx.task.updateMany({
      where: { id: task.id, status: task.status },
      data: {
        status: t.to,
        statusReason: opts.reason ?? null,
        ...(t.to === '已销号' ? { closedOn: today } : {}),
        ...(action === '退回' || action === '撤回完成' ? { completedOn: null } : {}),
        levelOn: null,
      },
    });
    if (changed.count === 0) return { ok: false as const, reason: '该事项状态刚刚被他人更新，请刷新后再试。', already: true };
    await recordAudit(tx, [{
      tenantId: task.tenantId, actor: `person:${actor.personId}`, entity: 'task', entityId: task.id, action: 'update', at: now,
      before: { status: task.status }, after: { status: t.to, action, reason: opts.reason ?? null },
    }]);
    const result: TransitionResult = { task: { ...task, status: t.to, statusReason: opts.reason ?? null }, from: task.status, to: t.to, at: now, actor };
    await effects?.(tx, result);
    return { ok: true as const, ...result };
  });
}

/** 催办: recorded in the audit log (who urged what, when, why); the messages go out in `effects`. */
export async function urgeTask(
  db: Db,
  clock: Clock,
  actor: LedgerActor,
  task: TaskRecord,
  text: string,
  effects?: Effects<{ task: TaskRecord; at: Date }>,
): Promise<Outcome<{ task: TaskRecord; at: Date }>> {
  const allowed = permitted(actor, task, 'urge');
  if (!allowed.ok) return allowed;
  const state = checkRequest(task.status, '催办');
  if (!state.ok) return state;
  const now = clock.now();
  return db.$transaction(async (tx) => {
    await recordAudit(tx, [{ tenantId: task.tenantId, actor: `person:${actor.personId}`, entity: 'task', entityId: task.id, action: 'update', at: now, after: { urged: text } }]);
    const result = { task, at: now };
    await effects?.(tx, result);
    return { ok: true as const, ...result };
  });
}

/**
 * 申请延期 from a reminder card: the lead unit (or the office) asks the office for more time. Only
 * while the task is still running (checkRequest); recorded in the audit log; the office's notice
 * goes out in `effects`.
 */
export async function requestExtension(
  db: Db,
  clock: Clock,
  actor: LedgerActor,
  task: TaskRecord,
  effects?: Effects<{ task: TaskRecord; at: Date }>,
): Promise<Outcome<{ task: TaskRecord; at: Date }>> {
  if (actor.tenantId !== task.tenantId) return { ok: false, reason: '该事项不存在或已删除。' };
  if (!inUnit(actor, task.leadUnitId) && !actor.roles.includes('ADMIN')) return { ok: false, reason: `只有牵头单位（${task.leadUnitName}）可以申请延期` };
  const state = checkRequest(task.status, '申请延期');
  if (!state.ok) return state;
  const now = clock.now();
  return db.$transaction(async (tx) => {
    await recordAudit(tx, [{ tenantId: task.tenantId, actor: `person:${actor.personId}`, entity: 'task', entityId: task.id, action: 'update', at: now, after: { extensionRequested: true, deadline: task.deadline } }]);
    const result = { task, at: now };
    await effects?.(tx, result);
    return { ok: true as const, ...result };
  });
}
