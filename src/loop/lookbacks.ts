// 回头看: N months after a task was closed out its lead unit says how the reform holds up (持续见效 /
// 效果减弱 / 已停止运行, evidence, numbers); the office may reopen a weak or stopped one as a follow-up
// task. The months are the setting "lookback" (core/loop/lookback.ts).
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/repos/audit.js';
import { getSetting } from '../db/repos/settings.js';
import type { DbOrTx } from '../db/client.js';
import { shanghaiDate } from '../core/dates.js';
import { canReopen, checkAnswer, lookbackDueOn, parseLookbackSetting, type LookbackAnswer, type LookbackSetting } from '../core/loop/lookback.js';
import { checkLoopPermission } from '../core/loop/permissions.js';
import type { LedgerActor } from '../ledger/actions.js';
import { actorKey, isUniqueViolation, type Db, type Effects, type Outcome } from './common.js';
import { createLoopTask } from './tasks.js';

export async function lookbackSetting(db: DbOrTx, tenantId: number): Promise<LookbackSetting> {
  return parseLookbackSetting(await getSetting(db, tenantId, 'lookback'));
}

export interface LookbackItem {
  taskId: number; code: string; title: string; category: string; leadUnitId: number; leadUnitName: string; closedOn: string; dueOn: string;
  lookbackId: number | null; answer: LookbackAnswer | null; evidence: string | null; numbers: string | null; answeredAt: Date | null; followUpTaskId: number | null;
}

/** Closed-out tasks whose 回头看 is due by `today` (answered or not), oldest due first. */
export async function lookbacksDue(db: DbOrTx, tenantId: number, today: string, opts: { unitId?: number; unitIds?: readonly number[]; setting?: LookbackSetting } = {}): Promise<LookbackItem[]> {
  const setting = opts.setting ?? await lookbackSetting(db, tenantId);
  const tasks = await db.task.findMany({
    where: { tenantId, status: '已销号', closedOn: { not: null }, ...(opts.unitId ? { leadUnitId: opts.unitId } : {}), ...(opts.unitIds ? { leadUnitId: { in: [...opts.unitIds] } } : {}) },
    select: { id: true, code: true, title: true, category: true, leadUnitId: true, closedOn: true, leadUnit: { select: { name: true } } },
    orderBy: { closedOn: 'asc' },
  });
  const due = tasks.map((t) => ({ t, dueOn: lookbackDueOn(t.closedOn!, t.category, setting) })).filter((x) => x.dueOn <= today);
  const rows = await db.lookback.findMany({ where: { tenantId, taskId: { in: due.map((d) => d.t.id) } } });
  return due.map(({ t, dueOn }) => {
    const l = rows.find((r) => r.taskId === t.id && r.dueOn === dueOn);
    return {
      taskId: t.id, code: t.code, title: t.title, category: t.category, leadUnitId: t.leadUnitId, leadUnitName: t.leadUnit.name, closedOn: t.closedOn!, dueOn,
      lookbackId: l?.id ?? null, answer: (l?.answer ?? null) as LookbackAnswer | null, evidence: l?.evidence ?? null, numbers: l?.numbers ?? null, answeredAt: l?.answeredAt ?? null, followUpTaskId: l?.followUpTaskId ?? null,
    };
  }).sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.code.localeCompare(b.code));
}

export async function lookbackFor(db: DbOrTx, tenantId: number, taskId: number, today: string): Promise<LookbackItem | null> {
  return (await lookbacksDue(db, tenantId, today)).find((l) => l.taskId === taskId) ?? null;
}

export async function answerLookback(
  db: Db, clock: Clock, actor: LedgerActor, item: LookbackItem, input: { answer: unknown; evidence: string; numbers: string | null }, effects?: Effects<{ item: LookbackItem; at: Date }>,
): Promise<Outcome<{ item: LookbackItem; at: Date }>> {
  const allowed = checkLoopPermission(actor, 'answerLookback', { unitId: item.leadUnitId, unitName: item.leadUnitName });
  if (!allowed.ok) return allowed;
  if (item.answer) return { ok: false, reason: `该事项的回头看已于此前答复（${item.answer}），无需重复填报。`, already: true };
  const checked = checkAnswer(input.answer, input.evidence);
  if (!checked.ok) return checked;
  const now = clock.now();
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.lookback.create({ data: { tenantId: actor.tenantId, taskId: item.taskId, dueOn: item.dueOn, answer: checked.answer, evidence: input.evidence, numbers: input.numbers, answeredById: actor.personId, answeredAt: now } });
      await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actorKey(actor), entity: 'lookback', entityId: row.id, action: 'create', at: now, after: { taskId: item.taskId, dueOn: item.dueOn, answer: checked.answer, evidence: input.evidence, numbers: input.numbers } }]);
      const result = { item: { ...item, lookbackId: row.id, answer: checked.answer, evidence: input.evidence, numbers: input.numbers, answeredAt: now }, at: now };
      await effects?.(tx, result);
      return { ok: true as const, ...result };
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, reason: '该事项的回头看刚刚已答复，无需重复填报。', already: true };
    throw err;
  }
}

/** A weak or stopped reform reopened as a follow-up task (same lead unit), linked both ways. */
export async function reopenLookback(db: Db, clock: Clock, actor: LedgerActor, item: LookbackItem, deadline: string, effects?: Effects<{ taskId: number; code: string; at: Date }>): Promise<Outcome<{ taskId: number; code: string; at: Date }>> {
  const allowed = checkLoopPermission(actor, 'reopen');
  if (!allowed.ok) return allowed;
  const check = canReopen(item.answer, item.followUpTaskId);
  if (!check.ok) return check;
  const now = clock.now();
  if (deadline < shanghaiDate(now)) return { ok: false, reason: `完成时限（${deadline}）已过。` };
  return db.$transaction(async (tx) => {
    const claimed = await tx.lookback.updateMany({ where: { id: item.lookbackId!, followUpTaskId: null }, data: { followUpTaskId: -1 } });
    if (claimed.count === 0) return { ok: false as const, reason: '该事项已立为后续整改事项，无需重复。', already: true };
    const task = await createLoopTask(tx, actor.tenantId, actorKey(actor), now, {
      title: `${item.title}（回头看整改）`, category: item.category, leadUnitId: item.leadUnitId, leaderIds: [], coUnitIds: [], deadline, milestones: [],
      implementationPath: `回头看（${item.dueOn}）：${item.answer}。${item.evidence ?? ''}`, tags: ['回头看整改'],
    }, { kind: '回头看', lookbackId: item.lookbackId });
    await tx.lookback.update({ where: { id: item.lookbackId! }, data: { followUpTaskId: task.id } });
    await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actorKey(actor), entity: 'lookback', entityId: item.lookbackId!, action: 'update', at: now, before: { followUpTaskId: null }, after: { followUpTaskId: task.id, code: task.code } }]);
    const result = { taskId: task.id, code: task.code, at: now };
    await effects?.(tx, result);
    return { ok: true as const, ...result };
  });
}
