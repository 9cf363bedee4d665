// What the annual assessment (年度考核) is computed from, read from the database for a year; the
// scoring itself is pure (src/core/loop/assessment.ts). Used by the assessment job, 「考核」 and the CLI.
import type { DbOrTx } from '../db/client.js';
import { getSetting } from '../db/repos/settings.js';
import { parseAssessmentWeights, type AssessedTask, type AssessmentWeights, type UnitAssessmentInput } from '../core/loop/assessment.js';
import type { LookbackAnswer } from '../core/loop/lookback.js';
import { lookbacksDue } from './lookbacks.js';
import { shanghaiDate } from '../core/dates.js';

const monthsOf = (from: string, to: string): string[] => {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) { m = 1; y++; }
  }
  return out;
};

/**
 * Every unit's assessment input for `year`: the tasks it leads that belong to the year (a 完成时限 in
 * it, closed out in it, or open without one), reporting by month (a month counts when a report was
 * made in it), 回头看 due in the year, suggestions of its people adopted in the year, calls it took on.
 */
export async function loadAssessment(db: DbOrTx, tenantId: number, year: number): Promise<{ weights: AssessmentWeights; units: UnitAssessmentInput[] }> {
  const weights = parseAssessmentWeights(await getSetting(db, tenantId, 'assessment'));
  const start = `${year}-01-01`, end = `${year}-12-31`;
  const units = await db.unit.findMany({ where: { tenantId, active: true }, orderBy: { id: 'asc' }, select: { id: true, name: true } });
  const tasks = await db.task.findMany({
    where: { tenantId, OR: [{ deadline: { gte: start, lte: end } }, { closedOn: { gte: start, lte: end } }, { deadline: null, status: { not: '已销号' } }] },
    select: { id: true, code: true, category: true, weight: true, tags: true, deadline: true, status: true, completedOn: true, closedOn: true, lastPercent: true, leadUnitId: true, startDate: true, createdAt: true },
  });
  const reports = await db.progressReport.findMany({ where: { tenantId, taskId: { in: tasks.map((t) => t.id) }, withdrawnAt: null, reportedAt: { gte: new Date(`${year - 1}-12-31T16:00:00Z`), lt: new Date(`${year}-12-31T16:00:00Z`) } }, select: { taskId: true, reportedAt: true } });
  const reportedMonths = new Map<number, Set<string>>();
  for (const r of reports) {
    const set = reportedMonths.get(r.taskId) ?? new Set<string>();
    set.add(shanghaiDate(r.reportedAt).slice(0, 7));
    reportedMonths.set(r.taskId, set);
  }
  const lookbacks = (await lookbacksDue(db, tenantId, end)).filter((l) => l.dueOn >= start);
  const suggestions = await db.suggestion.findMany({ where: { tenantId, status: '已入库', createdAt: { gte: new Date(`${year - 1}-12-31T16:00:00Z`), lt: new Date(`${year}-12-31T16:00:00Z`) } }, select: { suggesterId: true } });
  const people = await db.person.findMany({ where: { tenantId, id: { in: suggestions.map((s) => s.suggesterId) } }, select: { id: true, unitId: true } });
  const won = await db.callApplication.findMany({ where: { tenantId, status: '已挂帅', createdAt: { gte: new Date(`${year - 1}-12-31T16:00:00Z`), lt: new Date(`${year}-12-31T16:00:00Z`) } }, select: { unitId: true } });
  return {
    weights,
    units: units.map((u) => {
      const mine = tasks.filter((t) => t.leadUnitId === u.id);
      const assessed: AssessedTask[] = mine.map((t) => {
        // Months the task ran in the year, up to its close-out (a report month is on time).
        const from = [t.startDate ?? shanghaiDate(t.createdAt), start].sort().at(-1)!.slice(0, 7);
        const to = [t.closedOn ?? t.completedOn ?? end, end].sort()[0]!.slice(0, 7);
        const months = from <= to ? monthsOf(from, to) : [];
        const done = reportedMonths.get(t.id) ?? new Set<string>();
        return {
          code: t.code, category: t.category, weight: t.weight, tags: t.tags.split(',').filter(Boolean), deadline: t.deadline, status: t.status,
          completedOn: t.completedOn, closedOn: t.closedOn, lastPercent: t.lastPercent, reportsExpected: months.length, reportsOnTime: months.filter((m) => done.has(m)).length,
        };
      });
      return {
        unitId: u.id, unitName: u.name, tasks: assessed,
        lookbacks: lookbacks.filter((l) => l.leadUnitId === u.id).map((l) => ({ code: l.code, answer: l.answer as LookbackAnswer | null })),
        adoptedSuggestions: suggestions.filter((s) => people.find((p) => p.id === s.suggesterId)?.unitId === u.id).length,
        callsTakenOn: won.filter((w) => w.unitId === u.id).length,
      };
    }).filter((u) => u.tasks.length > 0 || u.lookbacks.length > 0 || u.adoptedSuggestions > 0 || u.callsTakenOn > 0),
  };
}
