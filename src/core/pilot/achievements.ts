// 成果 (achievements): categories with points (the office's setting `achievements`), recognising a
// category in free text, and the office's decision (待确认 → 已确认 / 不予认定). Pure.
import { z } from 'zod';
import { InvalidSettingsError, parseSettings } from '../validation.js';

export interface AchievementCategory {
  key: string;
  /** Short words a unit may type instead of the full name. */
  aliases: string[];
  points: number;
}

export const DEFAULT_ACHIEVEMENT_CATEGORIES: readonly AchievementCategory[] = Object.freeze([
  { key: '获上级批示肯定', aliases: ['批示', '批示肯定'], points: 10 },
  { key: '经验入选上级刊物或被推广', aliases: ['刊物', '入选刊物', '被推广', '改革动态'], points: 8 },
  { key: '主流媒体报道', aliases: ['媒体', '媒体报道', '报道'], points: 5 },
  { key: '获批试点', aliases: ['试点', '获批'], points: 10 },
  { key: '入选典型案例', aliases: ['案例', '典型案例'], points: 8 },
  { key: '获评改革品牌', aliases: ['品牌', '改革品牌'], points: 12 },
]);

export const ACHIEVEMENT_STATUSES = ['待确认', '已确认', '不予认定'] as const;
export type AchievementStatus = (typeof ACHIEVEMENT_STATUSES)[number];

const settingsSchema = z.strictObject(
  {
    points: z
      .record(z.string(), z.number({ error: '分值应为数字' }).min(0, { error: '分值不能为负数' }).max(1000, { error: '分值不能超过 1000' }))
      .optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `无法识别的设置项：${iss.keys.join('、')}` : '成果设置应为一个对象') },
);

/** The setting `achievements` = {"points": {"主流媒体报道": 6, …}}: points per category (unknown names refused). */
export function parseAchievementCategories(json: unknown): AchievementCategory[] {
  const parsed = parseSettings(settingsSchema, json ?? {}, '成果类别设置');
  const points = parsed.points ?? {};
  const known = new Set(DEFAULT_ACHIEVEMENT_CATEGORIES.map((c) => c.key));
  const unknown = Object.keys(points).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new InvalidSettingsError('成果类别设置', [`无法识别的成果类别：${unknown.join('、')}（可选：${[...known].join('、')}）`]);
  }
  return DEFAULT_ACHIEVEMENT_CATEGORIES.map((c) => ({ ...c, points: points[c.key] ?? c.points }));
}

/** The category a unit typed: the full name, an alias, or an unambiguous beginning of the name. */
export function findCategory(categories: readonly AchievementCategory[], word: string): AchievementCategory | null {
  const w = word.trim();
  if (!w) return null;
  const exact = categories.find((c) => c.key === w || c.aliases.includes(w));
  if (exact) return exact;
  const prefixed = categories.filter((c) => c.key.startsWith(w));
  return prefixed.length === 1 ? prefixed[0]! : null;
}

export type DecisionCheck = { ok: true } | { ok: false; reason: string };

export function checkDecision(status: string, decision: 'confirm' | 'reject', note?: string | null): DecisionCheck {
  if (status !== '待确认') return { ok: false, reason: `该成果已${status === '已确认' ? '确认' : '作出决定（不予认定）'}，不能重复处理。` };
  if (decision === 'reject' && !(note && note.trim())) return { ok: false, reason: '不予认定须说明理由。' };
  return { ok: true };
}
