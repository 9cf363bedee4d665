// 改革建议: made by anyone registered (text or form), numbered JY-<year>-NNN, owned by someone in the
// office; the office adopts it into the 储备库, sends it to a unit to study, merges or declines it.
// Each action: permission (core/loop/permissions), state (core/loop/suggestion), one transaction
// with its audit entry and the messages it causes (effects), guarded against a concurrent click.
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/repos/audit.js';
import { shanghaiDate } from '../core/dates.js';
import { formatNumber } from '../core/loop/numbers.js';
import { checkLoopPermission } from '../core/loop/permissions.js';
import { applySuggestionAction, type SuggestionAction, type SuggestionStatus } from '../core/loop/suggestion.js';
import type { LedgerActor } from '../ledger/actions.js';
import { actorKey, isUniqueViolation, nextSerial, withSerialRetry, type Db, type Effects, type Outcome, type Tx } from './common.js';
import type { DbOrTx } from '../db/client.js';

export interface SuggestionRecord {
  id: number;
  tenantId: number;
  number: string;
  title: string;
  problem: string | null;
  proposal: string | null;
  proposedLeadUnit: string | null;
  status: SuggestionStatus;
  outcome: string | null;
  suggesterId: number;
  suggesterName: string;
  suggesterOpenId: string | null;
  suggesterUnit: string | null;
  ownerId: number | null;
  ownerName: string | null;
  studyUnitId: number | null;
  studyUnitName: string | null;
  studyDue: string | null;
  studyAnswer: string | null;
  mergedIntoNumber: string | null;
  createdAt: Date;
}

export async function loadSuggestion(db: DbOrTx, tenantId: number, id: number): Promise<SuggestionRecord | null> {
  const s = await db.suggestion.findFirst({ where: { tenantId, id } });
  if (!s) return null;
  const people = await db.person.findMany({ where: { tenantId, id: { in: [s.suggesterId, ...(s.ownerId ? [s.ownerId] : [])] } }, include: { unit: { select: { name: true } } } });
  const suggester = people.find((p) => p.id === s.suggesterId);
  const owner = people.find((p) => p.id === s.ownerId);
  const studyUnit = s.studyUnitId ? await db.unit.findFirst({ where: { tenantId, id: s.studyUnitId }, select: { name: true } }) : null;
  const into = s.mergedIntoId ? await db.suggestion.findFirst({ where: { tenantId, id: s.mergedIntoId }, select: { number: true } }) : null;
  return {
    id: s.id, tenantId: s.tenantId, number: s.number, title: s.title, problem: s.problem, proposal: s.proposal, proposedLeadUnit: s.proposedLeadUnit,
    status: s.status as SuggestionStatus, outcome: s.outcome, suggesterId: s.suggesterId, suggesterName: suggester?.name ?? '—',
    suggesterOpenId: suggester?.openId ?? null, suggesterUnit: suggester?.unit?.name ?? null, ownerId: s.ownerId, ownerName: owner?.name ?? null,
    studyUnitId: s.studyUnitId, studyUnitName: studyUnit?.name ?? null, studyDue: s.studyDue, studyAnswer: s.studyAnswer,
    mergedIntoNumber: into?.number ?? null, createdAt: s.createdAt,
  };
}

export interface SuggestionInput {
  title: string;
  problem?: string | null;
  proposal?: string | null;
  proposedLeadUnit?: string | null;
  /** The message or click that made it: a re-delivery finds the first. */
  sourceRef: string;
}

/** The office's person with the fewest open suggestions (ties: the earliest registered). */
async function pickOwner(tx: Tx, tenantId: number): Promise<number | null> {
  const admins = await tx.person.findMany({ where: { tenantId, active: true, roles: { contains: 'ADMIN' } }, orderBy: { id: 'asc' }, select: { id: true, roles: true } });
  const office = admins.filter((a) => a.roles.split(',').includes('ADMIN'));
  let best: { id: number; open: number } | null = null;
  for (const a of office) {
    const open = await tx.suggestion.count({ where: { tenantId, ownerId: a.id, status: { in: ['待处理', '研究中'] } } });
    if (!best || open < best.open) best = { id: a.id, open };
  }
  return best?.id ?? null;
}

