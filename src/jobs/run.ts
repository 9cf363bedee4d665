// Running one job for one moment: load → plan (plain data) → (unless --dry-run) write the plan to
// the outbox with its JobRun row. Used by the scheduler, by `taizhang job <name> --at …`, and by
// the sandbox's clock control.
import { achievementCategories, loadConfirmedAchievements } from '../pilot/achievements.js';
import { achievementsByUnit } from '../core/pilot/honour-mix.js';
import type { AppContext } from '../app.js';
import { systemClock, type Clock } from '../clock.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDate } from '../core/dates.js';
import type { Period } from '../core/periods.js';
import type { IsoDate } from '../core/types.js';
import type { Db, DbOrTx } from '../db/client.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { loadDirectory, loadJobLedger, loadRecentChanges, loadReportCounts, loadTallyRows } from './data.js';
import { commitPlan, existingKeys, type RunMode } from './outbox.js';
import type { JobPlan, PlannedMessage } from './plan.js';
import { planDigest, DIGEST_WINDOW_MS } from './plans/digest.js';
import { planNudges } from './plans/nudges.js';
import { planOverdue, planReminders, REMINDED_STATUSES } from './plans/reminders.js';
import { planHalfYear, planHonourRoll, planQuarterly, planYearEnd } from './plans/reviews.js';
import { planCalendarReminder } from './plans/calendar.js';
import { assessmentFiles } from '../loop/assessment-files.js';
import { planAssessment, planCallReminders, rankAssessment, planLookbackList, planLookbacks, planOutposts, planSuggestionDigest } from './plans/loop.js';
import { loadAssessment, loadLookbacks, loadNewSuggestions, loadOpenCalls, loadOutposts } from './loop-data.js';
import { planCaseCollection, planPromotionBrief, planPromotionNudges } from './plans/pilot.js';
import { loadCaseCollection, loadPromotionBrief, loadPromotionNudges } from './pilot-data.js';
import { dueSubjects, loadReissueItems, loadReissueSubjects, planReissue } from './plans/reissue.js';
import { describeSchedule, firesOn, jobPeriod } from './schedule.js';
import { isJobName, JOB_LABELS, JOB_NAMES, loadTenantJobConfig, type JobName, type TenantJobConfig } from './settings.js';

/** Loads what the job needs and plans it; no writes. */
export async function planJob(
  db: DbOrTx,
  tenantId: number,
  job: JobName,
  at: Date,
  calendar: WorkingCalendar,
  config?: TenantJobConfig,
): Promise<JobPlan> {
  const cfg = config ?? (await loadTenantJobConfig(db, tenantId));
  const ctx = { tenantId, at, calendar, config: cfg };
  switch (job) {
    // Reminders and warnings skip every other status: those tasks are not even loaded.
    case 'reminders':
      return planReminders(await loadJobLedger(db, tenantId, REMINDED_STATUSES), ctx);
    case 'overdue':
      return planOverdue(await loadJobLedger(db, tenantId, REMINDED_STATUSES), ctx);
    case 'nudges':
      return planNudges(await loadJobLedger(db, tenantId), ctx);
    case 'digest': {
      const [ledger, changes] = await Promise.all([loadJobLedger(db, tenantId), loadRecentChanges(db, tenantId, new Date(at.getTime() - DIGEST_WINDOW_MS), at)]);
      return planDigest(ledger, changes, ctx);
    }
    case 'honour-roll': {
      const period = jobPeriod('honour-roll', shanghaiDate(at), cfg.thresholds.reportingCycle);
      const [ledger, counts, facts, categories] = await Promise.all([
        loadJobLedger(db, tenantId), loadReportCounts(db, tenantId, period), loadConfirmedAchievements(db, tenantId, period), achievementCategories(db, tenantId),
      ]);
      return planHonourRoll(ledger, counts, ctx, achievementsByUnit(facts, categories, period));
    }
    case 'quarterly':
      return planQuarterly(await loadJobLedger(db, tenantId), ctx);
    case 'half-year': {
      const [rows, dir] = await Promise.all([loadTallyRows(db, tenantId), loadDirectory(db, tenantId)]);
      return planHalfYear(rows, dir, ctx);
    }
    case 'year-end': {
      const [rows, dir] = await Promise.all([loadTallyRows(db, tenantId), loadDirectory(db, tenantId)]);
      return planYearEnd(rows, dir, ctx);
    }
    case 'calendar':
      return planCalendarReminder(await loadDirectory(db, tenantId), ctx);
    // 改革闭环 (plans/loop.ts, loop-data.ts)
    case 'outposts':
      return planOutposts(await loadDirectory(db, tenantId), await loadOutposts(db, tenantId), ctx);
    case 'suggestion-digest':
      return planSuggestionDigest(await loadDirectory(db, tenantId), await loadNewSuggestions(db, tenantId, new Date(at.getTime() - DIGEST_WINDOW_MS), at), ctx);
    case 'call-reminders':
      return planCallReminders(await loadDirectory(db, tenantId), await loadOpenCalls(db, tenantId), ctx);
    case 'lookback':
      return planLookbacks(await loadDirectory(db, tenantId), await loadLookbacks(db, tenantId, shanghaiDate(at)), ctx);
    case 'lookback-list':
      return planLookbackList(await loadDirectory(db, tenantId), await loadLookbacks(db, tenantId, shanghaiDate(at)), ctx);
    case 'assessment': {
      const year = Number(shanghaiDate(at).slice(0, 4)) - 1;
      const data = await loadAssessment(db, tenantId, year);
      const files = await assessmentFiles(year, rankAssessment(data, ctx));
      return planAssessment(await loadDirectory(db, tenantId), data, ctx, { file: files.workbook, ...(files.chart ? { image: { fileName: files.chart.fileName, bytes: files.chart.png } } : {}) });
    }
    // 试点与复制推广 (plans/pilot.ts, pilot-data.ts)
    case 'case-collection':
      return planCaseCollection(await loadDirectory(db, tenantId), await loadCaseCollection(db, tenantId, shanghaiDate(at)), ctx);
    case 'promotion-nudges':
      return planPromotionNudges(await loadDirectory(db, tenantId), await loadPromotionNudges(db, tenantId, shanghaiDate(at)), ctx);
    case 'promotion-brief':
      return planPromotionBrief(await loadDirectory(db, tenantId), await loadPromotionBrief(db, tenantId, at, shanghaiDate(at), calendar), ctx);
    case 'reissue': {
      const due = dueSubjects(await loadReissueSubjects(db as Db, tenantId), shanghaiDate(at), calendar);
      return planReissue(await loadReissueItems(db as Db, tenantId, calendar, due), ctx);
    }
  }
}

