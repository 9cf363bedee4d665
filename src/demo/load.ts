// Loads the demo ledger (demo/示范台账.xlsx) into an empty database: what `npm start` shows a newcomer.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../app.js';
import { importLedger } from '../ledger/import/index.js';
import { formatProblem } from '../ledger/import/validate.js';

export const DEMO_WORKBOOK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../demo/示范台账.xlsx');

/** Imports the demo workbook into the default tenant when no tenant has any task yet. */
export async function loadDemoLedger(app: AppContext): Promise<{ tenantKey: string; taskIds: number[] } | null> {
  if ((await app.db.prisma.task.count()) > 0) return null;
  const outcome = await importLedger(app.db.prisma, app.defaultTenant.id, [DEMO_WORKBOOK], { actor: 'demo' });
  if (!outcome.ok) throw new Error(`示范台账有误：${outcome.problems.map(formatProblem).join('；')}`);
  return { tenantKey: app.defaultTenant.key, taskIds: outcome.result.createdTaskIds };
}
