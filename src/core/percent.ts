// 完成进度 as people write it, in a chat line or the form's box: a number from 0 to 100 written
// in digits (full-width digits and a trailing ％ allowed, "60.5" rounds to 61). Everything else —
// "0x10", "1e2", "-5", "六十", a list of values — is refused with a Chinese reason instead of being
// read as something the person did not write. Pure.

export type PercentResult = { ok: true; value: number } | { ok: false; reason: string };

/** Full-width digits, ％, ．, － and ＋ to ASCII; spaces out. */
function fold(s: string): string {
  return s.replace(/[\uFF10-\uFF19\uFF05\uFF0E\uFF0D\uFF0B]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000]/g, '');
}

const DIGITS = /^\d{1,6}(?:\.\d{1,6})?$/;

/**
 * Reads a percent written as digits. `written` may end with "%". A value that is not a string
 * (an array, an object from a forged form) is refused too.
 */
export function parsePercent(written: unknown): PercentResult {
  const example = '应填写 0–100 之间的数字，如 60';
  if (typeof written !== 'string') return { ok: false, reason: `进度${example}` };
  const s = fold(written).replace(/%$/, '');
  if (s === '') return { ok: false, reason: `进度${example}` };
  if (/^-/.test(s) && DIGITS.test(s.slice(1))) return { ok: false, reason: '进度不能为负数，应填写 0–100 之间的数字' };
  if (!DIGITS.test(s.replace(/^\+/, ''))) return { ok: false, reason: `进度「${written.trim().slice(0, 12)}」不是数字，${example}` };
  const value = Math.round(Number(s.replace(/^\+/, '')));
  if (value > 100) return { ok: false, reason: `进度 ${s}% 超过了 100%` };
  return { ok: true, value };
}

/** A fall of this many percentage points or more from the last report is flagged to the office. */
export const PERCENT_DROP_ALERT_POINTS = 20;

/** The drop from `previous` to `next` when it is sharp enough to flag, else null. */
export function sharpDrop(previous: number | null | undefined, next: number | null | undefined): number | null {
  if (previous === null || previous === undefined || next === null || next === undefined) return null;
  const drop = previous - next;
  return drop >= PERCENT_DROP_ALERT_POINTS ? drop : null;
}
