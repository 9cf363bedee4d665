// 光荣榜: units ranked on outcomes — on-time close-outs, early completions, overdue tasks and the
// share of progress reports made on time — never on message volume. Every entry carries its
// breakdown and a Chinese sentence saying how the score was made, because rankings that cannot
// be explained feel unfair (DESIGN §7).
import { z } from 'zod';
import type { WorkingCalendar } from './calendar.js';
import { onTimeJudge, formatPercent } from './stats.js';
import { OPEN_STATUSES, type IsoDate, type TaskStatus } from './types.js';
import { parseSettings } from './validation.js';
import { taskBeganOn } from './task-dates.js';

export interface HonourWeights {
  /** Points per task closed out (已销号) in the period whose completion was reported on time. */
  onTimeCompletion: number;
  /** Extra points per such task reported at least `earlyMinWorkingDays` working days early. */
  earlyCompletion: number;
  earlyMinWorkingDays: number;
  /** Points (≤ 0) per open task past its deadline. */
  overduePenalty: number;
  /** Multiplied by the timely-reporting rate (0..1). */
  timelyReportRate: number;
  /** Multiplies each confirmed achievement's category points (src/core/pilot/achievements.ts); 0 leaves achievements out. */
  achievement: number;
}

export const DEFAULT_HONOUR_WEIGHTS: Readonly<HonourWeights> = Object.freeze({
  onTimeCompletion: 10,
  earlyCompletion: 5,
  earlyMinWorkingDays: 10,
  overduePenalty: -5,
  timelyReportRate: 20,
  achievement: 1,
});

const points = (label: string) =>
  z.number({ error: `${label}应为数字` }).min(0, { error: `${label}不能为负数` }).max(1000, { error: `${label}不能超过 1000` });

/** The office's settings: any subset; missing weights take the defaults. */
export const honourWeightsSchema = z.strictObject(
  {
    onTimeCompletion: points('按时销号分值').optional(),
    earlyCompletion: points('提前完成加分').optional(),
    earlyMinWorkingDays: z
      .number({ error: '提前完成天数应为数字' })
      .int({ error: '提前完成天数应为整数' })
      .min(1, { error: '提前完成天数至少为 1 个工作日' })
      .max(250, { error: '提前完成天数不能超过 250 个工作日' })
      .optional(),
    overduePenalty: z
      .number({ error: '逾期扣分应为数字' })
      .max(0, { error: '逾期扣分应为负数或 0，如 -5' })
      .min(-1000, { error: '逾期扣分不能低于 -1000' })
      .optional(),
    timelyReportRate: points('按时报送分值').optional(),
    achievement: z
      .number({ error: '成果权重应为数字' })
      .min(0, { error: '成果权重不能为负数' })
      .max(100, { error: '成果权重不能超过 100' })
      .optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `无法识别的设置项：${iss.keys.join('、')}` : '光荣榜计分设置应为一个对象') },
);

export function parseHonourWeights(json: unknown): HonourWeights {
  const parsed = parseSettings(honourWeightsSchema, json ?? {}, '光荣榜计分设置');
  return { ...DEFAULT_HONOUR_WEIGHTS, ...dropUndefined(parsed) };
}

/** The facts a unit is scored on. */
export interface UnitOutcomes {
  unitId: number;
  unitName: string;
  onTimeCompletions: number;
  earlyCompletions: number;
  overdueTasks: number;
  /** Tasks that were due to report progress in the period. */
  reportsExpected: number;
  /** Of those, the ones that did report (or reported completion) in the period. */
  reportsTimely: number;
  /** Confirmed achievements in the period (获上级批示肯定…), with their category points. */
  achievements?: readonly { category: string; description: string; points: number }[];
}

export interface HonourTask {
  taskId: number;
  leadUnitId: number;
  /** 联合牵头: the other lead units; the task is scored for each of them too. */
  jointLeadUnitIds?: readonly number[];
  status: TaskStatus;
  deadline?: IsoDate | null;
  startDate?: IsoDate | null;
  createdOn?: IsoDate | null;
  completedOn?: IsoDate | null;
  closedOn?: IsoDate | null;
  /** Progress reports on this task dated within the period. */
  reportsInPeriod: number;
}

