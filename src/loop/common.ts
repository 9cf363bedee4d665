// Shared plumbing of the reform loop's storage: numbering (per tenant and year, unique), finding a
// record by a typed number, and retrying a transaction that lost a numbering race.
import { Prisma } from '../generated/prisma-sqlite/client.js';
import type { Db, DbOrTx, Tx } from '../db/client.js';
import { readNumber, type NumberKind } from '../core/loop/numbers.js';
import type { LedgerActor } from '../ledger/actions.js';

export type { Outcome, Effects } from '../ledger/actions.js';

export const actorKey = (a: LedgerActor) => `person:${a.personId}`;

/** The next serial of a kind for the tenant and year (inside the creating transaction). */
export async function nextSerial(tx: Tx, kind: NumberKind, tenantId: number, year: number): Promise<number> {
  const args = { where: { tenantId, year }, orderBy: { serial: 'desc' as const }, select: { serial: true } };
  const last = kind === 'suggestion' ? await tx.suggestion.findFirst(args)
    : kind === 'reserve' ? await tx.reserveItem.findFirst(args)
    : await tx.openCall.findFirst(args);
  return (last?.serial ?? 0) + 1;
}

/** Runs a creating transaction again when two creations took the same serial (unique violation). */
export async function withSerialRetry<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
    }
  }
}

export const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

/**
 * The id of the record a typed number names ("JY-2026-001", "001" — this year's, else the latest
 * year's), or a Chinese reason.
 */
export async function findByNumber(db: DbOrTx, kind: NumberKind, tenantId: number, typed: string, thisYear: number): Promise<{ ok: true; id: number } | { ok: false; reason: string }> {
  const what = kind === 'suggestion' ? '改革建议' : kind === 'reserve' ? '储备库议题' : '榜单';
  const n = readNumber(kind, typed);
  if (!n) return { ok: false, reason: `「${typed}」不是${what}编号。` };
  const years = n.year !== null ? [n.year] : [thisYear, thisYear - 1];
  for (const year of years) {
    const where = { tenantId, year, serial: n.serial };
    const hit = kind === 'suggestion' ? await db.suggestion.findFirst({ where, select: { id: true } })
      : kind === 'reserve' ? await db.reserveItem.findFirst({ where, select: { id: true } })
      : await db.openCall.findFirst({ where, select: { id: true } });
    if (hit) return { ok: true, id: hit.id };
  }
  return { ok: false, reason: `没有找到编号为「${typed}」的${what}。` };
}

export async function unitName(db: DbOrTx, tenantId: number, unitId: number | null): Promise<string | null> {
  if (unitId === null) return null;
  return (await db.unit.findFirst({ where: { tenantId, id: unitId }, select: { name: true } }))?.name ?? null;
}

export type { Db, Tx };
