// What the office (and the units) do to the ledger from Feishu besides reporting (issue 14):
// withdraw a completion awaiting review, ask for and decide an extension, answer a reported
// problem, write a leader's 批示, and note when an actionable card was issued (for the 14-day
// re-issue). Each action checks permission and state, writes the change, its audit entry (who,
// when, before/after, reason) and the messages it causes in ONE transaction; each is exactly-once:
// a repeat finds the state already moved (or its sourceRef taken) and changes nothing.
import { Prisma } from '../generated/prisma-sqlite/client.js';
import type { Db, DbOrTx, Tx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import type { Clock } from '../clock.js';
import { shanghaiDate } from '../core/dates.js';
import { checkPermission, type TaskOperation } from '../core/permissions.js';
import { checkRequest } from '../core/status.js';
import type { IsoDate, TaskStatus } from '../core/types.js';
import { loadTask, transitionTask, type Effects, type LedgerActor, type Outcome, type TaskRecord, type TransitionResult } from './actions.js';

export type CardKind = 'dispatch' | 'review' | 'extension' | 'problem' | 'dispute';

/** Notes that an actionable card for (kind, subject) went out on `on` (business date). */
export async function recordCardIssue(db: DbOrTx, tenantId: number, kind: CardKind, subjectId: number, on: IsoDate): Promise<void> {
  await db.cardIssue.upsert({
    where: { tenantId_kind_subjectId: { tenantId, kind, subjectId } },
    create: { tenantId, kind, subjectId, issuedOn: on },
    update: { issuedOn: on },
  });
}

function permitted(actor: LedgerActor, task: TaskRecord, op: TaskOperation): { ok: true } | { ok: false; reason: string } {
  if (actor.tenantId !== task.tenantId) return { ok: false, reason: '该事项不存在或已删除。' };
  return checkPermission(actor, task, op);
}
const who = (actor: LedgerActor) => `person:${actor.personId}`;

// ---- 撤回: the lead unit withdraws its completion report while it awaits review

/** The status a task had before its completion was reported (from the audit log), 推进中 if unknown. */
export async function statusBeforeCompletion(db: DbOrTx, tenantId: number, taskId: number): Promise<TaskStatus> {
  const entries = await db.auditLog.findMany({ where: { tenantId, entity: 'task', entityId: String(taskId), action: 'update' }, orderBy: { id: 'desc' }, take: 20, select: { before: true, after: true } });
  for (const e of entries) {
    const after = e.after ? (JSON.parse(e.after) as { status?: string }) : {};
    const before = e.before ? (JSON.parse(e.before) as { status?: string }) : {};
    if (after.status === '待销号' && (before.status === '推进中' || before.status === '已调整')) return before.status;
  }
  return '推进中';
}

export async function withdrawCompletion(db: Db, clock: Clock, actor: LedgerActor, task: TaskRecord, effects?: Effects<TransitionResult & { reportId: number | null }>): Promise<Outcome<TransitionResult>> {
  const target = task.status === '待销号' ? await statusBeforeCompletion(db, task.tenantId, task.id) : '推进中';
  return transitionTask(db, clock, actor, task, '撤回完成', { target, reason: '牵头单位撤回完成报告' }, async (tx, r) => {
    const report = await tx.progressReport.findFirst({ where: { taskId: task.id, kind: '完成', withdrawnAt: null }, orderBy: { id: 'desc' }, select: { id: true } });
    if (report) {
      await tx.progressReport.update({ where: { id: report.id }, data: { withdrawnAt: r.at } });
      await recordAudit(tx, [{ tenantId: task.tenantId, actor: who(actor), entity: 'report', entityId: report.id, action: 'update', at: r.at, before: { withdrawnAt: null }, after: { withdrawnAt: r.at.toISOString(), why: '撤回完成报告' } }]);
    }
    await effects?.(tx, { ...r, reportId: report?.id ?? null });
  });
}

// ---- 延期

export interface ExtensionRecord {
  id: number;
  taskId: number;
  requesterId: number;
  requesterName: string;
  requestedAt: Date;
  fromDeadline: string | null;
  toDeadline: string;
  reason: string;
  status: '待审批' | '已同意' | '已驳回';
  decidedById: number | null;
  decidedAt: Date | null;
  decisionReason: string | null;
}

export async function loadExtension(db: DbOrTx, tenantId: number, id: number): Promise<ExtensionRecord | null> {
  const e = await db.extensionRequest.findFirst({ where: { tenantId, id } });
  if (!e) return null;
  const p = await db.person.findUnique({ where: { id: e.requesterId }, select: { name: true } });
  return { ...e, status: e.status as ExtensionRecord['status'], requesterName: p?.name ?? '—' };
}

export async function pendingExtension(db: DbOrTx, tenantId: number, taskId: number): Promise<ExtensionRecord | null> {
  const e = await db.extensionRequest.findFirst({ where: { tenantId, taskId, status: '待审批' }, orderBy: { id: 'desc' }, select: { id: true } });
  return e ? loadExtension(db, tenantId, e.id) : null;
}

export interface ExtensionAsked { request: ExtensionRecord; task: TaskRecord; at: Date; duplicate: boolean }

/**
 * 延期申请 with a new 完成时限 and a reason. One request waits per task: a second while one waits
 * is refused (the office has not decided); the same message or click twice is the same request.
 */
export async function requestExtension(
  db: Db, clock: Clock, actor: LedgerActor, task: TaskRecord,
  input: { toDeadline: IsoDate; reason: string; sourceRef: string },
  effects?: Effects<ExtensionAsked>,
): Promise<Outcome<ExtensionAsked>> {
  const allowed = permitted(actor, task, 'extend');
  if (!allowed.ok) return allowed;
  const already = await db.extensionRequest.findUnique({ where: { tenantId_sourceRef: { tenantId: task.tenantId, sourceRef: input.sourceRef } } });
  if (already) return { ok: true, request: (await loadExtension(db, task.tenantId, already.id))!, task, at: already.requestedAt, duplicate: true };
  const state = checkRequest(task.status, '申请延期');
  if (!state.ok) return state;
  const now = clock.now();
  if (input.toDeadline <= shanghaiDate(now)) return { ok: false, reason: `新的完成时限（${input.toDeadline}）应晚于今天。` };
  if (task.deadline && input.toDeadline <= task.deadline) return { ok: false, reason: `新的完成时限（${input.toDeadline}）应晚于现在的完成时限（${task.deadline}）。` };
  try {
    return await db.$transaction(async (tx): Promise<Outcome<ExtensionAsked>> => {
      const waiting = await tx.extensionRequest.findFirst({ where: { tenantId: task.tenantId, taskId: task.id, status: '待审批' } });
      if (waiting) return { ok: false, reason: `该事项已有一份延期申请（延至 ${waiting.toDeadline}）正在等待改革办审批，请勿重复申请。`, already: true };
      const row = await tx.extensionRequest.create({
        data: { tenantId: task.tenantId, taskId: task.id, requesterId: actor.personId, requestedAt: now, fromDeadline: task.deadline, toDeadline: input.toDeadline, reason: input.reason, sourceRef: input.sourceRef },
      });
      await recordAudit(tx, [{ tenantId: task.tenantId, actor: who(actor), entity: 'task', entityId: task.id, action: 'update', at: now, after: { extensionRequested: row.id, deadline: task.deadline, toDeadline: input.toDeadline, reason: input.reason } }]);
      const result: ExtensionAsked = { request: { ...row, status: '待审批', requesterName: actor.name }, task, at: now, duplicate: false };
      await effects?.(tx, result);
      return { ok: true, ...result };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      const row = await db.extensionRequest.findUnique({ where: { tenantId_sourceRef: { tenantId: task.tenantId, sourceRef: input.sourceRef } } });
      if (row) return { ok: true, request: (await loadExtension(db, task.tenantId, row.id))!, task, at: row.requestedAt, duplicate: true };
    }
    throw err;
  }
}

export interface ExtensionDecided { request: ExtensionRecord; task: TaskRecord; at: Date }

/** 同意 (the deadline moves; the first one is kept in originalDeadline) or 驳回 (with a reason). */
export async function decideExtension(
  db: Db, clock: Clock, actor: LedgerActor, request: ExtensionRecord, verdict: '已同意' | '已驳回', reason: string | null,
  effects?: Effects<ExtensionDecided>,
): Promise<Outcome<ExtensionDecided>> {
  const task = await loadTask(db, actor.tenantId, request.taskId);
  if (!task) return { ok: false, reason: '该事项不存在或已删除。' };
  const allowed = permitted(actor, task, 'decideExtension');
  if (!allowed.ok) return allowed;
  if (request.status !== '待审批') return { ok: false, reason: `这份延期申请已${request.status === '已同意' ? '同意' : '驳回'}，无需重复审批。`, already: true };
  if (verdict === '已驳回' && !reason?.trim()) return { ok: false, reason: '驳回延期申请需要填写理由。' };
  // A task closed out (or revoked, or awaiting its review) since the request needs no new deadline.
  if (verdict === '已同意') {
    const state = checkRequest(task.status, '审批延期');
    if (!state.ok) return state;
  }
  const now = clock.now();
  return db.$transaction(async (tx): Promise<Outcome<ExtensionDecided>> => {
    const claimed = await tx.extensionRequest.updateMany({
      where: { id: request.id, status: '待审批' },
      data: { status: verdict, decidedById: actor.personId, decidedAt: now, decisionReason: reason },
    });
    if (claimed.count === 0) return { ok: false, reason: '这份延期申请刚刚已被审批。', already: true };
    let after = task;
    if (verdict === '已同意') {
      const row = await tx.task.findUniqueOrThrow({ where: { id: task.id }, select: { deadline: true, originalDeadline: true } });
      await tx.task.update({ where: { id: task.id }, data: { deadline: request.toDeadline, originalDeadline: row.originalDeadline ?? row.deadline, levelOn: null } });
      after = { ...task, deadline: request.toDeadline };
      await recordAudit(tx, [{ tenantId: task.tenantId, actor: who(actor), entity: 'task', entityId: task.id, action: 'update', at: now, before: { deadline: row.deadline }, after: { deadline: request.toDeadline, extension: request.id, reason: request.reason } }]);
    } else {
      await recordAudit(tx, [{ tenantId: task.tenantId, actor: who(actor), entity: 'task', entityId: task.id, action: 'update', at: now, before: { extensionRequested: request.id }, after: { extensionRejected: request.id, reason } }]);
    }
    const result: ExtensionDecided = { request: { ...request, status: verdict, decidedById: actor.personId, decidedAt: now, decisionReason: reason }, task: after, at: now };
    await effects?.(tx, result);
    return { ok: true, ...result };
  });
}

// ---- 问题: the office's answer

export const PROBLEM_OUTCOMES = ['已回复', '已协调', '已转办'] as const;
export type ProblemOutcome = (typeof PROBLEM_OUTCOMES)[number];

export interface ProblemReport { id: number; taskId: number; text: string; reporterId: number | null; reporterName: string; reportedAt: Date; withdrawn: boolean }

export async function loadProblem(db: DbOrTx, tenantId: number, reportId: number): Promise<ProblemReport | null> {
  const r = await db.progressReport.findFirst({ where: { tenantId, id: reportId, kind: '问题' }, include: { reporter: { select: { name: true } } } });
  return r ? { id: r.id, taskId: r.taskId, text: r.text, reporterId: r.reporterId, reporterName: r.reporter?.name ?? '—', reportedAt: r.reportedAt, withdrawn: r.withdrawnAt !== null } : null;
}

export interface ProblemAnswered { problem: ProblemReport; task: TaskRecord; outcome: ProblemOutcome; answer: string; toUnit: { id: number; name: string } | null; at: Date }

export async function answerProblem(
  db: Db, clock: Clock, actor: LedgerActor, problem: ProblemReport,
  input: { outcome: ProblemOutcome; answer: string; toUnitName?: string | null },
  effects?: Effects<ProblemAnswered>,
): Promise<Outcome<ProblemAnswered>> {
  const task = await loadTask(db, actor.tenantId, problem.taskId);
  if (!task) return { ok: false, reason: '该事项不存在或已删除。' };
  const allowed = permitted(actor, task, 'answerProblem');
  if (!allowed.ok) return allowed;
  if (problem.withdrawn) return { ok: false, reason: '反映人已撤回这条问题，无需处理。' };
  const done = await db.problemAnswer.findUnique({ where: { reportId: problem.id } });
  if (done) return { ok: false, reason: `这条问题已处理（${done.outcome}），无需重复操作。`, already: true };
  let toUnit: { id: number; name: string } | null = null;
  if (input.outcome === '已转办') {
    const name = input.toUnitName?.trim();
    if (!name) return { ok: false, reason: '转办请填写承办单位。' };
    const units = await db.unit.findMany({ where: { tenantId: actor.tenantId, active: true }, select: { id: true, name: true } });
    toUnit = units.find((u) => u.name === name) ?? units.find((u) => u.name.includes(name)) ?? null;
    if (!toUnit) return { ok: false, reason: `没有找到名称含「${name}」的单位。` };
  }
  const now = clock.now();
  try {
    return await db.$transaction(async (tx) => {
      await tx.problemAnswer.create({ data: { reportId: problem.id, tenantId: actor.tenantId, outcome: input.outcome, answer: input.answer, toUnitId: toUnit?.id ?? null, byId: actor.personId, at: now } });
      await recordAudit(tx, [{ tenantId: actor.tenantId, actor: who(actor), entity: 'report', entityId: problem.id, action: 'update', at: now, before: { answered: false }, after: { outcome: input.outcome, answer: input.answer, toUnit: toUnit?.name ?? null } }]);
      const result: ProblemAnswered = { problem, task, outcome: input.outcome, answer: input.answer, toUnit, at: now };
      await effects?.(tx, result);
      return { ok: true as const, ...result };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return { ok: false, reason: '这条问题刚刚已被处理。', already: true };
    throw err;
  }
}

// ---- 批示

export interface Instructed { id: number; task: TaskRecord; at: Date; duplicate: boolean }

export async function instructTask(
  db: Db, clock: Clock, actor: LedgerActor, task: TaskRecord, text: string, sourceRef: string,
  effects?: Effects<Instructed>,
): Promise<Outcome<Instructed>> {
  const allowed = permitted(actor, task, 'instruct');
  if (!allowed.ok) return allowed;
  const existing = await db.instruction.findUnique({ where: { tenantId_sourceRef: { tenantId: task.tenantId, sourceRef } } });
  if (existing) return { ok: true, id: existing.id, task, at: existing.at, duplicate: true };
  const now = clock.now();
  try {
    return await db.$transaction(async (tx: Tx) => {
      const row = await tx.instruction.create({ data: { tenantId: task.tenantId, taskId: task.id, leaderId: actor.personId, at: now, text, sourceRef } });
      await recordAudit(tx, [{ tenantId: task.tenantId, actor: who(actor), entity: 'task', entityId: task.id, action: 'update', at: now, after: { instruction: row.id, text } }]);
      const result: Instructed = { id: row.id, task, at: now, duplicate: false };
      await effects?.(tx, result);
      return { ok: true as const, ...result };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      const row = await db.instruction.findUnique({ where: { tenantId_sourceRef: { tenantId: task.tenantId, sourceRef } } });
      if (row) return { ok: true, id: row.id, task, at: row.at, duplicate: true };
    }
    throw err;
  }
}
