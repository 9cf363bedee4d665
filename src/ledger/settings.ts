// The ledger's own reading of the office's settings. The table of every setting key, and changing
// one, is src/settings.ts (above the ledger and the jobs).
import type { DbOrTx } from '../db/client.js';
import { getSetting } from '../db/repos/settings.js';
import { parseSupervisionThresholds, type SupervisionThresholds } from '../core/supervision.js';

export async function supervisionThresholds(db: DbOrTx, tenantId: number): Promise<SupervisionThresholds> {
  return parseSupervisionThresholds(await getSetting(db, tenantId, 'supervision'));
}
