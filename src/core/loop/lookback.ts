// 回头看: months after a task was closed out (已销号) its lead unit says how the reform holds up.
// Pure. The delay is a setting (default 6 months, per category); the answer feeds the assessment.
import { z } from 'zod';
import { parseSettings } from '../validation.js';
import type { IsoDate } from '../types.js';

export const LOOKBACK_ANSWERS = ['持续见效', '效果减弱', '已停止运行'] as const;
export type LookbackAnswer = (typeof LOOKBACK_ANSWERS)[number];

/** How each answer counts in the assessment (share of the component's points). */
export const LOOKBACK_SCORE: Record<LookbackAnswer, number> = { 持续见效: 1, 效果减弱: 0.5, 已停止运行: 0 };

export interface LookbackSetting {
  /** Months after close-out (1–36). */
  months: number;
  /** Per category, overriding `months`. */
  byCategory: Record<string, number>;
}

export const DEFAULT_LOOKBACK: Readonly<LookbackSetting> = Object.freeze({ months: 6, byCategory: {} });

const monthsSchema = z.number({ error: '月数应为数字' }).int({ error: '月数应为整数' }).min(1, { error: '月数至少为 1' }).max(36, { error: '月数最多为 36' });
const schema = z.strictObject({ months: monthsSchema.optional(), byCategory: z.record(z.string(), monthsSchema).optional() });

export function parseLookbackSetting(json: unknown): LookbackSetting {
  const v = parseSettings(schema, json ?? {}, '回头看设置');
  return { months: v.months ?? DEFAULT_LOOKBACK.months, byCategory: v.byCategory ?? {} };
}

/** `months` calendar months after `date`; a day the month lacks becomes its last day (08-31 + 6 → 02-28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** When a task closed out on `closedOn` is due for 回头看. */
export function lookbackDueOn(closedOn: IsoDate, category: string, setting: LookbackSetting = DEFAULT_LOOKBACK): IsoDate {
  return addMonths(closedOn, setting.byCategory[category] ?? setting.months);
}

/** Weak or stopped reforms can be reopened as a follow-up task. */
export function canReopen(answer: LookbackAnswer | null, followUpTaskId: number | null): { ok: true } | { ok: false; reason: string; already?: boolean } {
  if (followUpTaskId !== null) return { ok: false, reason: '该事项已立为后续整改事项，无需重复。', already: true };
  if (answer === null) return { ok: false, reason: '牵头单位还没有答复回头看，答复后才能决定是否重新立项。' };
  if (answer === '持续见效') return { ok: false, reason: '该改革持续见效，无需重新立项。' };
  return { ok: true };
}

export function checkAnswer(answer: unknown, evidence: string | null | undefined): { ok: true; answer: LookbackAnswer } | { ok: false; reason: string } {
  if (typeof answer !== 'string' || !(LOOKBACK_ANSWERS as readonly string[]).includes(answer)) return { ok: false, reason: '请选择运行情况：持续见效 / 效果减弱 / 已停止运行' };
  if (!evidence?.trim()) return { ok: false, reason: '请填写佐证情况（做法、成效或问题）' };
  return { ok: true, answer: answer as LookbackAnswer };
}

/** The quarter a date is in ("2026-Q3") — the quarterly 回头看 list's period. */
export function quarterOf(date: IsoDate): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}
