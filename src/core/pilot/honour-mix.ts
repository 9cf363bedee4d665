// The honour roll's share of achievements: each unit's confirmed achievements in the period, with
// their points (category points × the office's `achievement` weight is applied in honour.ts) and
// the words the roll uses to name them. Pure.
import type { IsoDate } from '../types.js';
import type { AchievementCategory } from './achievements.js';

export interface AchievementFact {
  id: number;
  unitId: number;
  category: string;
  description: string;
  status: string;
  /** Shanghai date the office confirmed it (null while 待确认). */
  confirmedOn: IsoDate | null;
}

export interface UnitAchievement {
  id: number;
  category: string;
  description: string;
  points: number;
}

/**
 * Confirmed achievements per unit whose confirmation falls in the period: an achievement counts in
 * the month the office confirmed it, once, never again (a late confirmation counts the next month).
 */
export function achievementsByUnit(
  facts: Iterable<AchievementFact>,
  categories: readonly AchievementCategory[],
  period: { start: IsoDate; end: IsoDate },
): Map<number, UnitAchievement[]> {
  const points = new Map(categories.map((c) => [c.key, c.points]));
  const out = new Map<number, UnitAchievement[]>();
  for (const f of facts) {
    if (f.status !== '已确认' || !f.confirmedOn || f.confirmedOn < period.start || f.confirmedOn > period.end) continue;
    const list = out.get(f.unitId) ?? out.set(f.unitId, []).get(f.unitId)!;
    list.push({ id: f.id, category: f.category, description: f.description, points: points.get(f.category) ?? 0 });
  }
  for (const list of out.values()) list.sort((a, b) => b.points - a.points || a.id - b.id);
  return out;
}

/** "获上级批示肯定 1 项、主流媒体报道 2 项" — what a unit achieved, by category. */
export function describeAchievements(list: readonly UnitAchievement[]): string {
  const counts = new Map<string, number>();
  for (const a of list) counts.set(a.category, (counts.get(a.category) ?? 0) + 1);
  return [...counts].map(([c, n]) => `${c} ${n} 项`).join('、');
}
