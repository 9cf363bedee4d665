// 储备库 (议题储备库): candidate reforms with their source. The office tags items as 深改委议题 for a
// meeting (一会一主题), runs each through 风控审查 (four dimensions) and makes a passed one a ledger task
// (立项). Permission, state, audit and the messages caused, in one transaction per action.
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/repos/audit.js';
import type { DbOrTx } from '../db/client.js';
import { checkLoopPermission } from '../core/loop/permissions.js';
import { canLaunch, canReview, judgeReview, reserveStatusAfter, type DimensionReview, type ReserveStatus, type RiskResult } from '../core/loop/risk.js';
import type { LedgerActor } from '../ledger/actions.js';
import { actorKey, isUniqueViolation, type Db, type Effects, type Outcome } from './common.js';
import { createLoopTask, type NewTaskInput } from './tasks.js';

export const TOPIC_TAG = '深改委议题';

export interface ReviewRecord { id: number; verdict: RiskResult; dimensions: DimensionReview[]; reviewerName: string; reviewedAt: Date }

export interface ReserveRecord {
  id: number;
  tenantId: number;
  number: string;
  title: string;
  summary: string | null;
  source: string;
  suggestionId: number | null;
  suggestionNumber: string | null;
  tags: string[];
  meeting: string | null;
  status: ReserveStatus;
  taskId: number | null;
  taskCode: string | null;
  reviews: ReviewRecord[];
}

export async function reviewsOf(db: DbOrTx, tenantId: number, where: { reserveItemId?: number; taskId?: number }): Promise<ReviewRecord[]> {
  const rows = await db.riskReview.findMany({ where: { tenantId, ...where }, orderBy: { id: 'asc' } });
  const people = await db.person.findMany({ where: { tenantId, id: { in: rows.map((r) => r.reviewerId) } }, select: { id: true, name: true } });
  return rows.map((r) => ({ id: r.id, verdict: r.verdict as RiskResult, dimensions: JSON.parse(r.dimensions) as DimensionReview[], reviewerName: people.find((p) => p.id === r.reviewerId)?.name ?? '—', reviewedAt: r.reviewedAt }));
}

export async function loadReserve(db: DbOrTx, tenantId: number, id: number): Promise<ReserveRecord | null> {
  const r = await db.reserveItem.findFirst({ where: { tenantId, id } });
  if (!r) return null;
  const suggestion = r.suggestionId ? await db.suggestion.findFirst({ where: { tenantId, id: r.suggestionId }, select: { number: true } }) : null;
  const task = r.taskId ? await db.task.findFirst({ where: { tenantId, id: r.taskId }, select: { code: true } }) : null;
  return {
    id: r.id, tenantId, number: r.number, title: r.title, summary: r.summary, source: r.source, suggestionId: r.suggestionId,
    suggestionNumber: suggestion?.number ?? null, tags: r.tags.split(',').filter(Boolean), meeting: r.meeting, status: r.status as ReserveStatus,
    taskId: r.taskId, taskCode: task?.code ?? null, reviews: await reviewsOf(db, tenantId, { reserveItemId: r.id }),
  };
}

export async function listReserve(db: DbOrTx, tenantId: number, opts: { meeting?: string; take?: number } = {}): Promise<ReserveRecord[]> {
  const rows = await db.reserveItem.findMany({
    where: { tenantId, ...(opts.meeting ? { meeting: opts.meeting, tags: { contains: TOPIC_TAG } } : {}) },
    orderBy: { id: 'asc' }, take: opts.take ?? 200, select: { id: true },
  });
  const out: ReserveRecord[] = [];
  for (const r of rows) out.push((await loadReserve(db, tenantId, r.id))!);
  return out;
}

/** Tags an item 深改委议题 for a meeting (or moves it to another meeting). */
export async function tagTopic(db: Db, clock: Clock, actor: LedgerActor, item: ReserveRecord, meeting: string): Promise<Outcome<{ item: ReserveRecord; changed: boolean }>> {
  const allowed = checkLoopPermission(actor, 'handleSuggestion');
  if (!allowed.ok) return allowed;
  if (item.tags.includes(TOPIC_TAG) && item.meeting === meeting) return { ok: true, item, changed: false };
  const now = clock.now();
  return db.$transaction(async (tx) => {
    const tags = [...new Set([...item.tags, TOPIC_TAG])].join(',');
    await tx.reserveItem.update({ where: { id: item.id }, data: { tags, meeting } });
    await recordAudit(tx, [{ tenantId: item.tenantId, actor: actorKey(actor), entity: 'reserve', entityId: item.id, action: 'update', at: now, before: { tags: item.tags.join(','), meeting: item.meeting }, after: { tags, meeting } }]);
    return { ok: true as const, item: (await loadReserve(tx, item.tenantId, item.id))!, changed: true };
  });
}

export interface ReviewResult { verdict: RiskResult; conditions: string[]; reviewId: number; at: Date; duplicate: boolean }

/**
 * 风控审查 of a 储备库 item (its status follows the verdict) or of a task flagged 需风控 (kept in its
 * history). `sourceRef` makes a repeated submission of the same form one review.
 */
