// The office's configuration of the scheduled pushes (DESIGN §4), stored as JSON in the Setting
// table and validated with zod (Chinese messages). Every key is optional: what the office leaves
// out takes the defaults below. See src/jobs/index.ts for the README text.
//
//   "jobs"        per-job schedule, catch-up window, recipient groups and frequencies
//   "supervision" 三色督办 thresholds (src/core/supervision.ts: parseSupervisionThresholds)
//   "honour"      光荣榜 weights (src/core/honour.ts: parseHonourWeights)
//   "recipients"  officeChatId / allHandsChatId (src/ledger/recipients.ts)
import { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import { getSetting } from '../db/repos/settings.js';
import { parseHonourWeights, type HonourWeights } from '../core/honour.js';
import { parseSupervisionThresholds, type SupervisionThresholds } from '../core/supervision.js';
import { parseSettings } from '../core/validation.js';

/** The reform loop's jobs (改革闭环, src/jobs/plans/loop*.ts). */
export const LOOP_JOB_NAMES = ['outposts', 'suggestion-digest', 'call-reminders', 'lookback', 'lookback-list', 'assessment'] as const;
/** 试点与复制推广's jobs (issue 16, src/jobs/plans/pilot.ts). */
export const PILOT_JOB_NAMES = ['case-collection', 'promotion-nudges', 'promotion-brief'] as const;
export const JOB_NAMES = ['reminders', 'overdue', 'nudges', 'digest', 'honour-roll', 'quarterly', 'half-year', 'year-end', 'calendar', 'reissue', ...LOOP_JOB_NAMES, ...PILOT_JOB_NAMES] as const;
export type JobName = (typeof JOB_NAMES)[number];

export const JOB_LABELS: Record<JobName, string> = {
  reminders: '临期提醒',
  overdue: '逾期预警',
  nudges: '催报进展',
  digest: '领导周报',
  'honour-roll': '月度进展表与光荣榜',
  quarterly: '按季盘点',
  'half-year': '半年一通报',
  'year-end': '年终盘总账',
  calendar: '放假安排载入提醒',
  outposts: '前哨站月度建议征集',
  'suggestion-digest': '改革建议周报',
  'call-reminders': '揭榜截止提醒',
  lookback: '回头看',
  'lookback-list': '回头看季度清单',
  assessment: '年度考核',
  reissue: '待办卡片续发',
  'case-collection': '典型案例征集与催报',
  'promotion-nudges': '推广进展催报',
  'promotion-brief': '推广动态简报',
};

export function isJobName(name: string): name is JobName {
  return (JOB_NAMES as readonly string[]).includes(name);
}

// ---- schedules ----

/**
 * When a job fires. Every schedule fires only on working days of the Chinese calendar (调休
 * Saturdays included); a schedule day that is not a working day moves to the next working day
 * (weekly: within the same week; monthly: within the same month).
 */
export type Schedule =
  /** `months`: only in these months (the December reminder to load next year's holiday schedule). */
  | { every: 'workingDay'; months?: number[]; time: string }
  | { every: 'week'; weekday: number; time: string }
  | { every: 'month'; day: number | 'firstWorkingDay'; months?: number[]; time: string };

const timeSchema = z
  .string({ error: '时间应为 "HH:mm" 格式，如 "09:00"' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: (iss) => `时间应为 "HH:mm" 格式（00:00–23:59），实际为 ${JSON.stringify(iss.input)}` });

const DAY_ERROR = 'day 应为 1–31 或 "firstWorkingDay"（每月第一个工作日）';
const monthsSchema = z
  .array(z.number().int().min(1, { error: '月份应为 1–12' }).max(12, { error: '月份应为 1–12' }), { error: 'months 应为月份数组，如 [1, 4, 7, 10]' })
  .min(1, { error: 'months 不能为空' });

export const scheduleSchema = z.discriminatedUnion(
  'every',
  [
    z.strictObject({ every: z.literal('workingDay'), months: monthsSchema.optional(), time: timeSchema }),
    z.strictObject({
      every: z.literal('week'),
      weekday: z.number({ error: 'weekday 应为 1（周一）到 7（周日）' }).int().min(1, { error: 'weekday 应为 1（周一）到 7（周日）' }).max(7, { error: 'weekday 应为 1（周一）到 7（周日）' }),
      time: timeSchema,
    }),
    z.strictObject({
      every: z.literal('month'),
      day: z.union(
        [z.literal('firstWorkingDay'), z.number().int({ error: DAY_ERROR }).min(1, { error: DAY_ERROR }).max(31, { error: DAY_ERROR })],
        { error: DAY_ERROR },
      ),
      months: monthsSchema.optional(),
      time: timeSchema,
    }),
  ],
  { error: '发送时间应为 {"every":"workingDay","time":"09:00"}、{"every":"week","weekday":1,"time":"08:30"} 或 {"every":"month","day":25,"time":"10:00"} 这样的对象' },
);

// ---- recipient groups ----

/** Who a message goes to, by role relative to the task/unit, or a fixed group. */
export const RECIPIENT_KINDS = ['liaison', 'commissioner', 'unitHead', 'unitGroup', 'leadLeaders', 'leaders', 'office', 'allHands'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];
/** The kinds that mean people (or the group) of a unit; which unit depends on the job (JOB_UNITS). */
const UNIT_ROLE_LABELS: Partial<Record<RecipientKind, string>> = { liaison: '改革联络员', commissioner: '改革专员', unitHead: '一把手', unitGroup: '工作群' };
const OTHER_KIND_LABELS: Partial<Record<RecipientKind, string>> = { leadLeaders: '领衔领导', leaders: '全体县级领导', office: '改革办', allHands: '全体工作群' };

/** A recipient kind in words: a unit's people named after `unit` (the lead unit by default). */
export function recipientKindLabel(kind: RecipientKind, unit = '牵头单位'): string {
  const role = UNIT_ROLE_LABELS[kind];
  return role ? `${unit}${role}` : OTHER_KIND_LABELS[kind] ?? kind;
}

export const RECIPIENT_KIND_LABELS = Object.fromEntries(
  (['liaison', 'commissioner', 'unitHead', 'unitGroup', 'leadLeaders', 'leaders', 'office', 'allHands'] as const).map((k) => [k, recipientKindLabel(k)]),
) as Record<RecipientKind, string>;

/**
 * Whose unit a job's unit kinds (liaison, commissioner, unitHead, unitGroup) address: the units its
 * plan (src/jobs/plans/*) hands to Directory.forUnit. `taizhang job --list` names recipients from
 * this and the job's `to` setting, the data the plan sends by.
 */
export const JOB_UNITS: Partial<Record<JobName, string>> = {
  reminders: '牵头单位',
  overdue: '牵头单位',
  nudges: '本周期未报送进展的牵头单位',
  outposts: '前哨站单位',
  'call-reminders': '榜单面向的、尚未揭榜的单位',
  lookback: '已销号事项的牵头单位',
  'case-collection': '本季度尚未报送案例的单位',
  'promotion-nudges': '本月尚未报送推广进展的推广单位',
};

/** A job's recipient kinds in words, each unit kind named after the job's units. */
export function jobRecipientLabels(job: JobName, kinds: readonly RecipientKind[]): string {
  return kinds.map((k) => recipientKindLabel(k, JOB_UNITS[job])).join('、') || '无';
}

const kinds = <K extends RecipientKind>(allowed: readonly K[], what: string) =>
  z.array(z.enum(allowed as unknown as [K, ...K[]], { error: () => `${what}只能是：${allowed.join('、')}` }), { error: `${what}应为数组` });

const TASK_KINDS = ['liaison', 'commissioner', 'unitHead', 'unitGroup', 'leadLeaders', 'office'] as const;
const UNIT_KINDS = ['liaison', 'commissioner', 'unitHead', 'unitGroup', 'office'] as const;
const BROADCAST_KINDS = ['office', 'allHands', 'leaders'] as const;

const catchUpHours = z
  .number({ error: 'catchUpHours 应为数字（小时）' })
  .min(0, { error: 'catchUpHours 不能为负数' })
  .max(24 * 31, { error: 'catchUpHours 不能超过 744 小时' });
const workingDays = (what: string) =>
  z.number({ error: `${what}应为数字` }).int({ error: `${what}应为整数` }).min(1, { error: `${what}至少为 1` }).max(250, { error: `${what}不能超过 250` });
const listSize = z.number({ error: '列表条数应为数字' }).int().min(1, { error: '列表条数至少为 1' }).max(200, { error: '列表条数不能超过 200' });

const base = { enabled: z.boolean({ error: 'enabled 应为 true 或 false' }).optional(), schedule: scheduleSchema.optional(), catchUpHours: catchUpHours.optional() };

const jobsSettingSchema = z.strictObject(
  {
    reminders: z.strictObject({
      ...base,
      daysBefore: z
        .array(z.number().int().min(0).max(60), { error: 'daysBefore 应为工作日数的数组，如 [5, 3, 1, 0]（0 = 当天）' })
        .min(1, { error: 'daysBefore 不能为空' })
        .optional(),
      to: kinds(TASK_KINDS, '临期提醒接收人').optional(),
    }).optional(),
    overdue: z.strictObject({
      ...base,
      to: kinds(TASK_KINDS, '逾期预警接收人').optional(),
      repeatEveryWorkingDays: workingDays('逾期预警重复间隔').optional(),
      redAlsoTo: kinds(TASK_KINDS, '红色预警加送').optional(),
      redRepeatEveryWorkingDays: workingDays('红色预警重复间隔').optional(),
    }).optional(),
    nudges: z.strictObject({
      ...base,
      to: kinds(UNIT_KINDS, '催报接收人').optional(),
      escalateTo: kinds(UNIT_KINDS, '连续未报加送').optional(),
    }).optional(),
    digest: z.strictObject({ ...base, copyTo: kinds(['office'] as const, '领导周报抄送').optional(), show: listSize.optional() }).optional(),
    'honour-roll': z.strictObject({ ...base, to: kinds(BROADCAST_KINDS, '光荣榜接收人').optional(), show: listSize.optional() }).optional(),
    quarterly: z.strictObject({ ...base, to: kinds(BROADCAST_KINDS, '按季盘点接收人').optional(), show: listSize.optional() }).optional(),
    'half-year': z.strictObject({ ...base, to: kinds(BROADCAST_KINDS, '半年通报接收人').optional(), show: listSize.optional() }).optional(),
    'year-end': z.strictObject({ ...base, to: kinds(BROADCAST_KINDS, '年终盘点接收人').optional(), show: listSize.optional() }).optional(),
    calendar: z.strictObject({ ...base, to: kinds(['office', 'leaders'] as const, '放假安排提醒接收人').optional() }).optional(),
    outposts: z.strictObject({ ...base, to: kinds(UNIT_KINDS, '前哨站征集接收人').optional() }).optional(),
    'suggestion-digest': z.strictObject({ ...base, to: kinds(['office'] as const, '改革建议周报接收人').optional() }).optional(),
    'call-reminders': z.strictObject({ ...base, daysBefore: z.array(z.number().int().min(1).max(30)).min(1).optional(), to: kinds(UNIT_KINDS, '揭榜截止提醒接收人').optional() }).optional(),
    lookback: z.strictObject({ ...base, to: kinds(UNIT_KINDS, '回头看接收人').optional() }).optional(),
    'lookback-list': z.strictObject({ ...base, to: kinds(['office', 'leaders'] as const, '回头看清单接收人').optional() }).optional(),
    assessment: z.strictObject({ ...base, to: kinds(['office', 'leaders'] as const, '年度考核接收人').optional() }).optional(),
    reissue: z.strictObject({ ...base }).optional(),
    'case-collection': z.strictObject({
      ...base,
      daysBefore: z.array(z.number().int().min(0).max(60), { error: 'daysBefore 应为季末前工作日数的数组，如 [10, 3]' }).min(1, { error: 'daysBefore 不能为空' }).optional(),
      to: kinds(UNIT_KINDS, '案例催报接收人').optional(),
      announceTo: kinds(['allHands', 'office'] as const, '案例征集通知接收人').optional(),
    }).optional(),
    'promotion-nudges': z.strictObject({ ...base, to: kinds(UNIT_KINDS, '推广进展催报接收人').optional() }).optional(),
    'promotion-brief': z.strictObject({ ...base, to: kinds(['office', 'leaders'] as const, '推广动态简报接收人').optional() }).optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `无法识别的任务：${iss.keys.join('、')}（可用：${JOB_NAMES.join('、')}）` : '定时推送设置应为一个对象') },
);

