// Numbers of the loop's records: 改革建议 JY-2026-001, 储备库 CB-2026-001, 揭榜挂帅 榜单 JB-2026-01.
// Pure. A number is typed back in chat in any width or case, or by its serial alone ("001").
import { codeKey } from '../codes.js';

export const NUMBER_PREFIX = { suggestion: 'JY', reserve: 'CB', call: 'JB' } as const;
export type NumberKind = keyof typeof NUMBER_PREFIX;
const DIGITS: Record<NumberKind, number> = { suggestion: 3, reserve: 3, call: 2 };

export function formatNumber(kind: NumberKind, year: number, serial: number): string {
  return `${NUMBER_PREFIX[kind]}-${year}-${String(serial).padStart(DIGITS[kind], '0')}`;
}

/**
 * What a typed number names: { year?, serial } — "JY-2026-001", "jy－2026－1", "2026-001", "001".
 * Null when it is not a number of this kind (another prefix, letters, nothing).
 */
export function readNumber(kind: NumberKind, typed: string): { year: number | null; serial: number } | null {
  const key = codeKey(typed).replace(/_/g, '-');
  const m = /^(?:([A-Z]+)-?)?(?:(\d{4})-)?(\d{1,6})$/.exec(key);
  if (!m) return null;
  if (m[1] && m[1] !== NUMBER_PREFIX[kind]) return null;
  const serial = Number(m[3]);
  if (serial <= 0) return null;
  return { year: m[2] ? Number(m[2]) : null, serial };
}

/**
 * The code of a task made by 立项 or 挂帅: the ledger's own pattern for the year ("QY-2026-" + the next
 * serial after the highest, 3 digits), the prefix most of the year's codes use; "GG-<year>-001" when
 * the ledger has none.
 */
export function nextTaskCode(existingCodes: readonly string[], year: number): string {
  const byPrefix = new Map<string, { count: number; max: number; width: number }>();
  for (const code of existingCodes) {
    const m = new RegExp(`^([A-Za-z]+)-${year}-(\\d+)$`).exec(code);
    if (!m) continue;
    const e = byPrefix.get(m[1]!) ?? { count: 0, max: 0, width: 3 };
    e.count++;
    e.max = Math.max(e.max, Number(m[2]));
    e.width = Math.max(e.width, m[2]!.length);
    byPrefix.set(m[1]!, e);
  }
  const best = [...byPrefix.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))[0];
  if (!best) return `GG-${year}-001`;
  return `${best[0]}-${year}-${String(best[1].max + 1).padStart(best[1].width, '0')}`;
}
