// The office's calendar entries (CalendarDay) and their per-tenant revision (CalendarRevision).
// Validation and the rest of a change (audit, colours) belong to src/ledger/calendars.ts, which
// calls these inside one transaction.
import type { CalendarOverrides, OverrideKind } from '../../core/calendar.js';
import type { IsoDate } from '../../core/types.js';
import type { DbOrTx } from '../client.js';

export interface CalendarDayRow {
  date: IsoDate;
  kind: OverrideKind;
  name: string | null;
  updatedBy: string;
  updatedAt: Date;
}

/** The tenant's entries, by date; `year` limits them to one year. */
export async function listCalendarDays(db: DbOrTx, tenantId: number, year?: number): Promise<CalendarDayRow[]> {
  const rows = await db.calendarDay.findMany({
    where: { tenantId, ...(year !== undefined ? { date: { startsWith: `${String(year).padStart(4, '0')}-` } } : {}) },
    orderBy: { date: 'asc' },
  });
  return rows.map((r) => ({ date: r.date, kind: r.kind as OverrideKind, name: r.name, updatedBy: r.updatedBy, updatedAt: r.updatedAt }));
}

/** The entries as the calendar takes them. */
export function toOverrides(rows: readonly CalendarDayRow[]): CalendarOverrides {
  const out: CalendarOverrides = {};
  for (const r of rows) out[r.date] = r.name ? { type: r.kind, name: r.name } : r.kind;
  return out;
}

export async function findCalendarDay(db: DbOrTx, tenantId: number, date: IsoDate): Promise<CalendarDayRow | null> {
  const r = await db.calendarDay.findUnique({ where: { tenantId_date: { tenantId, date } } });
  return r ? { date: r.date, kind: r.kind as OverrideKind, name: r.name, updatedBy: r.updatedBy, updatedAt: r.updatedAt } : null;
}

export async function upsertCalendarDay(db: DbOrTx, tenantId: number, entry: { date: IsoDate; kind: OverrideKind; name: string | null }, actor: string): Promise<void> {
  const data = { kind: entry.kind, name: entry.name, updatedBy: actor };
  await db.calendarDay.upsert({ where: { tenantId_date: { tenantId, date: entry.date } }, create: { tenantId, date: entry.date, ...data }, update: data });
}

export async function deleteCalendarDay(db: DbOrTx, tenantId: number, date: IsoDate): Promise<boolean> {
  const r = await db.calendarDay.deleteMany({ where: { tenantId, date } });
  return r.count > 0;
}

/** The tenant's revision: 0 until its first change. Raw SQL: read for every event (a Prisma call costs ~0.5 ms of CPU compiling). */
export async function calendarRevision(db: DbOrTx, tenantId: number): Promise<number> {
  const rows = await db.$queryRaw<{ revision: number | bigint }[]>`SELECT "revision" FROM "CalendarRevision" WHERE "tenantId" = ${tenantId}`;
  return rows[0] ? Number(rows[0].revision) : 0;
}

/** The fingerprint of the calendar under the office's entries at the last start ('' when never recorded). */
export async function calendarBaseHash(db: DbOrTx, tenantId: number): Promise<string> {
  const r = await db.calendarRevision.findUnique({ where: { tenantId }, select: { baseHash: true } });
  return r?.baseHash ?? '';
}

export async function recordCalendarBaseHash(db: DbOrTx, tenantId: number, baseHash: string): Promise<void> {
  await db.calendarRevision.upsert({ where: { tenantId }, create: { tenantId, revision: 0, baseHash }, update: { baseHash } });
}

/** Raises the revision by one (call in the transaction of the change). */
export async function bumpCalendarRevision(db: DbOrTx, tenantId: number): Promise<number> {
  const r = await db.calendarRevision.upsert({ where: { tenantId }, create: { tenantId, revision: 1 }, update: { revision: { increment: 1 } }, select: { revision: true } });
  return r.revision;
}
