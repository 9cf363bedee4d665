// 临期提醒 and 逾期预警: each task's card (with its 填报进展 / 申请延期 buttons) goes to the lead
// unit's people as configured; red warnings also reach the unit head and the lead leaders. Each
// recipient gets ONE message per run (batch.ts): the task's card, or a list of all their items
// with per-item buttons — a liaison with 20 tasks due today gets 1 message, not 20. Time limits on holidays move to the next working day (core/supervision.ts), so nobody
// is reminded on National Day and the reminder on the shifted day says why.
import { computeSupervision, dueItems } from '../../core/supervision.js';
import { LEVEL_LABELS, type TaskStatus } from '../../core/types.js';
import { dueIn, dueLabel, headerColour, lastReportText, levelTag, listText, md, renderFitting, taskActions, taskRef } from '../cards.js';
import { Directory, type JobLedger } from '../data.js';
import { batchPerRecipient, type BatchCandidate } from '../batch.js';
import { todayOf, type JobPlan, type PlanContext } from '../plan.js';
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
  const candidates: BatchCandidate[] = [];
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
    // The title names what is due: the task's own time limit, or only a milestone of it.
    const first = due.find((d) => d.n === soonest)!.item;
    const deadlineDue = due.some((d) => d.n === soonest && d.item.kind === 'deadline');
    const what = deadlineDue ? task.code : `${task.code} 节点「${first.title}」`;
    const title = soonest === 0
      ? `${deadlineDue ? '今日到期提醒' : '节点今日到期提醒'}：${what}`
      : `${deadlineDue ? '临期提醒' : '节点临期提醒'}：${what} 还有 ${soonest} 个工作日到期`;
    const unitName = dir.unitName(task.leadUnitId);
    const card = renderFitting(
      'reminder',
      (max) => ({
        summary: title,
        title,
        subtitle: `${unitName} · ${today}`,
        colour: headerColour(sup.level === 'none' ? 'blue' : sup.level),
        taskRef: taskRef(task),
        levelTag: md`${levelTag(sup.level)} ${sup.reasons[0] ?? ''}`,
        dueCount: due.length,
        dueLines: listText(due.map((d) => md`· ${dueLabel(d.item)}：${dueIn(d.n)}`), max),
        unitName,
        owner: task.ownerName ?? '未填写',
        leaders: dir.personNames(task.leadLeaderIds).join('、') || '无',
        lastReport: lastReportText(task),
        actions: taskActions(task.id),
        footer: `定时推送：${describeSchedule(cfg.schedule)} · 到期前 ${cfg.daysBefore.filter((n) => n > 0).join('、')} 个工作日${cfg.daysBefore.includes(0) ? '及当天' : ''}提醒`,
      }),
      20,
    );
    const recipients = dir.forTask(task, cfg.to);
    if (recipients.length === 0) notes.push(unreachable(task.code, unitName, cfg.to));
    const line = md`${taskRef(task)}　${levelTag(sup.level)}
${due.map((d) => md`${dueLabel(d.item)}：${dueIn(d.n)}`).reduce((a, b) => md`${a}；${b}`)}`;
    candidates.push({ subject: `task${task.id}`, recipients, card, title, item: { taskId: task.id, level: sup.level, line } });
  }
  const footer = `定时推送：${describeSchedule(cfg.schedule)} · 到期前 ${cfg.daysBefore.filter((n) => n > 0).join('、')} 个工作日${cfg.daysBefore.includes(0) ? '及当天' : ''}提醒 · 每人每次一条消息`;
  const messages = batchPerRecipient('reminders', ctx.tenantId, period.key, candidates, {
    title: (items) => `临期提醒：${items.length} 项事项临近到期`,
    subtitle: today,
    intro: (items) => md`以下 ${items.length} 项事项的完成时限或节点临近，请抓紧推进，按时报送进展；确需延期的请申请延期。`,
    footer,
  });
  return { job: 'reminders', tenantId: ctx.tenantId, at: ctx.at, today, period, messages, notes };
}

