// Reads what each document needs from the ledger and writes the .docx: the one entry point for the
// CLI (`taizhang doc …`), the chat (简报, 案例汇编) and the jobs. Which period each covers, and as of
// which day, is src/core/document-periods.ts: a document covers the period its title names.
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDate, shanghaiInstant, addDays } from '../core/dates.js';
import { documentPeriod } from '../core/document-periods.js';
import type { Period } from '../core/periods.js';
import { computeTally, computeYearEndLedger } from '../core/tally.js';
import type { DbOrTx } from '../db/client.js';
import { loadTallyRows } from '../jobs/data.js';
import { tasksOfYear } from '../jobs/plans/reviews.js';
import { loadCaseLinks } from '../pilot/case-links.js';
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
  /** As in the title: '2026年上半年', '2026年度（截至11月30日）'. */
  label: string;
  /** The day the figures are judged at. */
  asOf: string;
  /** The period has not ended (截至 today). */
  partial: boolean;
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
  /** The period the office names ('2026-H2', '2025', '2026-10', '2026Q3'); absent: the default. */
  period?: string | null;
}

/** The named period cannot be read or has not begun (the message says which and why). */
export class DocumentPeriodError extends Error {}

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

  const chosen = documentPeriod(kind, today, o.period);
  if (!chosen.ok) throw new DocumentPeriodError(chosen.reason);
  const { period, asOf } = chosen;
  let doc;
  switch (kind) {
    case 'half-year': {
      const rows = tasksOfYear(await loadTallyRows(db, o.tenantId), Number(period.start.slice(0, 4)), asOf);
      doc = halfYearDocument({ issuer: o.issuer, date: today, periodLabel: chosen.label, tally: computeTally(rows, { asOf, calendar: o.calendar }), achievements: await achievementsIn(period) });
      break;
    }
    case 'year-end': {
      const year = Number(period.key);
      const rows = tasksOfYear(await loadTallyRows(db, o.tenantId), year, asOf);
      doc = yearEndDocument({ issuer: o.issuer, date: today, yearLabel: chosen.label, partial: chosen.partial, ledger: computeYearEndLedger(rows, { year, asOf, calendar: o.calendar }), achievements: await achievementsIn(period) });
      break;
    }
    case 'brief': {
      doc = briefDocument({ issuer: o.issuer, date: today, periodLabel: period.label, issueNo: Number(period.key.slice(5, 7)), plans: await loadBriefPlans(db, o.tenantId, period.key, unitName) });
      break;
    }
    case 'cases': {
      const quarter = period.key.replace('-', '');
      const theme = await db.caseTheme.findUnique({ where: { tenantId_quarter: { tenantId: o.tenantId, quarter } } });
      const cases = await db.typicalCase.findMany({ where: { tenantId: o.tenantId, quarter, selected: true }, orderBy: [{ rating: 'asc' }, { id: 'asc' }] });
      const links = await loadCaseLinks(db, o.tenantId, cases);
      doc = casesDocument({
        issuer: o.issuer,
        date: today,
        quarterLabel: period.label,
        theme: theme?.theme ?? null,
        cases: cases.map((c) => ({ ...c, unitName: unitName(c.unitId), links: links.get(c.id)! })),
      });
      break;
    }
  }
  return { kind, period, label: chosen.label, asOf, partial: chosen.partial, fileName: `${DOCUMENT_LABELS[kind]}-${period.key}${chosen.partial && (kind === 'half-year' || kind === 'year-end') ? `-截至${asOf}` : ''}.docx`, title: doc.meta.title, buffer: await doc.toBuffer() };
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
