// 催报进展 (按月推进): near the end of each reporting cycle, every open task with no progress report
// in the current cycle is nudged. Each recipient gets ONE message per run (batch.ts): the task's own
// card when they have one such item, else one card listing all their items with 填报进展 / 申请延期
// per item, cut with 「等 N 项」 — a liaison of two units, or a head with several items, gets one
// message, not one per unit or task. Tasks that also missed the previous cycle (连续未报) escalate
// to the unit head, who hears of those items only. Dedupe key `nudges:t<tenant>:<recipient>:<period>`.
import { computeSupervision } from '../../core/supervision.js';
import type { TaskStatus } from '../../core/types.js';
import { type Card, grey, md, progressButton, renderFitting, taskRef } from '../cards.js';
import { batchPerRecipient, type BatchCandidate } from '../batch.js';
import { Directory, type JobLedger } from '../data.js';
import { todayOf, type JobPlan, type PlanContext } from '../plan.js';
import { describeSchedule, jobPeriod } from '../schedule.js';
import { RECIPIENT_KIND_LABELS } from '../settings.js';
import { unreachable } from './reminders.js';

/** Being worked on: 待签收 must first be signed for, 有异议/暂缓 wait on the office. */
const NUDGED = new Set<TaskStatus>(['推进中', '已调整']);

export function planNudges(ledger: JobLedger, ctx: PlanContext): JobPlan {
  const cfg = ctx.config.jobs.nudges;
  const thresholds = ctx.config.thresholds;
  const today = todayOf(ctx);
  const cycle = thresholds.reportingCycle;
  const period = jobPeriod('nudges', today, cycle);
  const dir = new Directory(ledger);
  const notes: string[] = [];
  const plan: JobPlan = { job: 'nudges', tenantId: ctx.tenantId, at: ctx.at, today, period, messages: [], notes };

  if (cycle === 'quarterly' && today.slice(0, 7) !== period.end.slice(0, 7)) {
    notes.push(`报告周期为按季（${period.label}），只在季末月催报，本月不发送`);
    return plan;
  }

  const cycleWord = cycle === 'monthly' ? '月' : '季度';
  const escalateWords = cfg.escalateTo.map((k) => RECIPIENT_KIND_LABELS[k]).join('、');
  const footer = `定时催报：${describeSchedule(cfg.schedule)} · 报告周期：按${cycleWord}`;
  const candidates: BatchCandidate[] = [];
  const unreached = new Map<string, string[]>();
  const tasks = ledger.tasks
    .filter((t) => NUDGED.has(t.status) && !(t.startDate && t.startDate > today) && !(t.lastReportOn && t.lastReportOn >= period.start))
    .sort((a, b) => a.leadUnitId - b.leadUnitId || a.id - b.id);

  for (const task of tasks) {
    const unitName = dir.unitName(task.leadUnitId);
    const missedBefore = computeSupervision(task, today, ctx.calendar, thresholds).missedReportingCycles.length > 0;
    const escalate = missedBefore && cfg.escalateTo.length > 0;
    const last = task.lastReportOn ? `上次报送 ${task.lastReportOn}` : '从未报送';
    const streak = missedBefore ? md` <font color='red'>连续未报</font>` : md``;
    const title = `请报送${period.label}改革进展：${task.code}`;
    const card: Card = renderFitting(
      'nudge',
      () => ({
        summary: title,
        title,
        subtitle: `${unitName} · 本${cycleWord}截止 ${period.end}`,
        colour: escalate ? 'red' : 'orange',
        intro: md`${unitName}：以下事项本${cycleWord}（${period.start} 起）还没有报送进展，请于 **${period.end}** 前报送。也可以在群里直接发送「进展 编号 内容」。`,
        count: 1,
        taskLines: md`· ${taskRef(task)}　${grey(last)}${streak}`,
        escalated: escalate ? `该事项上个报告周期也没有报送进展，已同时告知${escalateWords}。` : '',
        buttons: [progressButton(task.id, `填报 ${task.code}`)],
        footer,
      }),
      1,
    );
    const recipients = [...dir.forTask(task, cfg.to), ...(escalate ? dir.forTask(task, cfg.escalateTo) : [])];
    if (dir.forTask(task, cfg.to).length === 0) {
      const codes = unreached.get(unitName) ?? [];
      unreached.set(unitName, [...codes, task.code]);
    }
    const line = md`${taskRef(task)}${streak}
${grey(`${unitName} · ${last}`)}`;
    candidates.push({ subject: `task${task.id}`, recipients, card, title, item: { taskId: task.id, level: missedBefore ? 'red' : 'yellow', line } });
  }
  for (const [unitName, codes] of unreached) notes.push(unreachable(codes.join('、'), unitName, cfg.to));

  plan.messages = batchPerRecipient('nudges', ctx.tenantId, period.key, candidates, {
    title: (items) => `请报送${period.label}改革进展：${items.length} 项未报`,
    subtitle: `本${cycleWord}截止 ${period.end}`,
    intro: (items) => {
      const streaks = items.filter((i) => i.level === 'red').length;
      return md`以下 ${items.length} 项事项本${cycleWord}（${period.start} 起）还没有报送进展，请于 **${period.end}** 前报送。也可以直接发送「进展 编号 内容」。${
        streaks > 0 && escalateWords ? md`\n<font color='red'>其中 ${streaks} 项上个报告周期也没有报送进展，已同时告知${escalateWords}。</font>` : md``
      }`;
    },
    footer: `${footer} · 每人每次一条消息`,
  });
  return plan;
}