export interface HonourPeriod {
  start: IsoDate;
  /** Inclusive. */
  end: IsoDate;
}

export interface CollectOptions {
  period: HonourPeriod;
  calendar: WorkingCalendar;
  /** Overdue is counted as of this date; defaults to the period's end. */
  asOf?: IsoDate;
  weights?: HonourWeights;
}

/**
 * Derives each unit's outcomes for a period from its led tasks. Units that lead no task in the
 * input are left out (they have nothing to be ranked on).
 * - on-time completion: 已销号, closed in the period (closedOn, else completedOn), reported on time;
 * - early: of those, reported ≥ earlyMinWorkingDays working days before the (effective) deadline;
 * - overdue: still open (OPEN_STATUSES) and the effective deadline is before `asOf`;
 * - reporting: a task is expected to report when it had begun by the period's first day (by its own
 *   dates, taskBeganOn: not the day the ledger was loaded), was not completed before it, and is
 *   neither paused (暂缓) nor disputed (有异议, waiting on the office); it reported on time when it
 *   has a report in the period or its completion was reported in it.
 */
export function collectUnitOutcomes(
  units: readonly { unitId: number; unitName: string }[],
  tasks: Iterable<HonourTask>,
  options: CollectOptions,
): UnitOutcomes[] {
  const { period, calendar } = options;
  const asOf = options.asOf ?? period.end;
  const weights = options.weights ?? DEFAULT_HONOUR_WEIGHTS;
  const onTime = onTimeJudge(calendar);
  const names = new Map(units.map((u) => [u.unitId, u.unitName]));
  const byUnit = new Map<number, UnitOutcomes>();
  const open = new Set<TaskStatus>(OPEN_STATUSES);
  const inPeriod = (d: IsoDate | null | undefined) => !!d && d >= period.start && d <= period.end;

  for (const task of tasks) for (const leadUnitId of [task.leadUnitId, ...(task.jointLeadUnitIds ?? [])]) {
    if (task.status === '已撤销') continue; // revoked: nothing to assess
    let o = byUnit.get(leadUnitId);
    if (!o) {
      o = {
        unitId: leadUnitId,
        unitName: names.get(leadUnitId) ?? `单位#${leadUnitId}`,
        onTimeCompletions: 0,
        earlyCompletions: 0,
        overdueTasks: 0,
        reportsExpected: 0,
        reportsTimely: 0,
      };
      byUnit.set(leadUnitId, o);
    }
    const completedOn = task.completedOn ?? task.closedOn ?? null;

    if (task.status === '已销号' && inPeriod(task.closedOn ?? task.completedOn) && onTime(task)) {
      o.onTimeCompletions++;
      if (task.deadline && completedOn) {
        const early = calendar.workingDaysBetween(completedOn, calendar.workingDayOnOrAfter(task.deadline));
        if (early >= weights.earlyMinWorkingDays) o.earlyCompletions++;
      }
    }

    if (open.has(task.status) && task.deadline && calendar.workingDayOnOrAfter(task.deadline) < asOf) o.overdueTasks++;

    const activeFrom = taskBeganOn(task);
    const expected =
      task.status !== '暂缓' &&
      task.status !== '有异议' &&
      (activeFrom === null || activeFrom <= period.start) &&
      (completedOn === null || completedOn >= period.start);
    if (expected) {
      o.reportsExpected++;
      if (task.reportsInPeriod > 0 || inPeriod(completedOn)) o.reportsTimely++;
    }
  }
  return [...byUnit.values()];
}

/** True when the unit had something to be assessed on in the period (a close-out, an overdue task, a report due). */
export function hasAssessableItems(o: UnitOutcomes): boolean {
  return o.onTimeCompletions + o.overdueTasks + o.reportsExpected + (o.achievements?.length ?? 0) > 0;
}

