// The ledger summary behind the 台账 card and `taizhang summary`: counts by status and colour,
// completion and on-time rates, per unit and per leader, for one day. Stale colours are
// recomputed first (src/ledger/levels.ts) — when at most SUMMARY_REFRESH_ROWS are, so a person never waits for a
// whole ledger's recompute (the scheduled pass does that ahead of the day); the counting itself
// is a GROUP BY in the database.
import type { DbOrTx } from '../db/client.js';
import { Prisma } from '../generated/prisma-sqlite/client.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { summarizeGroups, type LedgerStats, type StatsGroup } from '../core/stats.js';
import type { SupervisionThresholds } from '../core/supervision.js';
import type { IsoDate, SupervisionLevel, TaskStatus } from '../core/types.js';
import { refreshLevels } from './levels.js';

export interface LedgerSummary {
  today: IsoDate;
  stats: LedgerStats;
  unitNames: Map<number, string>;
  leaderNames: Map<number, string>;
  /** Tasks whose colour had to be recomputed first (0 when the colours were current). */
  refreshed: number;
  /** Tasks counted with an earlier day's colour: too many were stale to recompute while a person waits. */
  stale: number;
}

/**
 * Up to this many stale colours are recomputed while a person waits for a summary (0.1–0.5 s): a
 * working day's edits, or the whole of a ledger of that size on a new day. More (a new day on a
 * big ledger, before the pass ahead of the day has run): none; the summary counts the earlier
 * colours and says how many (LedgerSummary.stale).
 */
export const SUMMARY_REFRESH_ROWS = 6_000;

interface GroupRow { status: string; level: string; onTime: boolean | number | null; n: bigint | number }

export async function ledgerSummary(
  db: DbOrTx,
  tenantId: number,
  opts: { today: IsoDate; calendar: WorkingCalendar; thresholds?: SupervisionThresholds; unitId?: number; refreshLimit?: number },
): Promise<LedgerSummary> {
  const { refreshed, stale } = await refreshLevels(db, tenantId, { ...opts, maxRows: opts.refreshLimit ?? SUMMARY_REFRESH_ROWS });
  // Raw SQL throughout: a 台账 is asked for often, and each Prisma call costs ~0.5 ms of CPU
  // compiling its query (bench:reply); these are plain aggregates over both databases.
  const unitFilter = opts.unitId === undefined
    ? Prisma.empty
    : Prisma.sql` AND (t."leadUnitId" = ${opts.unitId}
        OR EXISTS (SELECT 1 FROM "TaskLeadUnit" j WHERE j."taskId" = t."id" AND j."unitId" = ${opts.unitId})
        OR EXISTS (SELECT 1 FROM "TaskCoUnit" c WHERE c."taskId" = t."id" AND c."unitId" = ${opts.unitId}))`;
  const [byUnit, byLeader, units, leaders] = await Promise.all([
    db.$queryRaw<(GroupRow & { leadUnitId: number | bigint })[]>`
      SELECT t."leadUnitId" AS "leadUnitId", t."status" AS "status", t."level" AS "level", t."onTime" AS "onTime", COUNT(*) AS "n"
      FROM "Task" t
      WHERE t."tenantId" = ${tenantId}${unitFilter}
      GROUP BY t."leadUnitId", t."status", t."level", t."onTime"`,
    // Prisma's groupBy cannot join; one plain aggregate over the link table does it for both databases.
    opts.unitId === undefined
      ? db.$queryRaw<(GroupRow & { personId: number })[]>`
          SELECT l."personId" AS "personId", t."status" AS "status", t."level" AS "level", t."onTime" AS "onTime", COUNT(*) AS "n"
          FROM "TaskLeadLeader" l JOIN "Task" t ON t."id" = l."taskId"
          WHERE t."tenantId" = ${tenantId}
          GROUP BY l."personId", t."status", t."level", t."onTime"`
      : Promise.resolve([]),
    db.$queryRaw<{ id: number | bigint; name: string }[]>`SELECT "id", "name" FROM "Unit" WHERE "tenantId" = ${tenantId}`,
    db.$queryRaw<{ id: number | bigint; name: string }[]>`SELECT "id", "name" FROM "Person" WHERE "tenantId" = ${tenantId} AND "roles" LIKE ${'%LEADER%'}`,
  ]);
  const group = (r: { status: string; level: string; onTime: boolean | number | null }, count: number): StatsGroup => ({
    status: r.status as TaskStatus, level: r.level as SupervisionLevel, onTime: r.onTime === null ? null : Boolean(r.onTime), count,
  });
  const unitGroups = byUnit.map((r) => ({ ...group(r, Number(r.n)), unitId: Number(r.leadUnitId) }));
  const stats = summarizeGroups(
    unitGroups,
    unitGroups,
    byLeader.map((r) => ({ ...group(r, Number(r.n)), leaderId: Number(r.personId) })),
  );
  return {
    today: opts.today, stats, refreshed, stale,
    unitNames: new Map(units.map((u) => [Number(u.id), u.name])),
    leaderNames: new Map(leaders.map((l) => [Number(l.id), l.name])),
  };
}
