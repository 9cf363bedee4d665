// Loads the demo ledger (demo/示范台账.xlsx) into an empty database: what `npm start` shows a newcomer.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../app.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { importLedger } from '../ledger/import/index.js';
import { formatProblem } from '../ledger/import/validate.js';
import { loadPilotDemo } from './pilot.js';

export const DEMO_WORKBOOK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../demo/示范台账.xlsx');

/**
 * Imports the demo workbook into the default tenant when no tenant has any task yet — or, given a
 * tenant (`taizhang demo --tenant <key>`), into that tenant when it has none.
 */
export async function loadDemoLedger(app: AppContext, tenant?: TenantRef): Promise<{ tenantKey: string; taskIds: number[] } | null> {
  const target = tenant ?? app.defaultTenant;
  if ((await app.db.prisma.task.count(tenant ? { where: { tenantId: tenant.id } } : undefined)) > 0) return null;
  const outcome = await importLedger(app.db.prisma, target.id, [DEMO_WORKBOOK], { actor: 'demo' });
  if (!outcome.ok) throw new Error(`示范台账有误：${outcome.problems.map(formatProblem).join('；')}`);
  await loadPilotDemo(app.db.prisma, target.id, app.clock.now());
  return { tenantKey: target.key, taskIds: outcome.result.createdTaskIds };
}