export interface ScoreItem {
  label: string;
  count: number;
  points: number;
  /** e.g. "8/10 项（80%）" for the reporting rate. */
  detail?: string;
}

export interface HonourEntry {
  unitId: number;
  unitName: string;
  score: number;
  /** Competition ranking: equal scores share a rank, the next rank skips (1, 2, 2, 4). */
  rank: number;
  /** Names of the other units sharing this rank (empty when none). */
  tiedWith: string[];
  breakdown: ScoreItem[];
  explanation: string;
}

const collator = new Intl.Collator('zh-CN');

/** Scores and ranks units. Ties share a rank and are listed by unit name (pinyin), then id. */
export function rankHonourRoll(outcomes: readonly UnitOutcomes[], weights: HonourWeights = DEFAULT_HONOUR_WEIGHTS): HonourEntry[] {
  const scored = outcomes.map((o) => {
    const breakdown = scoreBreakdown(o, weights);
    // Rounded to one decimal so that equal displayed scores are equal scores (and tie).
    const score = round1(breakdown.reduce((sum, item) => sum + item.points, 0));
    return { o, breakdown, score };
  });
  scored.sort((a, b) => b.score - a.score || collator.compare(a.o.unitName, b.o.unitName) || a.o.unitId - b.o.unitId);

  const entries: HonourEntry[] = [];
  for (let i = 0; i < scored.length; i++) {
    const { o, breakdown, score } = scored[i]!;
    const rank = i > 0 && scored[i - 1]!.score === score ? entries[i - 1]!.rank : i + 1;
    entries.push({ unitId: o.unitId, unitName: o.unitName, score, rank, tiedWith: [], breakdown, explanation: '' });
  }
  for (const entry of entries) {
    entry.tiedWith = entries.filter((e) => e.rank === entry.rank && e !== entry).map((e) => e.unitName);
    entry.explanation = explain(entry);
  }
  return entries;
}

export interface PublishedHonourRoll {
  /** Units with a positive score, ranked (1, 2, 2, 4): the roll honours, it never shows a negative score. */
  honoured: HonourEntry[];
  /** Units assessed whose score was 0 or below: counted, not named, on the published roll. */
  notListed: number;
  /** Units with nothing to be assessed in the period: 本期无考核事项 (not "tied first with 0 分"). */
  unassessed: string[];
  /** Every assessed unit, ranked, with its breakdown (for the office, never the all-hands group). */
  ranked: HonourEntry[];
}

/**
 * The honour roll as published to everyone: units with nothing to be assessed are set apart
 * (本期无考核事项) instead of ranking them at 0 分, and only positive scores are listed.
 */
export function publishHonourRoll(outcomes: readonly UnitOutcomes[], weights: HonourWeights = DEFAULT_HONOUR_WEIGHTS): PublishedHonourRoll {
  const assessed = outcomes.filter(hasAssessableItems);
  const ranked = rankHonourRoll(assessed, weights);
  const honoured = ranked.filter((e) => e.score > 0);
  const unassessed = outcomes.filter((o) => !hasAssessableItems(o)).map((o) => o.unitName).sort((a, b) => collator.compare(a, b));
  return { honoured, notListed: ranked.length - honoured.length, unassessed, ranked };
}

function scoreBreakdown(o: UnitOutcomes, w: HonourWeights): ScoreItem[] {
  const rate = o.reportsExpected > 0 ? o.reportsTimely / o.reportsExpected : null;
  return [
    { label: '按时销号', count: o.onTimeCompletions, points: round1(o.onTimeCompletions * w.onTimeCompletion) },
    { label: '提前完成', count: o.earlyCompletions, points: round1(o.earlyCompletions * w.earlyCompletion) },
    { label: '逾期未完成', count: o.overdueTasks, points: round1(o.overdueTasks * w.overduePenalty) },
    {
      label: '按时报送进展',
      count: o.reportsTimely,
      points: rate === null ? 0 : round1(rate * w.timelyReportRate),
      detail: rate === null ? '本期无应报送进展的事项' : `${o.reportsTimely}/${o.reportsExpected} 项（${formatPercent(rate)}）`,
    },
    // Only when the unit has confirmed achievements: the breakdown stays as it was for the others.
    ...(o.achievements?.length ? [achievementItem(o, w)] : []),
  ];
}

