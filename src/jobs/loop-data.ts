// What the reform loop's jobs read from the database (plans stay pure: src/jobs/plans/loop.ts).
import type { DbOrTx } from '../db/client.js';
import { lookbacksDue, type LookbackItem } from '../loop/lookbacks.js';
import { listCalls, type CallRecord } from '../loop/calls.js';
import { loadSuggestion, type SuggestionRecord } from '../loop/suggestions.js';

export { loadOutposts } from '../loop/outposts.js';
export { loadAssessment } from '../loop/assessment-inputs.js';

/** Suggestions made in [from, to] and those still waiting for the office. */
export async function loadNewSuggestions(db: DbOrTx, tenantId: number, from: Date, to: Date): Promise<{ fresh: SuggestionRecord[]; pending: number }> {
  const rows = await db.suggestion.findMany({ where: { tenantId, createdAt: { gte: from, lt: to } }, orderBy: { id: 'asc' }, select: { id: true } });
  const fresh: SuggestionRecord[] = [];
  for (const r of rows) fresh.push((await loadSuggestion(db, tenantId, r.id))!);
  return { fresh, pending: await db.suggestion.count({ where: { tenantId, status: '待处理' } }) };
}

export async function loadOpenCalls(db: DbOrTx, tenantId: number): Promise<{ calls: CallRecord[]; units: number[] }> {
  const units = (await db.unit.findMany({ where: { tenantId, active: true }, select: { id: true } })).map((u) => u.id);
  return { calls: await listCalls(db, tenantId, { openOnly: true }), units };
}

export async function loadLookbacks(db: DbOrTx, tenantId: number, upTo: string): Promise<LookbackItem[]> {
  return lookbacksDue(db, tenantId, upTo);
}
