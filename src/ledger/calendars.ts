// The working-day calendar of each tenant, and the office's changes to it.
//
// calendarFor(tenantId) is the one way jobs, 三色督办 colours and the chat get a calendar: the
// holiday library with the statutory computation below it, CALENDAR_OVERRIDES_FILE above it (the
// operator's, for every tenant), and the tenant's own CalendarDay entries on top (the office's:
// `taizhang calendar set`, 「日历」 in the chat). Calendars are cached per tenant with the tenant's
// CalendarRevision; every use reads that one integer (a primary-key lookup), so a change made by
// another bot instance on the same database is seen on the next use, and an unchanged calendar is
// never rebuilt. A tenant that never entered a day shares the base calendar.
//
// A change (set/unset) is one transaction: the entry, the revision, an AuditLog row (entity
// "calendar") and the clearing of the tenant's stored colours (overdue working days may change).
import type { CalendarOverrides, DayInfo, WorkingCalendar } from '../core/calendar.js';
import { createWorkingCalendar } from '../core/calendar-data.js';
import type { CalendarEntry } from '../core/calendar-entry.js';
import type { IsoDate } from '../core/types.js';
import type { Db, DbOrTx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import { createHash } from 'node:crypto';
import {
  bumpCalendarRevision, calendarBaseHash, calendarRevision, recordCalendarBaseHash, deleteCalendarDay, findCalendarDay, listCalendarDays, toOverrides, upsertCalendarDay, type CalendarDayRow,
} from '../db/repos/calendar.js';
import { invalidateLevels } from './levels.js';

export interface CalendarProvider {
  /** The tenant's calendar, current with every instance's changes. */
  calendarFor(tenantId: number): Promise<WorkingCalendar>;
  /** Library + statutory computation + the operator's file, without any office's entries. */
  readonly base: WorkingCalendar;
  /** Forgets a tenant's cached calendar (all tenants without an argument). */
  invalidate(tenantId?: number): void;
}

/** @param fileOverrides CALENDAR_OVERRIDES_FILE, already parsed (src/core/calendar-data.ts) */
export function createCalendarProvider(db: Db, fileOverrides: CalendarOverrides = {}): CalendarProvider {
  const base = createWorkingCalendar(fileOverrides);
  const cache = new Map<number, { revision: number; calendar: WorkingCalendar }>();
  return {
    base,
    async calendarFor(tenantId) {
      const revision = await calendarRevision(db, tenantId);
      if (revision === 0) return base;
      const hit = cache.get(tenantId);
      if (hit && hit.revision === revision) return hit.calendar;
      // Entries read after the revision: at worst newer than it, and then rebuilt on the next use.
      const calendar = createWorkingCalendar(fileOverrides, toOverrides(await listCalendarDays(db, tenantId)));
      cache.set(tenantId, { revision, calendar });
      return calendar;
    },
    invalidate(tenantId) {
      if (tenantId === undefined) cache.clear();
      else cache.delete(tenantId);
    },
  };
}

/** A fingerprint of the base calendar (library + statutory computation + file): every special day. */
export function baseFingerprint(calendars: CalendarProvider): string {
  return createHash('sha256').update(JSON.stringify(calendars.base.allSpecialDays())).digest('hex').slice(0, 32);
}

/**
 * At start: when what lies under a tenant's entries changed since the last start (a new chinese-days
 * with next year's schedule, an edited CALENDAR_OVERRIDES_FILE, new statutory rules), the colours
 * stored for today were computed with the old calendar — clear them. Returns the tenants cleared.
 */
export async function noticeBaseCalendarChange(db: Db, calendars: CalendarProvider, tenantIds: readonly number[]): Promise<number[]> {
  const fingerprint = baseFingerprint(calendars);
  const cleared: number[] = [];
  for (const tenantId of tenantIds) {
    if ((await calendarBaseHash(db, tenantId)) === fingerprint) continue;
    await db.$transaction(async (tx) => {
      await invalidateLevels(tx, tenantId);
      await recordCalendarBaseHash(tx, tenantId, fingerprint);
    });
    cleared.push(tenantId);
  }
  return cleared;
}

export interface CalendarChange {
  date: IsoDate;
  /** False when the entry was already so (set) or absent (unset): nothing written for this day. */
  changed: boolean;
  before: CalendarDayRow | null;
  after: CalendarEntry | null;
  /** The day as the tenant's calendar answers before and after the change. */
  dayBefore: DayInfo;
  dayAfter: DayInfo;
}

const auditValue = (r: { kind: string; name: string | null } | null) => (r ? { kind: r.kind, name: r.name } : undefined);

/**
 * Sets days of the tenant's calendar (the office's entries, above the library, the statutory
 * computation and the file), all in one transaction. `actor` is recorded in each entry and in
 * the audit log. Days already set exactly so are left alone (changed: false).
 */
export async function setCalendarDays(db: Db, calendars: CalendarProvider, tenantId: number, entries: readonly CalendarEntry[], actor: string): Promise<CalendarChange[]> {
  const old = await calendars.calendarFor(tenantId);
  const befores = await db.$transaction(async (tx) => {
    const out: { before: CalendarDayRow | null; changed: boolean }[] = [];
    for (const entry of entries) {
      const before = await findCalendarDay(tx, tenantId, entry.date);
      const changed = !(before && before.kind === entry.kind && before.name === entry.name);
      if (changed) {
        await upsertCalendarDay(tx, tenantId, entry, actor);
        await recordAudit(tx, [{ tenantId, actor, entity: 'calendar', entityId: entry.date, action: before ? 'update' : 'create', before: auditValue(before), after: auditValue(entry) }]);
      }
      out.push({ before, changed });
    }
    if (out.some((o) => o.changed)) await changedCalendar(tx, tenantId);
    return out;
  });
  calendars.invalidate(tenantId);
  const now = await calendars.calendarFor(tenantId);
  return entries.map((entry, i) => ({
    date: entry.date, changed: befores[i]!.changed, before: befores[i]!.before, after: entry, dayBefore: old.describeDay(entry.date), dayAfter: now.describeDay(entry.date),
  }));
}

/** Removes the office's entries for these days; the file, the library or the statutory computation answer again. */
export async function unsetCalendarDays(db: Db, calendars: CalendarProvider, tenantId: number, dates: readonly IsoDate[], actor: string): Promise<CalendarChange[]> {
  const old = await calendars.calendarFor(tenantId);
  const befores = await db.$transaction(async (tx) => {
    const out: (CalendarDayRow | null)[] = [];
    for (const date of dates) {
      const row = await findCalendarDay(tx, tenantId, date);
      const removed = row !== null && (await deleteCalendarDay(tx, tenantId, date));
      if (removed) await recordAudit(tx, [{ tenantId, actor, entity: 'calendar', entityId: date, action: 'delete', before: auditValue(row) }]);
      out.push(removed ? row : null);
    }
    if (out.some((r) => r !== null)) await changedCalendar(tx, tenantId);
    return out;
  });
  calendars.invalidate(tenantId);
  const now = await calendars.calendarFor(tenantId);
  return dates.map((date, i) => ({ date, changed: befores[i] !== null, before: befores[i] ?? null, after: null, dayBefore: old.describeDay(date), dayAfter: now.describeDay(date) }));
}

/** In the change's transaction: other instances rebuild their calendar; stored colours are recomputed. */
async function changedCalendar(tx: DbOrTx, tenantId: number): Promise<void> {
  await bumpCalendarRevision(tx, tenantId);
  // Overdue working days (and so colours) may differ under the new calendar.
  await invalidateLevels(tx, tenantId);
}