function achievementItem(o: UnitOutcomes, w: HonourWeights): ScoreItem {
  const list = o.achievements ?? [];
  const counts = new Map<string, number>();
  for (const a of list) counts.set(a.category, (counts.get(a.category) ?? 0) + 1);
  return {
    label: '改革成果',
    count: list.length,
    points: round1(list.reduce((sum, a) => sum + a.points, 0) * w.achievement),
    detail: [...counts].map(([c, n]) => `${c} ${n} 项`).join('、'),
  };
}

function explain(entry: HonourEntry): string {
  const [onTime, early, overdue, reporting] = entry.breakdown as [ScoreItem, ScoreItem, ScoreItem, ScoreItem];
  const achieved = entry.breakdown.find((i) => i.label === '改革成果');
  const parts = [
    achieved && achieved.points > 0 ? `经改革办确认的改革成果：${achieved.detail}，得 ${fmt(achieved.points)} 分` : null,
    onTime.count ? `按时销号 ${onTime.count} 项，得 ${fmt(onTime.points)} 分` : '本期无按时销号事项',
    early.count ? `提前完成 ${early.count} 项，加 ${fmt(early.points)} 分` : null,
    overdue.count ? `逾期未完成 ${overdue.count} 项，扣 ${fmt(-overdue.points)} 分` : '无逾期未完成事项',
    reporting.detail === '本期无应报送进展的事项'
      ? reporting.detail
      : `按时报送进展 ${reporting.detail}，得 ${fmt(reporting.points)} 分`,
  ].filter((p): p is string => p !== null);
  const place = entry.tiedWith.length ? `与${entry.tiedWith.join('、')}并列第${entry.rank}名` : `排第${entry.rank}名`;
  return `${parts.join('；')}；合计 ${fmt(entry.score)} 分，${place}。`;
}

/** The rules in plain Chinese, for the honour-roll card. */
export function describeScoringRules(weights: HonourWeights = DEFAULT_HONOUR_WEIGHTS): string {
  const w = weights;
  const rule = (n: number, label: string, weight: number, text: string, end: string) =>
    `${n}. ${label}：${weight === 0 ? '不计分' : text}${end}`;
  return [
    '光荣榜只看工作实绩，不看发消息多少。计分办法：',
    rule(1, '按时销号', w.onTimeCompletion, `在完成时限内报告完成并经改革办销号的事项，每项得 ${fmt(w.onTimeCompletion)} 分`, '；'),
    rule(2, '提前完成', w.earlyCompletion, `比完成时限提前 ${w.earlyMinWorkingDays} 个工作日以上报告完成的，每项另加 ${fmt(w.earlyCompletion)} 分`, '；'),
    rule(3, '逾期未完成', w.overduePenalty, `超过完成时限仍未完成的事项，每项扣 ${fmt(-w.overduePenalty)} 分`, '；'),
    rule(4, '按时报送进展', w.timelyReportRate, `本期应报送进展的事项中按时报送的比例 × ${fmt(w.timelyReportRate)} 分`, '；'),
    rule(5, '改革成果', w.achievement, `本期经改革办确认的成果（获上级批示肯定、经验入选上级刊物或被推广、主流媒体报道、获批试点、入选典型案例、获评改革品牌）按类别分值${w.achievement === 1 ? '' : ` × ${fmt(w.achievement)} `}计分`, '。'),
    '完成时限遇节假日顺延至下一个工作日。得分相同的单位并列同一名次（如 1、2、2、4），并列单位按单位名称拼音排序。',
  ].join('\n');
}

function round1(x: number): number {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? 0 : r;
}

function fmt(x: number): string {
  return String(round1(x));
}

function dropUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