/** Two identical suggestions by one person this close together are one. */
export const IDENTICAL_WINDOW_MS = 10 * 60_000;

export async function createSuggestion(
  db: Db, clock: Clock, actor: LedgerActor, input: SuggestionInput, effects?: Effects<{ suggestion: SuggestionRecord }>,
): Promise<Outcome<{ suggestion: SuggestionRecord; duplicate: boolean }>> {
  const allowed = checkLoopPermission(actor, 'suggest');
  if (!allowed.ok) return allowed;
  const existing = await db.suggestion.findUnique({ where: { tenantId_sourceRef: { tenantId: actor.tenantId, sourceRef: input.sourceRef } } });
  if (existing) return { ok: true, duplicate: true, suggestion: (await loadSuggestion(db, actor.tenantId, existing.id))! };
  const now = clock.now();
  // The same suggestion from the same person moments ago (提交 clicked twice, a message typed twice) is one.
  const same = await db.suggestion.findFirst({
    where: { tenantId: actor.tenantId, suggesterId: actor.personId, title: input.title, proposal: input.proposal ?? null, createdAt: { gte: new Date(now.getTime() - IDENTICAL_WINDOW_MS) } },
    select: { id: true },
  });
  if (same) return { ok: true, duplicate: true, suggestion: (await loadSuggestion(db, actor.tenantId, same.id))! };
  const year = Number(shanghaiDate(now).slice(0, 4));
  try {
    return await withSerialRetry(() => db.$transaction(async (tx) => {
      const serial = await nextSerial(tx, 'suggestion', actor.tenantId, year);
      const row = await tx.suggestion.create({
        data: {
          tenantId: actor.tenantId, number: formatNumber('suggestion', year, serial), year, serial, suggesterId: actor.personId,
          title: input.title, problem: input.problem ?? null, proposal: input.proposal ?? null, proposedLeadUnit: input.proposedLeadUnit ?? null,
          ownerId: await pickOwner(tx, actor.tenantId), sourceRef: input.sourceRef, createdAt: now,
        },
      });
      await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actorKey(actor), entity: 'suggestion', entityId: row.id, action: 'create', at: now, after: { number: row.number, title: row.title, ownerId: row.ownerId } }]);
      const suggestion = (await loadSuggestion(tx, actor.tenantId, row.id))!;
      await effects?.(tx, { suggestion });
      return { ok: true as const, duplicate: false, suggestion };
    }));
  } catch (err) {
    // The same message delivered twice at once: its sourceRef lets one through.
    if (!isUniqueViolation(err)) throw err;
    const first = await db.suggestion.findUnique({ where: { tenantId_sourceRef: { tenantId: actor.tenantId, sourceRef: input.sourceRef } } });
    if (!first) throw err;
    return { ok: true, duplicate: true, suggestion: (await loadSuggestion(db, actor.tenantId, first.id))! };
  }
}

export interface SuggestionActionInput {
  reason?: string | null;
  unitId?: number | null;
  due?: string | null;
  intoId?: number | null;
  answer?: string | null;
}

export interface SuggestionActionResult {
  suggestion: SuggestionRecord;
  from: SuggestionStatus;
  at: Date;
  /** 采纳入库: the 储备库 item made from it. */
  reserve?: { id: number; number: string };
}