interface JobBase {
  enabled: boolean;
  schedule: Schedule;
  /** A missed run is caught up when the process comes back within this many hours; older ones are skipped. */
  catchUpHours: number;
}

export interface JobsSettings {
  reminders: JobBase & { daysBefore: number[]; to: RecipientKind[] };
  overdue: JobBase & { to: RecipientKind[]; repeatEveryWorkingDays: number; redAlsoTo: RecipientKind[]; redRepeatEveryWorkingDays: number };
  nudges: JobBase & { to: RecipientKind[]; escalateTo: RecipientKind[] };
  digest: JobBase & { copyTo: RecipientKind[]; show: number };
  'honour-roll': JobBase & { to: RecipientKind[]; show: number };
  quarterly: JobBase & { to: RecipientKind[]; show: number };
  'half-year': JobBase & { to: RecipientKind[]; show: number };
  'year-end': JobBase & { to: RecipientKind[]; show: number };
  calendar: JobBase & { to: RecipientKind[] };
  outposts: JobBase & { to: RecipientKind[] };
  'suggestion-digest': JobBase & { to: RecipientKind[] };
  'call-reminders': JobBase & { daysBefore: number[]; to: RecipientKind[] };
  lookback: JobBase & { to: RecipientKind[] };
  'lookback-list': JobBase & { to: RecipientKind[] };
  assessment: JobBase & { to: RecipientKind[] };
  reissue: JobBase;
  'case-collection': JobBase & { daysBefore: number[]; to: RecipientKind[]; announceTo: RecipientKind[] };
  'promotion-nudges': JobBase & { to: RecipientKind[] };
  'promotion-brief': JobBase & { to: RecipientKind[] };
}