export interface RunOptions {
  /** Plan and report only: nothing is written, nothing is sent. */
  dryRun?: boolean;
  /** Default: the app's default tenant. */
  tenant?: TenantRef;
  /** 'scheduled' runs only if this call claims the (job, period); 'manual' (default) always queues what is new. */
  mode?: RunMode;
  /** Woken after the plan is queued so the messages go out at once. */
  sender?: { wake(): void };
  /**
   * Stamps the outbox rows and the JobRun row. Transport time, not business time: the Sender
   * compares nextAttemptAt with its own (real) clock, so a run for a moment moved ahead by the
   * sandbox or `--at` must still be due now. Default: the system clock.
   */
  outboxClock?: Clock;
}

export interface JobRunReport {
  job: JobName;
  label: string;
  tenantId: number;
  at: Date;
  today: IsoDate;
  period: Period;
  dryRun: boolean;
  mode: RunMode;
  /** Each planned message, and whether its dedupe key was already in the outbox (then it is not sent again). */
  messages: (PlannedMessage & { alreadyQueued: boolean })[];
  enqueued: number;
  alreadyQueued: number;
  /** Whether this run created the JobRun row (null for a dry run). */
  claimed: boolean | null;
  notes: string[];
}

/** Runs `name` (a JobName; anything else is refused in Chinese) as if at `at`. */
export async function runJob(app: AppContext, name: string, at: Date, opts: RunOptions = {}): Promise<JobRunReport> {
  if (!isJobName(name)) throw new Error(`未知任务「${name}」，可用：${JOB_NAMES.join('、')}`);
  const job: JobName = name;
  const tenant = opts.tenant ?? app.defaultTenant;
  const mode = opts.mode ?? 'manual';
  const db = app.db.prisma;
  const config = await loadTenantJobConfig(db, tenant.id);
  const calendar = await app.calendars.calendarFor(tenant.id);
  const plan = await planJob(db, tenant.id, job, at, calendar, config);
  const notes = [...scheduleNotes(job, plan.today, calendar, config, mode), ...plan.notes];
  const existing = await existingKeys(db, plan.messages.map((m) => m.dedupeKey));
  const messages = plan.messages.map((m) => ({ ...m, alreadyQueued: existing.has(m.dedupeKey) }));
  const report: JobRunReport = {
    job,
    label: JOB_LABELS[job],
    tenantId: tenant.id,
    at,
    today: plan.today,
    period: plan.period,
    dryRun: Boolean(opts.dryRun),
    mode,
    messages,
    enqueued: 0,
    alreadyQueued: messages.filter((m) => m.alreadyQueued).length,
    claimed: null,
    notes,
  };
  if (opts.dryRun) return report;
  const result = await commitPlan(app.db, plan, { mode, clock: opts.outboxClock ?? systemClock });
  report.claimed = result.claimed;
  report.enqueued = result.enqueued;
  report.alreadyQueued = result.alreadyQueued;
  if (mode === 'scheduled' && !result.claimed) report.alreadyQueued = 0;
  app.logger.info(
    { job, tenantId: tenant.id, period: plan.period.key, at: at.toISOString(), planned: plan.messages.length, enqueued: result.enqueued, claimed: result.claimed, mode },
    `定时推送 ${JOB_LABELS[job]}（${plan.period.key}）：计划 ${plan.messages.length} 条，新写入发件箱 ${result.enqueued} 条`,
  );
  for (const note of plan.notes) app.logger.warn({ job, tenantId: tenant.id }, note);
  if (result.enqueued > 0) opts.sender?.wake();
  return report;
}

/** Why a manual run at this moment would not have fired on schedule, and calendar coverage gaps. */
function scheduleNotes(job: JobName, today: IsoDate, calendar: WorkingCalendar, config: TenantJobConfig, mode: RunMode): string[] {
  const notes: string[] = [];
  const coverage = calendar.coverageWarning(Number(today.slice(0, 4)));
  if (coverage) notes.push(coverage);
  if (mode !== 'manual') return notes;
  const schedule = config.jobs[job].schedule;
  const day = calendar.describeDay(today);
  if (!day.working) notes.push(`${today}（${day.label}）不是工作日，定时推送不会在这天发送；以下是假设此刻运行的结果`);
  else if (!firesOn(schedule, today, calendar)) notes.push(`${today} 不是「${JOB_LABELS[job]}」的排定发送日（${describeSchedule(schedule)}）；以下是假设此刻运行的结果`);
  if (!config.jobs[job].enabled) notes.push(`「${JOB_LABELS[job]}」已在设置中停用（jobs.${job}.enabled = false），定时推送不会发送`);
  return notes;
}
