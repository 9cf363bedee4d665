// Storage of 成果 (achievements): recording one (idempotent by the message or click that asked),
// the office's decision (state checked inside the transaction, audited), and the card for it.
import { addDays, shanghaiDate, shanghaiInstant, shanghaiShort } from '../core/dates.js';
import type { AchievementFact } from '../core/pilot/honour-mix.js';
import { checkPermission } from '../core/permissions.js';
import { checkDecision, parseAchievementCategories, type AchievementCategory } from '../core/pilot/achievements.js';
import type { Db, DbOrTx, Tx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import { getSetting } from '../db/repos/settings.js';
import type { Clock } from '../clock.js';
import { IDENTICAL_REPORT_WINDOW_MS, type LedgerActor, type TaskRecord } from '../ledger/actions.js';
import { renderCard, type Card } from '../cards/render.js';
import { md, type Md } from '../cards/markup.js';
import { inUnit } from '../core/permissions.js';

export async function achievementCategories(db: DbOrTx, tenantId: number): Promise<AchievementCategory[]> {
  return parseAchievementCategories(await getSetting(db, tenantId, 'achievements'));
}

export type AchievementRow = NonNullable<Awaited<ReturnType<Db['achievement']['findUnique']>>>;

/** Two identical 成果 by one person on one task this close together are one (as for 进展). */
export const IDENTICAL_ACHIEVEMENT_WINDOW_MS = IDENTICAL_REPORT_WINDOW_MS;

export type Outcome<T> = ({ ok: true } & T) | { ok: false; reason: string };

/**
 * A unit records an achievement on a task (待确认). Lead unit, co-units, lead leaders and the office may.
 * `sourceRef` makes it once: a re-delivered message finds the row it already wrote (`created: false`).
 */
export async function recordAchievement(
  db: Db,
  clock: Clock,
  actor: LedgerActor,
  task: TaskRecord,
  input: { category: string; description: string; evidence?: string | null; sourceRef: string },
  after: (tx: Tx, row: AchievementRow) => Promise<void>,
): Promise<Outcome<{ row: AchievementRow; created: boolean }>> {
  const perm = checkPermission(actor, task, 'report');
  if (!perm.ok) return { ok: false, reason: perm.reason.replace('不能报送', '不能报送成果') };
  return db.$transaction(async (tx) => {
    const existing = await tx.achievement.findUnique({ where: { tenantId_sourceRef: { tenantId: task.tenantId, sourceRef: input.sourceRef } } });
    if (existing) return { ok: true as const, row: existing, created: false };
    // Read inside the transaction: a task revoked meanwhile takes no achievement (已销号 still does —
    // recognition often comes after the work is closed out).
    const current = await tx.task.findUnique({ where: { id: task.id }, select: { status: true } });
    if (current?.status === '已撤销') return { ok: false as const, reason: '该事项已被改革办撤销，不再接收成果。' };
    const now = clock.now();
    // The same achievement typed again by the same person moments later is the one already recorded.
    const same = await tx.achievement.findFirst({
      where: {
        tenantId: task.tenantId, taskId: task.id, reporterId: actor.personId, category: input.category, description: input.description,
        createdAt: { gte: new Date(now.getTime() - IDENTICAL_ACHIEVEMENT_WINDOW_MS) },
      },
      orderBy: { id: 'desc' },
    });
    if (same) return { ok: true as const, row: same, created: false };
    const row = await tx.achievement.create({
      data: {
        tenantId: task.tenantId, unitId: [task.leadUnitId, ...(task.jointLeadUnitIds ?? []), ...task.coUnitIds].find((id) => inUnit(actor, id)) ?? task.leadUnitId, // a lead unit before a co-unit
        taskId: task.id, category: input.category, description: input.description, evidence: input.evidence ?? null,
        achievedOn: shanghaiDate(now), reporterId: actor.personId, sourceRef: input.sourceRef, createdAt: now,
      },
    });
    await recordAudit(tx, [{ tenantId: task.tenantId, actor: actor.name, entity: 'achievement', entityId: row.id, action: 'create', after: row, at: now }]);
    await after(tx, row);
    return { ok: true as const, row, created: true };
  });
}

/** The office confirms (已确认) or refuses (不予认定, with a reason) — once; audited with before/after. */
export async function decideAchievement(
  db: Db,
  clock: Clock,
  actor: LedgerActor,
  id: number,
  decision: 'confirm' | 'reject',
  note: string | null,
  after: (tx: Tx, row: AchievementRow) => Promise<void>,
): Promise<Outcome<{ row: AchievementRow }> | { ok: false; reason: string; row: AchievementRow }> {
  if (!actor.roles.includes('ADMIN')) return { ok: false, reason: '只有改革办可以确认成果。' };
  return db.$transaction(async (tx) => {
    const before = await tx.achievement.findFirst({ where: { id, tenantId: actor.tenantId } });
    if (!before) return { ok: false as const, reason: '没有找到这项成果。' };
    const check = checkDecision(before.status, decision, note);
    if (!check.ok) return { ok: false as const, reason: check.reason, row: before };
    const now = clock.now();
    // Conditional update: two clicks at once decide once.
    const changed = await tx.achievement.updateMany({
      where: { id, status: '待确认' },
      data: { status: decision === 'confirm' ? '已确认' : '不予认定', decidedById: actor.personId, decidedAt: now, decisionNote: note },
    });
    const row = (await tx.achievement.findUnique({ where: { id } }))!;
    if (changed.count === 0) return { ok: false as const, reason: '该成果已作出决定，不能重复处理。', row };
    await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actor.name, entity: 'achievement', entityId: id, action: 'update', before, after: row, at: now }]);
    await after(tx, row);
    return { ok: true as const, row };
  });
}