/** 采纳入库 / 转单位研究 / 合并 / 不予采纳 (the office) and 单位答复 (the study unit). */
export async function actOnSuggestion(
  db: Db, clock: Clock, actor: LedgerActor, s: SuggestionRecord, action: SuggestionAction, input: SuggestionActionInput,
  effects?: Effects<SuggestionActionResult>,
): Promise<Outcome<SuggestionActionResult>> {
  if (actor.tenantId !== s.tenantId) return { ok: false, reason: '该建议不存在。' };
  const allowed = action === '单位答复'
    ? checkLoopPermission(actor, 'answerStudy', { unitId: s.studyUnitId, unitName: s.studyUnitName })
    : checkLoopPermission(actor, 'handleSuggestion');
  if (!allowed.ok) return allowed;
  const now = clock.now();
  const today = shanghaiDate(now);
  let intoStatus: SuggestionStatus | null = null;
  if (action === '合并' && input.intoId) {
    intoStatus = ((await db.suggestion.findFirst({ where: { tenantId: s.tenantId, id: input.intoId }, select: { status: true } }))?.status ?? null) as SuggestionStatus | null;
    if (!intoStatus) return { ok: false, reason: '要合并到的建议不存在。' };
  }
  if (action === '转单位研究' && input.unitId && !(await db.unit.findFirst({ where: { tenantId: s.tenantId, id: input.unitId, active: true } }))) {
    return { ok: false, reason: '研究单位不存在。' };
  }
  const t = applySuggestionAction(s.status, action, { ...input, today, selfId: s.id, intoStatus });
  if (!t.ok) return t;
  return withSerialRetry(() => db.$transaction(async (tx) => {
    const outcome = action === '不予采纳' ? input.reason!.trim() : action === '单位答复' ? input.answer!.trim() : s.outcome;
    const changed = await tx.suggestion.updateMany({
      where: { id: s.id, status: s.status },
      data: {
        status: t.to, outcome,
        ...(action === '转单位研究' ? { studyUnitId: input.unitId!, studyDue: input.due!, studyAnswer: null } : {}),
        ...(action === '单位答复' ? { studyAnswer: input.answer!.trim() } : {}),
        ...(action === '合并' ? { mergedIntoId: input.intoId! } : {}),
      },
    });
    if (changed.count === 0) return { ok: false as const, reason: '该建议刚刚已被他人办理，请刷新后查看。', already: true };
    let reserve: SuggestionActionResult['reserve'];
    if (action === '采纳入库') {
      const year = Number(today.slice(0, 4));
      const serial = await nextSerial(tx, 'reserve', s.tenantId, year);
      const item = await tx.reserveItem.create({
        data: {
          tenantId: s.tenantId, number: formatNumber('reserve', year, serial), year, serial, title: s.title,
          summary: [s.problem && `发现的问题：${s.problem}`, s.proposal && `建议举措：${s.proposal}`, s.proposedLeadUnit && `建议牵头单位：${s.proposedLeadUnit}`].filter(Boolean).join('\n') || null,
          source: '改革建议', suggestionId: s.id, createdById: actor.personId, createdAt: now,
        },
      });
      reserve = { id: item.id, number: item.number };
      await recordAudit(tx, [{ tenantId: s.tenantId, actor: actorKey(actor), entity: 'reserve', entityId: item.id, action: 'create', at: now, after: { number: item.number, source: '改革建议', suggestion: s.number } }]);
    }
    await recordAudit(tx, [{
      tenantId: s.tenantId, actor: actorKey(actor), entity: 'suggestion', entityId: s.id, action: 'update', at: now,
      before: { status: s.status }, after: { status: t.to, action, reason: input.reason ?? null, unitId: input.unitId ?? null, due: input.due ?? null, intoId: input.intoId ?? null, answer: input.answer ?? null, reserve: reserve?.number ?? null },
    }]);
    const result: SuggestionActionResult = { suggestion: (await loadSuggestion(tx, s.tenantId, s.id))!, from: s.status, at: now, ...(reserve ? { reserve } : {}) };
    await effects?.(tx, result);
    return { ok: true as const, ...result };
  }));
}

/** Suggestions waiting for the office (待处理, with a unit's answer or not), oldest first. */
export async function pendingSuggestions(db: DbOrTx, tenantId: number, opts: { since?: Date; take?: number } = {}): Promise<SuggestionRecord[]> {
  const rows = await db.suggestion.findMany({
    where: { tenantId, status: '待处理', ...(opts.since ? { createdAt: { gte: opts.since } } : {}) },
    orderBy: { id: 'asc' }, take: opts.take ?? 50, select: { id: true },
  });
  const out: SuggestionRecord[] = [];
  for (const r of rows) out.push((await loadSuggestion(db, tenantId, r.id))!);
  return out;
}