export const DEFAULT_JOBS_SETTINGS: Readonly<JobsSettings> = Object.freeze({
  reminders: { enabled: true, schedule: { every: 'workingDay', time: '09:00' }, catchUpHours: 12, daysBefore: [5, 3, 1, 0], to: ['liaison', 'unitGroup'] },
  overdue: {
    enabled: true,
    schedule: { every: 'workingDay', time: '09:30' },
    catchUpHours: 12,
    to: ['liaison'],
    repeatEveryWorkingDays: 1,
    redAlsoTo: ['unitHead', 'leadLeaders'],
    redRepeatEveryWorkingDays: 5,
  },
  nudges: { enabled: true, schedule: { every: 'month', day: 25, time: '10:00' }, catchUpHours: 24, to: ['liaison'], escalateTo: ['unitHead'] },
  digest: { enabled: true, schedule: { every: 'week', weekday: 1, time: '08:30' }, catchUpHours: 24, copyTo: [], show: 15 },
  'honour-roll': { enabled: true, schedule: { every: 'month', day: 'firstWorkingDay', time: '10:00' }, catchUpHours: 72, to: ['allHands'], show: 10 },
  quarterly: { enabled: true, schedule: { every: 'month', day: 'firstWorkingDay', months: [1, 4, 7, 10], time: '10:30' }, catchUpHours: 72, to: ['office', 'leaders'], show: 15 },
  'half-year': { enabled: true, schedule: { every: 'month', day: 'firstWorkingDay', months: [7], time: '11:00' }, catchUpHours: 72, to: ['allHands', 'leaders'], show: 20 },
  'year-end': { enabled: true, schedule: { every: 'month', day: 'firstWorkingDay', months: [1], time: '11:00' }, catchUpHours: 72, to: ['allHands', 'leaders'], show: 20 },
  // Checked on every working day of December; sends at most once per 7-day period (jobPeriod), and
  // only while next year's schedule is neither in the library nor loaded (src/jobs/plans/calendar.ts).
  calendar: { enabled: true, schedule: { every: 'workingDay', months: [12], time: '09:15' }, catchUpHours: 24, to: ['office'] },
  // 改革闭环. The assessment goes to the leaders and the office, never the all-hands group (not offered).
  outposts: { enabled: true, schedule: { every: 'month', day: 'firstWorkingDay', time: '09:40' }, catchUpHours: 72, to: ['liaison'] },
  'suggestion-digest': { enabled: true, schedule: { every: 'week', weekday: 1, time: '09:10' }, catchUpHours: 24, to: ['office'] },
  'call-reminders': { enabled: true, schedule: { every: 'workingDay', time: '09:20' }, catchUpHours: 12, daysBefore: [3, 1], to: ['liaison'] },
  lookback: { enabled: true, schedule: { every: 'workingDay', time: '09:50' }, catchUpHours: 24, to: ['liaison'] },
  'lookback-list': { enabled: true, schedule: { every: 'month', day: 'firstWorkingDay', months: [1, 4, 7, 10], time: '10:40' }, catchUpHours: 72, to: ['office'] },
  assessment: { enabled: true, schedule: { every: 'month', day: 'firstWorkingDay', months: [1], time: '11:30' }, catchUpHours: 72, to: ['leaders', 'office'] },
  // Cards still waited on, sent afresh before Feishu's 14-day limit (src/jobs/plans/reissue.ts).
  reissue: { enabled: true, schedule: { every: 'workingDay', time: '08:45' }, catchUpHours: 12 },
  // 试点与复制推广 (src/jobs/plans/pilot.ts). The case collection is checked every working day: the
  // quarter's theme is announced once per quarter (the same message as 「案例主题」's), and units
  // without a case are reminded 10 and 3 working days before the quarter ends.
  'case-collection': { enabled: true, schedule: { every: 'workingDay', time: '09:45' }, catchUpHours: 12, daysBefore: [10, 3], to: ['liaison'], announceTo: ['allHands'] },
  'promotion-nudges': { enabled: true, schedule: { every: 'month', day: 20, time: '10:10' }, catchUpHours: 24, to: ['liaison'] },
  'promotion-brief': { enabled: true, schedule: { every: 'month', day: 28, time: '16:00' }, catchUpHours: 48, to: ['office'] },
} satisfies JobsSettings);

