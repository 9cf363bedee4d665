// The 前哨站 units (改革前哨站): each is asked monthly for one suggestion.
import type { DbOrTx } from '../db/client.js';

/** The active units that are 前哨站, in id order. */
export async function loadOutposts(db: DbOrTx, tenantId: number): Promise<{ id: number; name: string }[]> {
  const rows = await db.outpost.findMany({ where: { tenantId } });
  return db.unit.findMany({ where: { tenantId, active: true, id: { in: rows.map((r) => r.unitId) } }, orderBy: { id: 'asc' }, select: { id: true, name: true } });
}