export interface AchievementCardInfo {
  code: string;
  taskTitle: string;
  unit: string;
  reporter: string;
  points: number;
}

export function achievementReviewCard(row: AchievementRow, info: AchievementCardInfo): Card {
  const done = row.status !== '待确认';
  const doneText: Md = row.status === '已确认'
    ? md`已确认 · ${row.decidedAt ? shanghaiShort(row.decidedAt) : ''}`
    : md`不予认定 · ${row.decisionNote ?? ''}`;
  return renderCard('achievement-review', {
    headerTitle: row.status === '待确认' ? '成果待确认' : row.status === '已确认' ? '成果已确认' : '成果不予认定',
    headerColor: row.status === '待确认' ? 'orange' : row.status === '已确认' ? 'green' : 'grey',
    code: info.code, unit: info.unit, category: row.category, points: info.points, description: row.description,
    taskTitle: info.taskTitle, evidence: row.evidence ?? '—', reporter: info.reporter, achievedOn: row.achievedOn,
    done, doneText, achievementId: row.id,
  });
}

/** Achievements confirmed in the period, as the honour roll reads them (src/core/pilot/honour-mix.ts). */
export async function loadConfirmedAchievements(db: DbOrTx, tenantId: number, period: { start: string; end: string }): Promise<AchievementFact[]> {
  const rows = await db.achievement.findMany({
    where: { tenantId, status: '已确认', decidedAt: { gte: shanghaiInstant(period.start), lt: shanghaiInstant(addDays(period.end, 1)) } },
    orderBy: { id: 'asc' },
  });
  // A revoked task's achievements do not score: the task no longer stands.
  const taskIds = [...new Set(rows.flatMap((r) => (r.taskId === null ? [] : [r.taskId])))];
  const revoked = new Set((await db.task.findMany({ where: { id: { in: taskIds }, status: '已撤销' }, select: { id: true } })).map((t) => t.id));
  return rows.filter((r) => r.taskId === null || !revoked.has(r.taskId)).map((r) => ({ id: r.id, unitId: r.unitId, category: r.category, description: r.description, status: r.status, confirmedOn: r.decidedAt ? shanghaiDate(r.decidedAt) : null }));
}
