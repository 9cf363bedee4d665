// Scheduled pushes (DESIGN §4). Public API:
//
//   startScheduler(app, { sender })              → { ready, tick(), cronTasks, stop() }
//   runJob(app, name, at, { dryRun, tenant })    → JobRunReport (what was / would be sent to whom)
//   planJob(db, tenantId, name, at, calendar)    → JobPlan (plain data, no writes)
//   plan* functions (pure, on loaded data)        → JobPlan
//   commitPlan(db, plan, { mode, clock })         → writes JobRun + outbox rows in one transaction
//
// Clocks: the app's clock is business time (which jobs are due, what "today" is); outbox and
// JobRun rows are stamped with transport time (options.outboxClock, default the system clock), so
// the Sender — on real time — sends at once what a run for a moved clock queued. After the sandbox
// moves its clock, call scheduler.tick() (or wait for the minute heartbeat) to fire what is due.
//
// ---- README: 定时推送 (copy into the README) ----------------------------------------------------
//
// All times are Asia/Shanghai. A job fires only on working days of the Chinese statutory calendar
// (调休 Saturdays included, holidays excluded; the office's entries and CALENDAR_OVERRIDES_FILE
// add the State Council's schedule for years the library does not know). A
// schedule day that is not a working day moves to the next working day (weekly: within the week;
// monthly: within the month).
//
// | job (`taizhang job <name>`) | default schedule                  | to (default)                              | period (dedupe) |
// |-----------------------------|-----------------------------------|-------------------------------------------|-----------------|
// | reminders   临期提醒        | every working day 09:00           | lead unit's liaison + unit group          | the day         |
// | overdue     逾期预警        | every working day 09:30           | liaison; red also unit head + lead leaders | the day         |
// | nudges      催报进展        | 25th of each month 10:00          | tasks with no report this cycle (liaison); missed last cycle too → unit head; one message per recipient | the reporting cycle |
// | digest      领导周报        | Monday 08:30                      | each leader with led items                | ISO week        |
// | honour-roll 月度进展表+光荣榜 | first working day of month 10:00 | all-hands group                           | month just ended |
// | quarterly   按季盘点        | first working day of Jan/Apr/Jul/Oct 10:30 | office + every leader          | quarter just ended |
// | half-year   半年一通报      | first working day of July 11:00   | all-hands group + every leader            | half just ended |
// | year-end    年终盘总账      | first working day of January 11:00 | all-hands group + every leader           | year just ended |
// | calendar    放假安排载入提醒 | every working day of December 09:15 | office, only while next year's holiday schedule is not loaded | 7-day stretch of the month |
// | case-collection 典型案例征集 | every working day 09:45     | all-hands: the quarter's 征集 notice (key shared with 「案例主题」); liaisons of units without a case, 10/3 working days before quarter end | quarter / reminder day |
// | promotion-nudges 推广进展催报 | 20th of each month 10:10  | liaison of each started promoting unit not reported this month (the report form) | month |
// | promotion-brief 推广动态简报 | 28th of each month 16:00   | office: the 简报 card and the Word file                  | month           |
//
// Reminders go out 5, 3 and 1 working days before each deadline and unfinished milestone and on
// the day itself; a limit on a holiday moves to the next working day. Overdue warnings go out on
// the first overdue working day and then every working day (configurable); red ones also reach
// the unit head and lead leaders on the day the task turns red and every 5 working days after.
//
// Exactly once: each message has the key `<job>:<subject>:<recipient>:<period>`; a run writes its
// messages and its JobRun row (tenant, job, period) to the database in one transaction before
// anything is sent, and the sender drains that outbox with Feishu's uuid derived from the key.
// Running a job twice for the same moment sends nothing new. A run missed while the process was
// down is caught up once when it comes back, if within the job's catchUpHours (default 12 h for
// daily jobs, 24 h for nudges/digest, 72 h for the monthly-and-longer reviews); older ones are
// recorded as skipped (JobRun.planned = -1) and not replayed.
//
// `taizhang job --list` lists the jobs and their schedules; `taizhang job <name> --at
// 2026-11-23T09:00 --dry-run` prints exactly what would be sent to whom (and which messages were
// already sent) and sends nothing; without --dry-run it queues the messages in the outbox (the
// running bot sends them; `--send` sends them from the CLI and waits).
//
// Settings (Setting table, JSON per tenant; every key optional, defaults as above):
//   "jobs": {
//     "reminders":   { "enabled": true, "schedule": {"every":"workingDay","time":"09:00"}, "catchUpHours": 12,
//                      "daysBefore": [5,3,1,0], "to": ["liaison","unitGroup"] },
//     "overdue":     { "schedule": {"every":"workingDay","time":"09:30"}, "catchUpHours": 12, "to": ["liaison"],
//                      "repeatEveryWorkingDays": 1, "redAlsoTo": ["unitHead","leadLeaders"], "redRepeatEveryWorkingDays": 5 },
//     "nudges":      { "schedule": {"every":"month","day":25,"time":"10:00"}, "catchUpHours": 24,
//                      "to": ["liaison"], "escalateTo": ["unitHead"] },
//     "digest":      { "schedule": {"every":"week","weekday":1,"time":"08:30"}, "catchUpHours": 24, "copyTo": [], "show": 15 },
//     "honour-roll": { "schedule": {"every":"month","day":"firstWorkingDay","time":"10:00"}, "catchUpHours": 72, "to": ["allHands"], "show": 10 },
//     "quarterly":   { "schedule": {"every":"month","day":"firstWorkingDay","months":[1,4,7,10],"time":"10:30"}, "to": ["office","leaders"] },
//     "half-year":   { "schedule": {"every":"month","day":"firstWorkingDay","months":[7],"time":"11:00"}, "to": ["allHands","leaders"] },
//     "year-end":    { "schedule": {"every":"month","day":"firstWorkingDay","months":[1],"time":"11:00"}, "to": ["allHands","leaders"] }
//   }
//   schedule: {"every":"workingDay","time":"HH:mm"} | {"every":"week","weekday":1..7,"time"} |
//             {"every":"month","day":1..31|"firstWorkingDay","months":[…]?,"time"}
//   recipient groups: liaison 联络员, commissioner 改革专员, unitHead 一把手, unitGroup 单位工作群,
//             leadLeaders 领衔领导 (per task); office 改革办, allHands 全体工作群, leaders 全体县级领导
//             (office/allHands come from the "recipients" setting: officeChatId, allHandsChatId).
//   "supervision": 三色督办 thresholds {"blueWithinWorkingDays":5,"yellowOverdueMaxWorkingDays":10,
//             "reportingCycle":"monthly"|"quarterly","behindScheduleGapPercent":20}
//   "honour":  光荣榜 weights {"onTimeCompletion":10,"earlyCompletion":5,"earlyMinWorkingDays":10,
//             "overduePenalty":-5,"timelyReportRate":20}
// -------------------------------------------------------------------------------------------------
export { startScheduler, tickJobs, type Scheduler, type SchedulerOptions, type TickOutcome, type TickAction } from './scheduler.js';
export { runJob, planJob, type JobRunReport, type RunOptions } from './run.js';
export { commitPlan, recordSkipped, existingKeys, SKIPPED_PLANNED, type CommitResult, type RunMode } from './outbox.js';
export { planReminders, planOverdue } from './plans/reminders.js';
export { planNudges } from './plans/nudges.js';
export { planDigest } from './plans/digest.js';
export { planHonourRoll, planQuarterly, planHalfYear, planYearEnd, tasksOfYear } from './plans/reviews.js';
export { type JobPlan, type PlannedMessage, type PlanContext, dedupeKeyOf } from './plan.js';
export { firesOn, latestOccurrence, nextOccurrence, describeSchedule, cronExpression, jobPeriod, isoWeekKey } from './schedule.js';
export {
  JOB_NAMES, JOB_LABELS, isJobName, parseJobsSettings, loadTenantJobConfig, DEFAULT_JOBS_SETTINGS, SETTING_KEYS,
  type JobName, type JobsSettings, type Schedule, type TenantJobConfig, type RecipientKind,
} from './settings.js';
