// Loads the demo ledger (demo/示范台账.xlsx, or the published layout demo/示范台账-公布格式.xlsx)
// into an empty database: what `npm start` shows a newcomer.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { updateSetting } from '../settings.js';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../app.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { recordAudit } from '../db/repos/audit.js';
import { importLedger } from '../ledger/import/index.js';
import { formatProblem } from '../ledger/import/validate.js';
import { loadLoopDemo } from './loop.js';
import { loadPilotDemo } from './pilot.js';

const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../demo');
export const DEMO_WORKBOOK = path.join(DEMO_DIR, '示范台账.xlsx');
/** The published-layout demo (src/demo/published.ts), written by scripts/make-demo-workbook.ts. */
export const PUBLISHED_DEMO_WORKBOOK = path.join(DEMO_DIR, '示范台账-公布格式.xlsx');
export type DemoLayout = 'template' | 'published';
export const demoWorkbook = (layout: DemoLayout) => (layout === 'published' ? PUBLISHED_DEMO_WORKBOOK : DEMO_WORKBOOK);

/** The demo county's reform office: the demo tenant's name (cards, documents, the sandbox page). */
export const DEMO_OFFICE_NAME = '清源县委改革办';
/** Names a tenant keeps only until the demo fills it: its key and the placeholders of config.ts / .env.example. */
const PLACEHOLDER_NAMES = ['本地改革办'];

export interface DemoLoaded {
  tenantKey: string;
  /** The tenant's name after loading (DEMO_OFFICE_NAME unless the operator had named it). */
  officeName: string;
  taskIds: number[];
  counts: { units: number; people: number; tasks: number; milestones: number; sections: number; groups: number };
}

/** Writes the demo workbook of a layout to `file` (for a newcomer to open; nothing is loaded). */
export function writeDemoWorkbook(layout: DemoLayout, file: string): void {
  copyFileSync(demoWorkbook(layout), file);
}

/**
 * Imports the demo workbook into the default tenant when no tenant has any task yet — or, given a
 * tenant (`taizhang demo --tenant <key>`), into that tenant when it has none. A tenant still under
 * a placeholder name is renamed to the demo county's office (audited).
 */
export async function loadDemoLedger(app: AppContext, tenant?: TenantRef, layout: DemoLayout = 'template'): Promise<DemoLoaded | null> {
  const target = tenant ?? app.defaultTenant;
  const db = app.db.prisma;
  if ((await db.task.count(tenant ? { where: { tenantId: tenant.id } } : undefined)) > 0) return null;
  // The published layout has one sheet with 序号, no 编号: codes QY-2026-NNN come from the prefix setting.
  if (layout === 'published') await updateSetting(db, target.id, 'codes', { prefix: 'QY' }, 'demo');
  const outcome = await importLedger(db, target.id, [demoWorkbook(layout)], { actor: 'demo', importYear: 2026 });
  if (!outcome.ok) throw new Error(`示范台账有误：${outcome.problems.map(formatProblem).join('；')}`);
  await loadLoopDemo(db, target.id, app.clock.now());
  await loadPilotDemo(db, target.id, app.clock.now());
  const officeName = await nameDemoOffice(app, target);
  const [units, people, tasks, milestones, sections, groups] = await Promise.all([
    db.unit.count({ where: { tenantId: target.id } }),
    db.person.count({ where: { tenantId: target.id } }),
    db.task.count({ where: { tenantId: target.id } }),
    db.milestone.count({ where: { task: { tenantId: target.id } } }),
    db.task.findMany({ where: { tenantId: target.id, section: { not: null } }, distinct: ['section'], select: { section: true } }).then((r) => r.length),
    db.unit.count({ where: { tenantId: target.id, chatId: { not: null } } }),
  ]);
  return { tenantKey: target.key, officeName, taskIds: outcome.result.createdTaskIds, counts: { units, people, tasks, milestones, sections, groups } };
}

async function nameDemoOffice(app: AppContext, target: TenantRef): Promise<string> {
  const row = await app.db.prisma.tenant.findUniqueOrThrow({ where: { id: target.id }, select: { name: true } });
  const placeholder = row.name === target.key || PLACEHOLDER_NAMES.includes(row.name) || (target.id === app.defaultTenant.id && row.name === app.config.defaultTenant.name);
  if (!placeholder) return row.name;
  await app.db.prisma.$transaction(async (tx) => {
    await tx.tenant.update({ where: { id: target.id }, data: { name: DEMO_OFFICE_NAME } });
    await recordAudit(tx, [{ tenantId: target.id, actor: 'demo', entity: 'tenant', entityId: target.id, action: 'update', before: { name: row.name }, after: { name: DEMO_OFFICE_NAME } }]);
  });
  // The app's own copy (the sandbox page and the documents read app.defaultTenant.name).
  target.name = DEMO_OFFICE_NAME;
  if (target.id === app.defaultTenant.id) app.defaultTenant.name = DEMO_OFFICE_NAME;
  return DEMO_OFFICE_NAME;
}
