// Task codes (编号) as people type them: any width, any case, stray spaces, and often without the
// prefix ("012" or "LY-012" for "LY-2026-012"). Pure functions.

/** Full-width ASCII (！…～) to half-width, ideographic space to space. */
export function toHalfWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

/** The key a code is stored and looked up by: half-width, upper case, no spaces, dashes unified. */
export function codeKey(code: string): string {
  return toHalfWidth(code)
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s]/g, '')
    .replace(/[‐‑‒–—―－_]/g, '-');
}

export type CodeMatch =
  | { kind: 'exact'; key: string }
  | { kind: 'unique'; key: string }
  | { kind: 'ambiguous'; keys: string[] }
  | { kind: 'none' };

/**
 * Resolves what someone typed against the known code keys. Exact match wins; otherwise a code
 * written without its prefix or year matches when exactly one known code ends with it
 * segment-wise ("012" → "LY-2026-012", "LY-012" → "LY-2026-012").
 */
export function resolveCode(input: string, knownKeys: Iterable<string>): CodeMatch {
  const key = codeKey(input);
  if (!key) return { kind: 'none' };
  const keys = [...knownKeys];
  if (keys.includes(key)) return { kind: 'exact', key };
  const wanted = key.split('-').filter(Boolean);
  const candidates = keys.filter((k) => matchesSegments(k.split('-').filter(Boolean), wanted));
  if (candidates.length === 1) return { kind: 'unique', key: candidates[0]! };
  if (candidates.length > 1) return { kind: 'ambiguous', keys: candidates.sort() };
  return { kind: 'none' };
}

function matchesSegments(known: string[], wanted: string[]): boolean {
  if (wanted.length === 0 || wanted.length > known.length) return false;
  const last = wanted[wanted.length - 1]!;
  const knownLast = known[known.length - 1]!;
  // The serial must match, allowing leading zeros to differ ("12" = "012").
  if (!sameSerial(knownLast, last)) return false;
  // Any earlier segments typed must appear in order among the known ones (e.g. a prefix without the year).
  let i = 0;
  for (const seg of wanted.slice(0, -1)) {
    while (i < known.length - 1 && known[i] !== seg) i++;
    if (i >= known.length - 1) return false;
    i++;
  }
  return true;
}

function sameSerial(a: string, b: string): boolean {
  if (a === b) return true;
  return /^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) === Number(b);
}
