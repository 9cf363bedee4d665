// 领导周报: each county leader gets their led items (领衔事项) — counts first, red items, what
// changed in the week before the digest (reports, status changes, colour changes, new tasks) and
// the full list with colours and next time limits.
import { computeSupervision, compareLevels, type SupervisionResult } from '../../core/supervision.js';
import { shanghaiDate, shanghaiShort } from '../../core/dates.js';
import { truncate } from '../../core/text.js';
import { beganWithin } from '../../core/task-dates.js';
import { LEVEL_LABELS, LEVELS, TASK_STATUSES, type SupervisionLevel } from '../../core/types.js';
import type { LedgerTask } from '../../ledger/overview.js';
import { grey, headerColour, levelTag, listText, md, renderFitting, taskRef, type Md } from '../cards.js';
import { Directory, personRecipient, type JobLedger, type RecentChanges, type RecentReport } from '../data.js';
import { countsText, fanOut, todayOf, type JobPlan, type PlanContext, type PlannedMessage } from '../plan.js';
import { describeSchedule, jobPeriod } from '../schedule.js';

export const DIGEST_WINDOW_MS = 7 * 86_400_000;

export function planDigest(ledger: JobLedger, changes: RecentChanges, ctx: PlanContext): JobPlan {
  const cfg = ctx.config.jobs.digest;
  const thresholds = ctx.config.thresholds;
  const today = todayOf(ctx);
  const period = jobPeriod('digest', today, thresholds.reportingCycle);
  const sinceDay = shanghaiDate(new Date(ctx.at.getTime() - DIGEST_WINDOW_MS));
  const dir = new Directory(ledger);
  const messages: PlannedMessage[] = [];
  const notes: string[] = [];

  const byLeader = new Map<number, LedgerTask[]>();
  for (const t of ledger.tasks) {
    for (const id of t.leadLeaderIds) {
      let list = byLeader.get(id);
      if (!list) byLeader.set(id, (list = []));
      list.push(t);
    }
  }
  const now = new Map<number, SupervisionResult>();
  const before = new Map<number, SupervisionLevel>();
  const supNow = (t: LedgerTask) => {
    let s = now.get(t.id);
    if (!s) now.set(t.id, (s = computeSupervision(t, today, ctx.calendar, thresholds)));
    return s;
  };
  // The colour a week ago, from today's snapshot (time limits are what move colours week to week).
  const levelBefore = (t: LedgerTask) => {
    let l = before.get(t.id);
    if (l === undefined) before.set(t.id, (l = computeSupervision(t, sinceDay, ctx.calendar, thresholds).level));
    return l;
  };
  const reportsBy = groupBy(changes.reports, (r) => r.taskId);
  const statusBy = groupBy(changes.statusChanges, (c) => c.taskId);
  const created = new Set(changes.createdTaskIds);
  const instructionsBy = groupBy(changes.instructions ?? [], (i) => i.taskId);
  const leaderNames = new Map(dir.leaders().map((l) => [l.id, l.name]));

  for (const leader of dir.leaders()) {
    const led = (byLeader.get(leader.id) ?? []).slice();
    if (led.length === 0) continue;
    if (!leader.openId) {
      notes.push(`${leader.name}：没有飞书 open_id，无法发送领导周报`);
      continue;
    }
    led.sort((a, b) => compareLevels(supNow(b).level, supNow(a).level) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const levels = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<SupervisionLevel, number>;
    for (const t of led) levels[supNow(t).level]++;
    const statusCounts = countsText(TASK_STATUSES.map((s) => [s, led.filter((t) => t.status === s).length]));
    const levelCounts = countsText([['红色', levels.red], ['黄色', levels.yellow], ['蓝色', levels.blue], ['正常', levels.none]]);
    const reds = led.filter((t) => supNow(t).level === 'red');

    const changeLines: Md[] = [];
    for (const t of led) {
      // 新交办 by the task's own dates: a ledger loaded this week is not news (taskBeganOn).
      if (created.has(t.id) && beganWithin(t, sinceDay, today)) changeLines.push(md`· 新交办 ${taskRef(t)}`);
      for (const c of statusBy.get(t.id) ?? []) changeLines.push(md`· ${taskRef(t)}：${c.from} → **${c.to}**（${shanghaiShort(c.at)}）`);
      for (const i of instructionsBy.get(t.id) ?? []) changeLines.push(md`· ${taskRef(t)}：${leaderNames.get(i.leaderId) ?? ''}批示（${shanghaiShort(i.at)}）：${truncate(i.text, 60)}`);
      const reports = reportsBy.get(t.id) ?? [];
      if (reports.length) changeLines.push(md`· ${taskRef(t)}：报送${reports.length > 1 ? ` ${reports.length} 次` : ''}${describeReport(reports[reports.length - 1]!)}`);
      const was = levelBefore(t);
      const is = supNow(t).level;
      if (was !== is) changeLines.push(md`· ${taskRef(t)}：督办等级 ${LEVEL_LABELS[was]} → ${levelTag(is)}`);
    }

    const title = `领导周报：${leader.name}同志领衔事项（${today.slice(5).replace('-', '月')}日）`;
    const card = renderFitting(
      'digest',
      (max) => ({
        summary: `领衔事项 ${led.length} 项，红色 ${levels.red} 项`,
        title,
        subtitle: `${sinceDay} 至 ${today} · 共 ${led.length} 项`,
        colour: levels.red ? headerColour('red') : levels.yellow ? headerColour('yellow') : 'blue',
        total: led.length,
        statusCounts,
        levelCounts,
        redCount: reds.length,
        redLines: listText(reds.map((t) => md`· ${taskRef(t)}　${grey(supNow(t).reasons[0] ?? '')}`), max),
        changeCount: changeLines.length,
        changeLines: listText(changeLines, max, '本周没有新的进展报送或状态变化'),
        taskLines: listText(led.map((t) => md`· ${levelTag(supNow(t).level)} ${taskRef(t)}　${grey(taskState(t, supNow(t), dir))}`), Math.min(max, cfg.show)),
        footer: `定时推送：${describeSchedule(cfg.schedule)} · 动态统计 ${sinceDay} 以来`,
      }),
      30,
    );
    const recipients = [personRecipient(leader), ...dir.broadcast(cfg.copyTo)];
    messages.push(...fanOut('digest', `leader${leader.id}`, period.key, recipients, card, title));
  }
  return { job: 'digest', tenantId: ctx.tenantId, at: ctx.at, today, period, messages, notes };
}

function describeReport(r: RecentReport): Md {
  const text = truncate(r.text, 60);
  return md`${r.kind}（${shanghaiShort(r.reportedAt)}${r.percent !== null ? `，${r.percent}%` : ''}）：${text}`;
}

function taskState(t: LedgerTask, sup: SupervisionResult, dir: Directory): string {
  const parts = [dir.unitName(t.leadUnitId), t.status];
  if (t.lastPercent !== null && t.lastPercent !== undefined) parts.push(`${t.lastPercent}%`);
  if (sup.overdue) parts.push(`逾期 ${sup.overdueWorkingDays} 个工作日`);
  else if (sup.nextDue) parts.push(`${sup.nextDue.kind === 'deadline' ? '完成时限' : '下一节点'} ${sup.nextDue.date}`);
  return parts.join(' · ');
}

function groupBy<T>(items: T[], key: (t: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(item);
  }
  return m;
}
