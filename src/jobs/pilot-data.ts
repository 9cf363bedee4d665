// What the 试点与复制推广 jobs (src/jobs/plans/pilot.ts) read: the quarter's case theme and who
// submitted, the promotion plans and this month's reports, and the month's 简报 as a Word file.
import type { WorkingCalendar } from '../core/calendar.js';
import { monthContaining } from '../core/periods.js';
import type { IsoDate } from '../core/types.js';
import type { DbOrTx } from '../db/client.js';
import { generateDocument, loadBriefPlans } from '../documents/generate.js';
import { quarterOf } from '../pilot/cases.js';
import { quarterContaining } from '../core/periods.js';
import type { CaseCollectionData, PromotionBriefData, PromotionNudgeData } from './plans/pilot.js';

export async function loadCaseCollection(db: DbOrTx, tenantId: number, today: IsoDate): Promise<CaseCollectionData> {
  const q = quarterOf(today);
  const [theme, cases] = await Promise.all([
    db.caseTheme.findUnique({ where: { tenantId_quarter: { tenantId, quarter: q.key } } }),
    db.typicalCase.findMany({ where: { tenantId, quarter: q.key }, select: { unitId: true } }),
  ]);
  return { quarter: { ...q, end: quarterContaining(today).end }, theme: theme?.theme ?? null, submitted: new Set(cases.map((c) => c.unitId)) };
}

export async function loadPromotionNudges(db: DbOrTx, tenantId: number, today: IsoDate): Promise<PromotionNudgeData> {
  const [plans, reports] = await Promise.all([
    db.promotionPlan.findMany({ where: { tenantId }, include: { units: { orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } }),
    db.promotionReport.findMany({ where: { tenantId, period: monthContaining(today).key }, select: { planId: true, unitId: true } }),
  ]);
  return { plans, reported: new Set(reports.map((r) => `${r.planId}:${r.unitId}`)) };
}

export async function loadPromotionBrief(db: DbOrTx, tenantId: number, at: Date, today: IsoDate, calendar: WorkingCalendar): Promise<PromotionBriefData> {
  const units = new Map((await db.unit.findMany({ where: { tenantId }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const plans = await loadBriefPlans(db, tenantId, monthContaining(today).key, (id) => units.get(id) ?? `单位#${id}`);
  if (!plans.length) return { plans, file: null };
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { name: true } });
  const doc = await generateDocument(db, 'brief', { tenantId, issuer: tenant?.name ?? '', at, calendar });
  return { plans, file: { fileName: doc.fileName, bytes: doc.buffer } };
}
