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
