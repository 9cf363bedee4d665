// 临期提醒 and 逾期预警: one card per task (each carries the task's 填报进展 / 申请延期 buttons),
// to the lead unit's people as configured; red warnings also reach the unit head and the lead
// leaders. Time limits on holidays move to the next working day (core/supervision.ts), so nobody
// is reminded on National Day and the reminder on the shifted day says why.
import { computeSupervision, dueItems } from '../../core/supervision.js';
import { LEVEL_LABELS, type TaskStatus } from '../../core/types.js';
import { dueIn, dueLabel, headerColour, lastReportText, levelTag, listText, mdEscape, renderFitting, taskActions, taskRef } from '../cards.js';
import { Directory, type JobLedger } from '../data.js';
import { fanOut, todayOf, type JobPlan, type PlanContext, type PlannedMessage } from '../plan.js';
import { describeSchedule, jobPeriod } from '../schedule.js';
import { RECIPIENT_KIND_LABELS, type RecipientKind } from '../settings.js';

/** Statuses that get reminders and warnings: 有异议 waits on the office, not on the unit. */
export const REMINDED_STATUSES: readonly TaskStatus[] = ['待签收', '推进中', '已调整'];
const REMINDED = new Set<TaskStatus>(REMINDED_STATUSES);

export function planReminders(ledger: JobLedger, ctx: PlanContext): JobPlan {
  const { calendar } = ctx;
  const cfg = ctx.config.jobs.reminders;
  const today = todayOf(ctx);
  const period = jobPeriod('reminders', today, ctx.config.thresholds.reportingCycle);
  const dir = new Directory(ledger);
  const messages: PlannedMessage[] = [];
  const notes: string[] = [];
  const offsets = new Set(cfg.daysBefore);

  for (const task of ledger.tasks) {
    if (!REMINDED.has(task.status)) continue;
    const due = dueItems(task, calendar)
      .filter((i) => i.effectiveDate >= today)
      .map((i) => ({ item: i, n: calendar.workingDaysBetween(today, i.effectiveDate) }))
      .filter((d) => offsets.has(d.n));
    if (due.length === 0) continue;
    const sup = computeSupervision(task, today, calendar, ctx.config.thresholds);
    const soonest = Math.min(...due.map((d) => d.n));
    const title = soonest === 0 ? `今日到期提醒：${task.code}` : `临期提醒：${task.code} 还有 ${soonest} 个工作日到期`;
    const unitName = dir.unitName(task.leadUnitId);
    const card = renderFitting(
      'reminder',
      (max) => ({
        summary: title,
        title,
        subtitle: `${unitName} · ${today}`,
        colour: headerColour(sup.level === 'none' ? 'blue' : sup.level),
        taskRef: taskRef(task),
        levelTag: `${levelTag(sup.level)} ${mdEscape(sup.reasons[0] ?? '')}`,
        dueCount: due.length,
        dueLines: listText(due.map((d) => `· ${dueLabel(d.item)}：${dueIn(d.n)}`), max),
        unitName: mdEscape(unitName),
        owner: mdEscape(task.ownerName ?? '未填写'),
        leaders: mdEscape(dir.personNames(task.leadLeaderIds).join('、') || '无'),
        lastReport: lastReportText(task),
        actions: taskActions(task.id),
        footer: `定时推送：${describeSchedule(cfg.schedule)} · 到期前 ${cfg.daysBefore.filter((n) => n > 0).join('、')} 个工作日${cfg.daysBefore.includes(0) ? '及当天' : ''}提醒`,
      }),
      20,
    );
    const recipients = dir.forTask(task, cfg.to);
    if (recipients.length === 0) notes.push(unreachable(task.code, unitName, cfg.to));
    messages.push(...fanOut('reminders', `task${task.id}`, period.key, recipients, card, title));
  }
  return { job: 'reminders', tenantId: ctx.tenantId, at: ctx.at, today, period, messages, notes };
}

export function planOverdue(ledger: JobLedger, ctx: PlanContext): JobPlan {
  const { calendar } = ctx;
  const cfg = ctx.config.jobs.overdue;
  const thresholds = ctx.config.thresholds;
  const today = todayOf(ctx);
  const period = jobPeriod('overdue', today, thresholds.reportingCycle);
  const dir = new Directory(ledger);
  const messages: PlannedMessage[] = [];
  const notes: string[] = [];

  for (const task of ledger.tasks) {
    if (!REMINDED.has(task.status)) continue;
    const sup = computeSupervision(task, today, calendar, thresholds);
    // Only holidays have passed since the limit: not overdue by a working day yet.
    const days = sup.overdueWorkingDays;
    if (!sup.overdue || days === 0) continue;
    // First overdue working day, then every N working days (reminder fatigue is a real complaint).
    const unitDue = (days - 1) % cfg.repeatEveryWorkingDays === 0;
    const red = sup.level === 'red';
    const turnedRed = days === thresholds.yellowOverdueMaxWorkingDays + 1;
    const redDue = red && (turnedRed || (days - 1) % cfg.redRepeatEveryWorkingDays === 0);
    if (!unitDue && !redDue) continue;

    const recipients = [...(unitDue ? dir.forTask(task, cfg.to) : []), ...(redDue ? dir.forTask(task, cfg.redAlsoTo) : [])];
    const unitName = dir.unitName(task.leadUnitId);
    const title = `逾期预警（${LEVEL_LABELS[sup.level]}）：${task.code} 已逾期 ${days} 个工作日`;
    const card = renderFitting(
      'reminder-overdue',
      (max) => ({
        summary: title,
        title,
        subtitle: `${unitName} · ${today}`,
        colour: headerColour(sup.level),
        taskRef: taskRef(task),
        levelTag: levelTag(sup.level),
        overdueCount: sup.overdueItems.length,
        overdueLines: listText(
          sup.overdueItems.map((i) => `· ${dueLabel(i)}：已逾期 **${i.overdueWorkingDays}** 个工作日`),
          max,
        ),
        reasons: listText(sup.reasons.map((r) => `· ${mdEscape(r)}`), max),
        unitName: mdEscape(unitName),
        owner: mdEscape(task.ownerName ?? '未填写'),
        leaders: mdEscape(dir.personNames(task.leadLeaderIds).join('、') || '无'),
        lastReport: lastReportText(task),
        escalated: redDue ? `红色督办：已同时告知${cfg.redAlsoTo.map((k) => RECIPIENT_KIND_LABELS[k]).join('、')}。请尽快报送进展或申请延期。` : '',
        actions: taskActions(task.id),
        footer: `定时推送：${describeSchedule(cfg.schedule)} · 逾期超过 ${thresholds.yellowOverdueMaxWorkingDays} 个工作日为红色`,
      }),
      20,
    );
    if (recipients.length === 0) notes.push(unreachable(task.code, unitName, [...cfg.to, ...(redDue ? cfg.redAlsoTo : [])]));
    messages.push(...fanOut('overdue', `task${task.id}`, period.key, recipients, card, title));
  }
  return { job: 'overdue', tenantId: ctx.tenantId, at: ctx.at, today, period, messages, notes };
}

export function unreachable(code: string, unitName: string, kinds: readonly RecipientKind[]): string {
  return `${code}（${unitName}）：找不到可接收的${kinds.map((k) => RECIPIENT_KIND_LABELS[k]).join('或')}，请在人员表中补充飞书 open_id 或为单位绑定工作群`;
}
