// 催报进展 (按月推进): near the end of each reporting cycle, every unit with open tasks that have no
// progress report in the current cycle gets one card listing them, with a 填报进展 button per task.
// Tasks that also missed the previous cycle (yellow/red by 三色督办) escalate to the unit head.
import { computeSupervision } from '../../core/supervision.js';
import type { TaskStatus } from '../../core/types.js';
import { type Card, grey, listText, md, progressButton, renderFitting, taskRef } from '../cards.js';
import { Directory, type JobLedger } from '../data.js';
import { fanOut, todayOf, type JobPlan, type PlanContext, type PlannedMessage } from '../plan.js';
import { describeSchedule, jobPeriod } from '../schedule.js';
import { RECIPIENT_KIND_LABELS } from '../settings.js';
import type { LedgerTask } from '../../ledger/overview.js';
import { unreachable } from './reminders.js';

/** Being worked on: 待签收 must first be signed for, 有异议/暂缓 wait on the office. */
const NUDGED = new Set<TaskStatus>(['推进中', '已调整']);
const MAX_BUTTONS = 5;

export function planNudges(ledger: JobLedger, ctx: PlanContext): JobPlan {
  const cfg = ctx.config.jobs.nudges;
  const thresholds = ctx.config.thresholds;
  const today = todayOf(ctx);
  const cycle = thresholds.reportingCycle;
  const period = jobPeriod('nudges', today, cycle);
  const dir = new Directory(ledger);
  const messages: PlannedMessage[] = [];
  const notes: string[] = [];
  const plan: JobPlan = { job: 'nudges', tenantId: ctx.tenantId, at: ctx.at, today, period, messages, notes };

  if (cycle === 'quarterly' && today.slice(0, 7) !== period.end.slice(0, 7)) {
    notes.push(`报告周期为按季（${period.label}），只在季末月催报，本月不发送`);
    return plan;
  }

  const byUnit = new Map<number, LedgerTask[]>();
  for (const task of ledger.tasks) {
    if (!NUDGED.has(task.status)) continue;
    if (task.startDate && task.startDate > today) continue;
    if (task.lastReportOn && task.lastReportOn >= period.start) continue;
    let list = byUnit.get(task.leadUnitId);
    if (!list) byUnit.set(task.leadUnitId, (list = []));
    list.push(task);
  }

  const cycleWord = cycle === 'monthly' ? '月' : '季度';
  for (const [unitId, tasks] of [...byUnit].sort((a, b) => a[0] - b[0])) {
    const unitName = dir.unitName(unitId);
    const missedBefore = tasks.filter((t) => computeSupervision(t, today, ctx.calendar, thresholds).missedReportingCycles.length > 0);
    const escalate = missedBefore.length > 0 && cfg.escalateTo.length > 0;
    const title = `请报送${period.label}改革进展：${unitName}还有 ${tasks.length} 项未报`;
    const buttons: Card[] = tasks.slice(0, MAX_BUTTONS).map((t) => progressButton(t.id, `填报 ${t.code}`));
    if (tasks.length > MAX_BUTTONS) buttons.push(progressButton(tasks[0]!.id, `其余 ${tasks.length - MAX_BUTTONS} 项：在表单中切换事项填报`));
    const card = renderFitting(
      'nudge',
      (max) => ({
        summary: title,
        title,
        subtitle: `${unitName} · 本${cycleWord}截止 ${period.end}`,
        colour: escalate ? 'red' : 'orange',
        intro: md`${unitName}：以下事项本${cycleWord}（${period.start} 起）还没有报送进展，请于 **${period.end}** 前报送。也可以在群里直接发送「进展 编号 内容」。`,
        count: tasks.length,
        taskLines: listText(
          tasks.map((t) => md`· ${taskRef(t)}　${grey(t.lastReportOn ? `上次报送 ${t.lastReportOn}` : '从未报送')}${missedBefore.includes(t) ? md` <font color='red'>连续未报</font>` : ''}`),
          max,
        ),
        escalated: escalate
          ? `其中 ${missedBefore.length} 项上个报告周期也没有报送进展，已同时告知${cfg.escalateTo.map((k) => RECIPIENT_KIND_LABELS[k]).join('、')}。`
          : '',
        buttons,
        footer: `定时催报：${describeSchedule(cfg.schedule)} · 报告周期：按${cycleWord}`,
      }),
      30,
    );
    const recipients = [...dir.forUnit(unitId, cfg.to), ...(escalate ? dir.forUnit(unitId, cfg.escalateTo) : [])];
    if (recipients.length === 0) notes.push(unreachable(tasks.map((t) => t.code).join('、'), unitName, cfg.to));
    messages.push(...fanOut('nudges', `unit${unitId}`, period.key, recipients, card, title));
  }
  return plan;
}
