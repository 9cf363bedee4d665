// Loads the demo ledger (demo/示范台账.xlsx) into an empty database: what `npm start` shows a newcomer.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writePublishedWorkbook } from './published.js';
import { updateSetting } from '../settings.js';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../app.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { importLedger } from '../ledger/import/index.js';
import { formatProblem } from '../ledger/import/validate.js';
import { loadLoopDemo } from './loop.js';
import { loadPilotDemo } from './pilot.js';

export const DEMO_WORKBOOK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../demo/示范台账.xlsx');

/**
 * Imports the demo workbook into the default tenant when no tenant has any task yet — or, given a
 * tenant (`taizhang demo --tenant <key>`), into that tenant when it has none.
 */
export async function loadDemoLedger(app: AppContext, tenant?: TenantRef, layout: 'template' | 'published' = 'template'): Promise<{ tenantKey: string; taskIds: number[] } | null> {
  const target = tenant ?? app.defaultTenant;
  if ((await app.db.prisma.task.count(tenant ? { where: { tenantId: tenant.id } } : undefined)) > 0) return null;
  let source = DEMO_WORKBOOK;
  if (layout === 'published') {
    // The published-layout demo (src/demo/published.ts): one sheet, title row, 序号, headings, no 单位/人员 sheets.
    source = path.join(mkdtempSync(path.join(os.tmpdir(), 'taizhang-demo-')), '清源县2026年改革任务分工方案.xlsx');
    await writePublishedWorkbook(source);
    await updateSetting(app.db.prisma, target.id, 'codes', { prefix: 'QY' }, 'demo');
  }
  const outcome = await importLedger(app.db.prisma, target.id, [source], { actor: 'demo', importYear: 2026 });
  if (!outcome.ok) throw new Error(`示范台账有误：${outcome.problems.map(formatProblem).join('；')}`);
  await loadLoopDemo(app.db.prisma, target.id, app.clock.now());
  await loadPilotDemo(app.db.prisma, target.id, app.clock.now());
  return { tenantKey: target.key, taskIds: outcome.result.createdTaskIds };
}