export async function recordReview(
  db: Db, clock: Clock, actor: LedgerActor, subject: { item: ReserveRecord } | { taskId: number; tenantId: number },
  dimensions: Partial<DimensionReview>[], sourceRef: string, effects?: Effects<ReviewResult>,
): Promise<Outcome<ReviewResult>> {
  const allowed = checkLoopPermission(actor, 'review');
  if (!allowed.ok) return allowed;
  const tenantId = 'item' in subject ? subject.item.tenantId : subject.tenantId;
  if (tenantId !== actor.tenantId) return { ok: false, reason: '审查对象不存在。' };
  const same = await db.riskReview.findUnique({ where: { tenantId_sourceRef: { tenantId, sourceRef } } });
  if (same) return { ok: true, verdict: same.verdict as RiskResult, conditions: [], reviewId: same.id, at: same.reviewedAt, duplicate: true };
  if ('item' in subject) {
    const state = canReview(subject.item.status);
    if (!state.ok) return state;
  }
  const judged = judgeReview(dimensions);
  if (!judged.ok) return judged;
  const now = clock.now();
  try {
    return await db.$transaction(async (tx) => {
      if ('item' in subject) {
        const moved = await tx.reserveItem.updateMany({ where: { id: subject.item.id, status: subject.item.status }, data: { status: reserveStatusAfter(judged.verdict) } });
        if (moved.count === 0) return { ok: false as const, reason: '该议题刚刚已被他人更新，请刷新后再试。', already: true };
      }
      const row = await tx.riskReview.create({
        data: {
          tenantId, reserveItemId: 'item' in subject ? subject.item.id : null, taskId: 'taskId' in subject ? subject.taskId : null,
          dimensions: JSON.stringify(dimensions.map((d) => ({ dimension: d.dimension, result: d.result, note: d.note?.trim() ?? '' }))),
          verdict: judged.verdict, reviewerId: actor.personId, reviewedAt: now, sourceRef,
        },
      });
      await recordAudit(tx, [{
        tenantId, actor: actorKey(actor), entity: 'risk', entityId: row.id, action: 'create', at: now,
        after: { reserveItemId: row.reserveItemId, taskId: row.taskId, verdict: judged.verdict, dimensions },
        ...('item' in subject ? { before: { status: subject.item.status } } : {}),
      }]);
      if ('taskId' in subject) await recordAudit(tx, [{ tenantId, actor: actorKey(actor), entity: 'task', entityId: subject.taskId, action: 'update', at: now, after: { riskReview: row.id, verdict: judged.verdict } }]);
      const result: ReviewResult = { verdict: judged.verdict, conditions: judged.conditions, reviewId: row.id, at: now, duplicate: false };
      await effects?.(tx, result);
      return { ok: true as const, ...result };
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const first = await db.riskReview.findUnique({ where: { tenantId_sourceRef: { tenantId, sourceRef } } });
    if (!first) throw err;
    return { ok: true, verdict: first.verdict as RiskResult, conditions: [], reviewId: first.id, at: first.reviewedAt, duplicate: true };
  }
}

export interface LaunchResult { taskId: number; code: string; at: Date }

/** 立项: a passed item becomes a ledger task 待签收; the 任务交办单 goes out in `effects`. */
export async function launchItem(db: Db, clock: Clock, actor: LedgerActor, item: ReserveRecord, input: NewTaskInput, effects?: Effects<LaunchResult>): Promise<Outcome<LaunchResult>> {
  const allowed = checkLoopPermission(actor, 'launch');
  if (!allowed.ok) return allowed;
  if (item.tenantId !== actor.tenantId) return { ok: false, reason: '该议题不存在。' };
  const state = canLaunch(item.status);
  if (!state.ok) return state;
  const conditions = item.reviews.at(-1)?.dimensions.filter((d) => d.result === '有条件通过').map((d) => `${d.dimension}：${d.note}`) ?? [];
  const now = clock.now();
  return db.$transaction(async (tx) => {
    // Claim the item first: two 立项 racing make one task.
    const claimed = await tx.reserveItem.updateMany({ where: { id: item.id, status: item.status, taskId: null }, data: { status: '已立项' } });
    if (claimed.count === 0) return { ok: false as const, reason: '该议题刚刚已立项，无需重复立项。', already: true };
    const task = await createLoopTask(tx, item.tenantId, actorKey(actor), now, {
      ...input, implementationPath: input.implementationPath ?? (conditions.length ? `风控审查条件：${conditions.join('；')}` : null),
    }, { kind: item.suggestionId ? '改革建议' : item.source === '揭榜挂帅' ? '揭榜挂帅' : '改革办', reserveItemId: item.id, suggestionId: item.suggestionId });
    await tx.reserveItem.update({ where: { id: item.id }, data: { taskId: task.id } });
    await recordAudit(tx, [{ tenantId: item.tenantId, actor: actorKey(actor), entity: 'reserve', entityId: item.id, action: 'update', at: now, before: { status: item.status }, after: { status: '已立项', taskId: task.id, code: task.code } }]);
    const result: LaunchResult = { taskId: task.id, code: task.code, at: now };
    await effects?.(tx, result);
    return { ok: true as const, ...result };
  });
}