/** Validates the "jobs" setting and fills in defaults job by job (a given schedule replaces the default). */
export function parseJobsSettings(json: unknown): JobsSettings {
  const parsed = parseSettings(jobsSettingSchema, json ?? {}, '定时推送设置');
  const out = structuredClone(DEFAULT_JOBS_SETTINGS) as JobsSettings;
  for (const name of JOB_NAMES) {
    const given = parsed[name];
    if (!given) continue;
    const target = out[name] as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(given)) if (v !== undefined) target[k] = v;
  }
  return out;
}

export interface TenantJobConfig {
  jobs: JobsSettings;
  thresholds: SupervisionThresholds;
  weights: HonourWeights;
}

export const SETTING_KEYS = { jobs: 'jobs', supervision: 'supervision', honour: 'honour' } as const;

export async function loadTenantJobConfig(db: DbOrTx, tenantId: number): Promise<TenantJobConfig> {
  const [jobs, supervision, honour] = await Promise.all([
    getSetting(db, tenantId, SETTING_KEYS.jobs),
    getSetting(db, tenantId, SETTING_KEYS.supervision),
    getSetting(db, tenantId, SETTING_KEYS.honour),
  ]);
  return { jobs: parseJobsSettings(jobs), thresholds: parseSupervisionThresholds(supervision), weights: parseHonourWeights(honour) };
}
