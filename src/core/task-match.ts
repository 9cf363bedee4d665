// Re-importing a ledger published without codes (or an edited copy: rows inserted, reordered,
// retitled slightly) finds the same tasks: by code when the row has one, else by the normalised
// title within its lead unit, else by a similar title. Pure; the caller audits what changes.
import { codeKey } from './codes.js';
import { keySimilarity, titleKey, TITLE_SIMILARITY_THRESHOLD } from './task-codes.js';

export interface ExistingTask {
  code: string;
  title: string;
  /** Lead unit names (several for a joint lead), normalised as stored. */
  leadUnits: readonly string[];
}

export interface IncomingRow {
  /** The row's 编号, when the sheet has one (a file exported by the bot). */
  code?: string | null;
  title: string;
  leadUnits: readonly string[];
}

export type RowMatch =
  /** how: by its code; by the same normalised title (leadChanged when only found under another lead unit); by a similar title. */
  | { how: 'code' | 'title' | 'similar-title'; code: string; similarity: number; leadChanged: boolean }
  /** Several stored tasks fit equally well: nothing is decided, the office chooses (candidates' codes). */
  | { how: 'ambiguous'; candidates: string[] }
  /** No stored task fits: a new task. A code given but unknown is kept as the new task's code. */
  | { how: 'new' };

/** Two similar candidates closer than this are ambiguous. */
export const AMBIGUITY_MARGIN = 0.05;

/** Code key with numeric segments compared as numbers (QY-2026-2 = QY-2026-002). */
const codeMatchKey = (c: string) => codeKey(c).split('-').map((seg) => (/^\d+$/.test(seg) ? String(Number(seg)) : seg)).join('-');

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

const sharesLead = (a: readonly string[], b: readonly string[]) => a.some((u) => b.includes(u));

/**
 * Matches incoming rows to stored tasks, each stored task to at most one row, in passes so an
 * inserted row cannot take another row's task: 1) codes, 2) the same normalised title under a
 * shared lead unit, 3) the same title under another lead (leadChanged), 4) the most similar title
 * (≥ TITLE_SIMILARITY_THRESHOLD) under a shared lead unit. Returns one RowMatch per row, in order.
 */
export function matchTasks(existing: readonly ExistingTask[], rows: readonly IncomingRow[]): RowMatch[] {
  const result: (RowMatch | undefined)[] = rows.map(() => undefined);
  const claimed = new Set<number>();
  const byCode = new Map(existing.map((t, i) => [codeMatchKey(t.code), i]));
  const keys = existing.map((t) => titleKey(t.title));
  const rowKeys = rows.map((r) => titleKey(r.title));
  const byTitle = new Map<string, number[]>();
  const byLead = new Map<string, number[]>();
  keys.forEach((k, i) => {
    push(byTitle, k.key, i);
    for (const u of new Set(existing[i]!.leadUnits)) push(byLead, u, i);
  });
  const take = (r: number, i: number, how: 'code' | 'title' | 'similar-title', similarity: number) => {
    claimed.add(i);
    result[r] = { how, code: existing[i]!.code, similarity, leadChanged: !sharesLead(existing[i]!.leadUnits, rows[r]!.leadUnits) };
  };

  rows.forEach((row, r) => {
    const i = row.code ? byCode.get(codeMatchKey(row.code)) : undefined;
    if (i !== undefined && !claimed.has(i)) take(r, i, 'code', keySimilarity(rowKeys[r]!, keys[i]!));
  });
  for (const sameLead of [true, false]) {
    rows.forEach((row, r) => {
      if (result[r] || !rowKeys[r]!.key) return;
      const hits = (byTitle.get(rowKeys[r]!.key) ?? []).filter((i) => !claimed.has(i) && sharesLead(existing[i]!.leadUnits, row.leadUnits) === sameLead);
      if (hits.length === 1) take(r, hits[0]!, 'title', 1);
      else if (hits.length > 1) result[r] = { how: 'ambiguous', candidates: hits.map((i) => existing[i]!.code) };
    });
  }
  // Similar titles under a shared lead unit: best pairs first, so a row never takes a task another row fits better.
  const pairs: { r: number; i: number; s: number }[] = [];
  rows.forEach((row, r) => {
    if (result[r]) return;
    const candidates = new Set(row.leadUnits.flatMap((u) => byLead.get(u) ?? []));
    const scored = [...candidates]
      .filter((i) => !claimed.has(i))
      .map((i) => ({ r, i, s: keySimilarity(rowKeys[r]!, keys[i]!) }))
      .filter((x) => x.s >= TITLE_SIMILARITY_THRESHOLD)
      .sort((a, b) => b.s - a.s || a.i - b.i);
    const close = scored.filter((x) => scored[0]!.s - x.s < AMBIGUITY_MARGIN);
    if (close.length > 1) result[r] = { how: 'ambiguous', candidates: close.map((x) => existing[x.i]!.code) };
    else pairs.push(...scored);
  });
  pairs.sort((a, b) => b.s - a.s || a.r - b.r);
  for (const p of pairs) if (!result[p.r] && !claimed.has(p.i)) take(p.r, p.i, 'similar-title', p.s);
  return result.map((m) => m ?? { how: 'new' });
}
