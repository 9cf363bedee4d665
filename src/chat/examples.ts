// Examples in replies and the help card use a real code of the caller's ledger — their own unit's
// task when there is one — instead of a placeholder that exists in no ledger. The command table
// (verbs.ts) keeps `LY-012` as the placeholder; it is replaced here, at reply time.
import type { Db } from '../db/client.js';
import { OPEN_STATUSES } from '../core/types.js';
import type { LedgerActor } from '../ledger/actions.js';
import { replaceIn, type Md, type SafeText } from '../cards/markup.js';
import { actorUnitIds } from '../core/permissions.js';

/** The placeholder the command table's examples use. */
export const EXAMPLE_PLACEHOLDER = 'LY-012';
/** When the ledger has no task at all. */
const NO_CODE = '编号';

/**
 * A code for examples: an open task led by the caller's unit, else any task of it; for a county
 * leader, a task they lead; else any open task of the ledger, else any task ("编号" when empty).
 */
export async function exampleCode(db: Db, tenantId: number, actor: Pick<LedgerActor, 'unitId' | 'personId' | 'roles' | 'units'>): Promise<string> {
  const unitIds = actorUnitIds(actor);
  const pick = async (where: Record<string, unknown>) =>
    (await db.task.findFirst({ where: { tenantId, ...where }, orderBy: { codeKey: 'asc' }, select: { code: true } }))?.code;
  const open = { status: { in: [...OPEN_STATUSES] } };
  return (
    (unitIds.length ? (await pick({ leadUnitId: { in: unitIds }, ...open })) ?? (await pick({ leadUnitId: { in: unitIds } })) : undefined) ??
    (await pick({ leadLeaders: { some: { personId: actor.personId } } })) ??
    (await pick(open)) ??
    (await pick({})) ??
    NO_CODE
  );
}

/** The placeholder in an example replaced by a real code (escaped for where it goes). */
export function withExampleCode<T extends Md | SafeText>(m: T, code: string): T {
  return replaceIn(m, EXAMPLE_PLACEHOLDER, code);
}
