// Task codes for ledgers published without 编号 (QY-2026-001), natural ordering for export, and
// the title keys re-import matches on. Pure.
import { codeKey } from './codes.js';
import { cleanTitle } from './section-heading.js';

/** Compares strings with digit runs as numbers: QY-2026-2 before QY-2026-10; 1.2 before 1.10. */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+/, '') || '0';
      const ny = y.replace(/^0+/, '') || '0';
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length; // 2 before 02
      continue;
    }
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

/** Digits of the serial in generated codes: QY-2026-001. */
export const CODE_SERIAL_WIDTH = 3;

/**
 * Hands out codes `PREFIX-YEAR-NNN` after the highest serial already used with that prefix and
 * year (compared by codeKey, so qy-2026-7 counts). Each call returns the next code. Serials past
 * 999 simply grow (QY-2026-1000).
 */
export function codeAllocator(prefix: string, year: number, existing: Iterable<string>): () => string {
  const head = `${codeKey(prefix)}-${year}-`;
  let max = 0;
  for (const code of existing) {
    const k = codeKey(code);
    if (!k.startsWith(head)) continue;
    const serial = k.slice(head.length);
    if (/^\d+$/.test(serial)) max = Math.max(max, Number(serial));
  }
  return () => `${codeKey(prefix)}-${year}-${String(++max).padStart(CODE_SERIAL_WIDTH, '0')}`;
}

/** The next free code for a prefix and year: nextCode('QY', 2026, ['QY-2026-009']) → 'QY-2026-010'. */
export function nextCode(prefix: string, year: number, existing: Iterable<string>): string {
  return codeAllocator(prefix, year, existing)();
}

/**
 * A title as re-import compares it: ★ and the task number removed, half-width, lower case, no
 * punctuation, symbols or whitespace of any kind (so a trailing 。 or changed quotes do not matter).
 */
export function normaliseTitle(title: string | null | undefined): string {
  const { title: t } = cleanTitle(title ?? '');
  return (t ?? '').normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}\p{Z}\s\u200B-\u200D\u2060\uFEFF]/gu, '');
}

/** Titles at least this similar (titleSimilarity) are the same task "retitled slightly". */
export const TITLE_SIMILARITY_THRESHOLD = 0.75;

/** A title prepared for repeated similarity checks: its normalised key and bigram counts. */
export interface TitleKey {
  key: string;
  length: number;
  /** Bigram (two code points as one number) → count. */
  bigrams: Map<number, number>;
}

export function titleKey(title: string): TitleKey {
  const key = normaliseTitle(title);
  const cps = Array.from(key, (c) => c.codePointAt(0)!);
  const bigrams = new Map<number, number>();
  for (let i = 0; i < cps.length - 1; i++) {
    const g = cps[i]! * 0x110000 + cps[i + 1]!;
    bigrams.set(g, (bigrams.get(g) ?? 0) + 1);
  }
  return { key, length: cps.length, bigrams };
}

/** titleSimilarity over prepared titles. */
export function keySimilarity(a: TitleKey, b: TitleKey): number {
  if (a.key === b.key) return a.length === 0 ? 0 : 1;
  if (a.length < 2 || b.length < 2) return 0;
  let shared = 0;
  const [small, large] = a.bigrams.size <= b.bigrams.size ? [a.bigrams, b.bigrams] : [b.bigrams, a.bigrams];
  for (const [g, n] of small) shared += Math.min(n, large.get(g) ?? 0);
  return (2 * shared) / (a.length - 1 + b.length - 1);
}

/**
 * Dice coefficient of the character bigrams of the normalised titles, 0–1 (1 = same normalised
 * title). Titles of one character compare by equality.
 */
export function titleSimilarity(a: string, b: string): number {
  return keySimilarity(titleKey(a), titleKey(b));
}
