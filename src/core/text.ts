// Text hygiene for anything a user typed: pure helpers shared by the chat, cards and importer.

/**
 * Makes input safe to store and show: lone surrogates (half an emoji) become U+FFFD, and C0
 * control characters other than tab and newline become spaces, as the chat grammar reads them
 * (PostgreSQL rejects NUL in text).
 */
export function cleanText(s: string): string {
  return s.toWellFormed().replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
}

/** At most `max` characters (code points, so an emoji is never cut in half), plus "…" when cut. */
export function truncate(s: string, max: number, ellipsis = '…'): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max).join('')}${ellipsis}`;
}

/** Length in characters as people count them (an emoji is one). */
export const charCount = (s: string): number => Array.from(s).length;

/** Applies cleanText to every string inside a JSON-like value (card values, form values). */
export function cleanDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (depth > 10 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[cleanText(k)] = cleanDeep(v, depth + 1);
  }
  return out as T;
}
