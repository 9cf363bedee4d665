// Reads what each document needs from the ledger and writes the .docx: the one entry point for the
// CLI (`taizhang doc …`), the chat (简报) and the jobs. Periods follow the scheduled jobs: the
// half-year 通报 covers the half just ended, the 盘总账 the year just ended, the 简报 the month of the
// date and the 案例汇编 the quarter of the date.
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDate, shanghaiInstant, addDays } from '../core/dates.js';
import { monthContaining, quarterContaining, type Period } from '../core/periods.js';
import { computeTally, computeYearEndLedger } from '../core/tally.js';
import type { DbOrTx } from '../db/client.js';
import { loadTallyRows } from '../jobs/data.js';
import { tasksOfYear } from '../jobs/plans/reviews.js';
import { jobPeriod } from '../jobs/schedule.js';
import { briefDocument, type BriefPlan } from './brief.js';
import { casesDocument } from './cases.js';
import { halfYearDocument, type AchievementLine } from './half-year.js';
import { yearEndDocument } from './year-end.js';

export const DOCUMENT_KINDS = ['half-year', 'year-end', 'brief', 'cases'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export const DOCUMENT_LABELS: Record<DocumentKind, string> = {
  'half-year': '半年一通报',
  'year-end': '年终盘总账',
  brief: '推广动态简报',
  cases: '典型案例汇编',
};

export interface GeneratedDocument {
  kind: DocumentKind;
  period: Period;
  /** e.g. 半年一通报-2026-H1.docx */
  fileName: string;
  title: string;
  buffer: Buffer;
}

export interface GenerateOptions {
  tenantId: number;
  issuer: string;
  at: Date;
  calendar: WorkingCalendar;
}

export async function generateDocument(db: DbOrTx, kind: DocumentKind, o: GenerateOptions): Promise<GeneratedDocument> {
  const today = shanghaiDate(o.at);
  const units = new Map((await db.unit.findMany({ where: { tenantId: o.tenantId }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const unitName = (id: number) => units.get(id) ?? `单位#${id}`;
  const achievementsIn = async (p: Period): Promise<AchievementLine[]> => {
    const rows = await db.achievement.findMany({
      where: { tenantId: o.tenantId, status: '已确认', decidedAt: { gte: shanghaiInstant(p.start), lt: shanghaiInstant(addDays(p.end, 1)) } },
      orderBy: { id: 'asc' },
    });
    return rows.map((a) => ({ unitName: unitName(a.unitId), category: a.category, description: a.description }));
  };

  let period: Period;
  let doc;
  switch (kind) {
    case 'half-year': {
      period = jobPeriod('half-year', today, 'monthly');
      const rows = tasksOfYear(await loadTallyRows(db, o.tenantId), Number(period.start.slice(0, 4)), period.end);
      doc = halfYearDocument({ issuer: o.issuer, date: today, period, tally: computeTally(rows, { asOf: today, calendar: o.calendar }), achievements: await achievementsIn(period) });
      break;
    }
    case 'year-end': {
      period = jobPeriod('year-end', today, 'monthly');
      const year = Number(period.key);
      const rows = tasksOfYear(await loadTallyRows(db, o.tenantId), year, period.end);
      doc = yearEndDocument({ issuer: o.issuer, date: today, ledger: computeYearEndLedger(rows, { year, asOf: today, calendar: o.calendar }), achievements: await achievementsIn(period) });
      break;
    }
    case 'brief': {
      period = monthContaining(today);
      doc = briefDocument({ issuer: o.issuer, date: today, periodLabel: period.label, issueNo: Number(period.key.slice(5, 7)), plans: await loadBriefPlans(db, o.tenantId, period.key, unitName) });
      break;
    }
    case 'cases': {
      period = quarterContaining(today);
      const quarter = period.key.replace('-', '');
      const theme = await db.caseTheme.findUnique({ where: { tenantId_quarter: { tenantId: o.tenantId, quarter } } });
      const cases = await db.typicalCase.findMany({ where: { tenantId: o.tenantId, quarter, selected: true }, orderBy: [{ rating: 'asc' }, { id: 'asc' }] });
      doc = casesDocument({
        issuer: o.issuer,
        date: today,
        quarterLabel: period.label,
        theme: theme?.theme ?? null,
        cases: cases.map((c) => ({ ...c, unitName: unitName(c.unitId) })),
      });
      break;
    }
  }
  return { kind, period, fileName: `${DOCUMENT_LABELS[kind]}-${period.key}.docx`, title: doc.meta.title, buffer: await doc.toBuffer() };
}

/** Every promotion plan with its units and each unit's latest report for the month. */
export async function loadBriefPlans(db: DbOrTx, tenantId: number, month: string, unitName: (id: number) => string): Promise<BriefPlan[]> {
  const plans = await db.promotionPlan.findMany({ where: { tenantId }, include: { units: { orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } });
  const reports = await db.promotionReport.findMany({ where: { tenantId, period: month }, orderBy: { id: 'asc' } });
  const latest = new Map(reports.map((r) => [`${r.planId}:${r.unitId}`, r]));
  return plans.map((p) => ({
    title: p.title,
    corePractice: p.corePractice,
    bottomLines: p.bottomLines,
    units: p.units.map((u) => {
      const r = latest.get(`${p.id}:${u.unitId}`);
      return { unitName: unitName(u.unitId), batch: u.batch, startOn: u.startOn, report: r ? { progress: r.progress, problems: r.problems, adaptations: r.adaptations } : null };
    }),
  }));
}