export function planOverdue(ledger: JobLedger, ctx: PlanContext): JobPlan {
  const { calendar } = ctx;
  const cfg = ctx.config.jobs.overdue;
  const thresholds = ctx.config.thresholds;
  const today = todayOf(ctx);
  const period = jobPeriod('overdue', today, thresholds.reportingCycle);
  const dir = new Directory(ledger);
  const candidates: BatchCandidate[] = [];
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
    // Say what is late: the task itself, or only milestones while its own time limit is ahead.
    const deadlineLate = sup.overdueItems.find((i) => i.kind === 'deadline');
    const lateMilestones = sup.overdueItems.filter((i) => i.kind === 'milestone');
    const worstMilestone = [...lateMilestones].sort((a, b) => b.overdueWorkingDays - a.overdueWorkingDays)[0];
    const title = deadlineLate
      ? `逾期预警（${LEVEL_LABELS[sup.level]}）：${task.code} 已逾期 ${deadlineLate.overdueWorkingDays} 个工作日`
      : lateMilestones.length === 1
        ? `节点逾期预警（${LEVEL_LABELS[sup.level]}）：${task.code} 节点「${worstMilestone!.title}」已逾期 ${worstMilestone!.overdueWorkingDays} 个工作日`
        : `节点逾期预警（${LEVEL_LABELS[sup.level]}）：${task.code} 有 ${lateMilestones.length} 个节点逾期，最长 ${worstMilestone?.overdueWorkingDays ?? days} 个工作日`;
    const deadlineAhead = !deadlineLate && task.deadline ? md`\n完成时限 ${task.deadline} 尚未到期，请按节点计划推进。` : md``;
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
        overdueTitle: deadlineLate ? '逾期事项' : '逾期节点',
        overdueLines: md`${listText(
          sup.overdueItems.map((i) => md`· ${dueLabel(i)}：已逾期 **${i.overdueWorkingDays}** 个工作日`),
          max,
        )}${deadlineAhead}`,
        reasons: listText(sup.reasons.map((r) => md`· ${r}`), max),
        unitName,
        owner: task.ownerName ?? '未填写',
        leaders: dir.personNames(task.leadLeaderIds).join('、') || '无',
        lastReport: lastReportText(task),
        escalated: redDue ? `红色督办：已同时告知${cfg.redAlsoTo.map((k) => RECIPIENT_KIND_LABELS[k]).join('、')}。请尽快报送进展或申请延期。` : '',
        actions: taskActions(task.id),
        footer: `定时推送：${describeSchedule(cfg.schedule)} · 逾期超过 ${thresholds.yellowOverdueMaxWorkingDays} 个工作日为红色`,
      }),
      20,
    );
    if (recipients.length === 0) notes.push(unreachable(task.code, unitName, [...cfg.to, ...(redDue ? cfg.redAlsoTo : [])]));
    const worst = [...sup.overdueItems].sort((a, b) => b.overdueWorkingDays - a.overdueWorkingDays)[0];
    const line = md`${taskRef(task)}　${levelTag(sup.level)}
${worst ? md`${dueLabel(worst)}：已逾期 **${worst.overdueWorkingDays}** 个工作日` : md``}${sup.overdueItems.length > 1 ? md`（共 ${sup.overdueItems.length} 项逾期）` : md``}`;
    candidates.push({ subject: `task${task.id}`, recipients, card, title, item: { taskId: task.id, level: sup.level, line } });
  }
  const messages = batchPerRecipient('overdue', ctx.tenantId, period.key, candidates, {
    title: (items) => {
      const red = items.filter((i) => i.level === 'red').length;
      return `逾期预警：${items.length} 项事项已逾期${red ? `（红色 ${red} 项）` : ''}`;
    },
    subtitle: today,
    intro: (items) => md`以下 ${items.length} 项事项已超过完成时限或节点，请尽快报送进展或申请延期。`,
    footer: `定时推送：${describeSchedule(cfg.schedule)} · 逾期超过 ${thresholds.yellowOverdueMaxWorkingDays} 个工作日为红色 · 每人每次一条消息`,
  });
  return { job: 'overdue', tenantId: ctx.tenantId, at: ctx.at, today, period, messages, notes };
}

export function unreachable(code: string, unitName: string, kinds: readonly RecipientKind[]): string {
  return `${code}（${unitName}）：找不到可接收的${kinds.map((k) => RECIPIENT_KIND_LABELS[k]).join('或')}，请在人员表中补充飞书 open_id 或为单位绑定工作群`;
}
