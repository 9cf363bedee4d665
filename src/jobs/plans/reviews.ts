// The periodic reviews sent to groups: the monthly progress table of leader-led items and the
// honour roll (光荣榜), the quarterly review (按季盘点), the half-year tally (半年一通报) and the
// year-end ledger (年终盘总账). Each is one card per recipient group; counts come before lists and
// every list is cut with "等 N 项" so the card stays within the 25-KB budget at any ledger size.
import { collectUnitOutcomes, describeScoringRules, publishHonourRoll, type HonourTask } from '../../core/honour.js';
import { onTimeJudge, formatPercent } from '../../core/stats.js';
import type { UnitAchievement } from '../../core/pilot/honour-mix.js';
import { computeSupervision, compareLevels, type SupervisionResult } from '../../core/supervision.js';
import { computeTally, computeYearEndLedger } from '../../core/tally.js';
import { LEVELS, OPEN_STATUSES, TASK_STATUSES, type IsoDate, type SupervisionLevel, type TaskStatus } from '../../core/types.js';
import type { LedgerTask } from '../../ledger/overview.js';
import { barChart, grey, levelTag, listText, markdownElement, md, pieChart, renderFitting, table, taskRef, type Card } from '../cards.js';
import { button } from '../../cards/render.js';
import { beganWithin, taskBeganOn } from '../../core/task-dates.js';
import { Directory, type JobDirectoryData, type JobLedger, type TallyRow } from '../data.js';
import { countsText, fanOut, todayOf, type JobPlan, type PlanContext, type PlannedMessage } from '../plan.js';
import { describeSchedule, jobPeriod } from '../schedule.js';
import { RECIPIENT_KIND_LABELS, type RecipientKind } from '../settings.js';

const OPEN = new Set<TaskStatus>(OPEN_STATUSES);

function noRecipients(notes: string[], kinds: readonly RecipientKind[]): void {
  notes.push(`找不到${kinds.map((k) => RECIPIENT_KIND_LABELS[k]).join('、')}：请在设置 recipients 中配置 officeChatId / allHandsChatId，或在人员表中补充 open_id`);
}

// ---- 月度进展表 + 光荣榜 ----

/** `achievements`: each unit's confirmed achievements in the month (src/core/pilot/honour-mix.ts), scored by the office's weight. */
export function planHonourRoll(ledger: JobLedger, reportCounts: Map<number, number>, ctx: PlanContext, achievements: ReadonlyMap<number, readonly UnitAchievement[]> = new Map()): JobPlan {
  const cfg = ctx.config.jobs['honour-roll'];
  const { calendar } = ctx;
  const today = todayOf(ctx);
  const period = jobPeriod('honour-roll', today, ctx.config.thresholds.reportingCycle);
  const dir = new Directory(ledger);
  const messages: PlannedMessage[] = [];
  const notes: string[] = [];
  const recipients = dir.broadcast(cfg.to);
  if (recipients.length === 0) noRecipients(notes, cfg.to);

  // The honour roll: outcomes in the month just ended.
  const honourTasks: HonourTask[] = ledger.tasks.map((t) => ({
    taskId: t.id,
    leadUnitId: t.leadUnitId,
    jointLeadUnitIds: t.jointLeadUnitIds ?? [],
    status: t.status,
    deadline: t.deadline ?? null,
    startDate: t.startDate ?? null,
    createdOn: t.createdOn ?? null,
    completedOn: t.completedOn,
    closedOn: t.closedOn,
    reportsInPeriod: reportCounts.get(t.id) ?? 0,
  }));
  const units = ledger.units.map((u) => ({ unitId: u.id, unitName: u.name }));
  const outcomes = collectUnitOutcomes(units, honourTasks, { period, calendar, weights: ctx.config.weights });
  // Achievements count for their unit even when it leads no task this month.
  for (const o of outcomes) o.achievements = achievements.get(o.unitId) ?? [];
  for (const [unitId, list] of achievements) {
    if (outcomes.some((o) => o.unitId === unitId)) continue;
    const unitName = units.find((u) => u.unitId === unitId)?.unitName ?? `单位#${unitId}`;
    outcomes.push({ unitId, unitName, onTimeCompletions: 0, earlyCompletions: 0, overdueTasks: 0, reportsExpected: 0, reportsTimely: 0, achievements: list });
  }
  // Published to everyone, so it honours: positive scores only; nothing to assess is not "0 分".
  const roll = publishHonourRoll(outcomes, ctx.config.weights);
  const entries = roll.honoured;
  const rollTitle = `光荣榜 · ${period.label}`;
  const rollCard = renderFitting(
    'honour-roll',
    (max) => {
      const shown = entries.slice(0, Math.min(max, cfg.show));
      const more = entries.length - shown.length;
      const unassessed = roll.unassessed.slice(0, max * 3);
      return {
        summary: entries[0] ? `${rollTitle}：${entries[0].unitName}居首` : rollTitle,
        title: rollTitle,
        subtitle: `按 ${period.start} 至 ${period.end} 的工作实绩排名`,
        unitCount: roll.ranked.length,
        shownText: entries.length ? `上榜 ${entries.length} 个，${more > 0 ? `前 ${shown.length} 名` : '名单'}如下：` : '本期没有得分为正的单位，暂无上榜单位。',
        entries: shown.map((e) =>
          markdownElement(md`**第 ${e.rank} 名　${e.unitName}**　${e.score} 分${e.tiedWith.length ? '（并列）' : ''}\n${grey(e.explanation)}`),
        ),
        moreText: more > 0 ? `…等 ${entries.length} 个上榜单位（另有 ${more} 个未列出）` : '',
        notListedText: roll.notListed > 0 ? `另有 ${roll.notListed} 个单位本期得分未上榜。` : '',
        unassessedText: roll.unassessed.length
          ? `本期无考核事项（${roll.unassessed.length} 个单位）：${unassessed.join('、')}${roll.unassessed.length > unassessed.length ? ` 等` : ''}`
          : '',
        rules: describeScoringRules(ctx.config.weights),
      };
    },
    cfg.show,
  );
  messages.push(...fanOut('honour-roll', `tenant${ctx.tenantId}.roll`, period.key, recipients, rollCard, rollTitle));

  // The progress table of leader-led items (closed before the month are left out).
  const led = ledger.tasks.filter((t) => t.leadLeaderIds.length > 0 && !(t.status === '已销号' && (t.closedOn ?? t.completedOn ?? '') < period.start));
  const sup = new Map(led.map((t) => [t.id, computeSupervision(t, today, calendar, ctx.config.thresholds)]));
  const levels = levelCounts(led.map((t) => sup.get(t.id)!.level));
  const byLeader = new Map<number, LedgerTask[]>();
  for (const t of led) for (const id of t.leadLeaderIds) (byLeader.get(id) ?? byLeader.set(id, []).get(id)!).push(t);
  const leaderIds = [...byLeader.keys()].sort((a, b) => a - b);
  const tableTitle = `${period.label}县级领导领衔事项进展表`;
  const progress = renderFitting(
    'honour-progress-table',
    (max) => {
      const shownLeaders = leaderIds.slice(0, max);
      return {
        summary: tableTitle,
        title: tableTitle,
        subtitle: `截至 ${today} · ${byLeader.size} 位领导领衔 ${led.length} 项`,
        colour: levels.red ? 'red' : levels.yellow ? 'orange' : 'blue',
        total: led.length,
        statusCounts: countsText(TASK_STATUSES.map((s) => [s, led.filter((t) => t.status === s).length])),
        levelCounts: levelCountsText(levels),
        reportedCount: led.filter((t) => (reportCounts.get(t.id) ?? 0) > 0).length,
        leaderBlocks: shownLeaders.map((id) => {
          const tasks = byLeader.get(id)!.slice().sort((a, b) => compareLevels(sup.get(b.id)!.level, sup.get(a.id)!.level) || a.code.localeCompare(b.code));
          const name = dir.person(id)?.name ?? `领导#${id}`;
          const lines = tasks.map((t) => {
            const n = reportCounts.get(t.id) ?? 0;
            const state = [dir.unitName(t.leadUnitId), t.status, t.lastPercent !== null && t.lastPercent !== undefined ? `${t.lastPercent}%` : null, n ? `本月报送 ${n} 次` : '本月未报送']
              .filter(Boolean)
              .join(' · ');
            return md`· ${levelTag(sup.get(t.id)!.level)} ${taskRef(t)}　${grey(state)}`;
          });
          return markdownElement(md`**${name}**（${tasks.length} 项）\n${listText(lines, max)}`);
        }),
        moreText: leaderIds.length > shownLeaders.length ? `…等 ${leaderIds.length} 位领导（另有 ${leaderIds.length - shownLeaders.length} 位未列出）` : '',
        footer: `定时推送：${describeSchedule(cfg.schedule)}`,
      };
    },
    cfg.show,
  );
  if (led.length > 0) messages.push(...fanOut('honour-roll', `tenant${ctx.tenantId}.table`, period.key, recipients, progress, tableTitle));
  return { job: 'honour-roll', tenantId: ctx.tenantId, at: ctx.at, today, period, messages, notes };
}

// ---- 按季盘点 ----

export function planQuarterly(ledger: JobLedger, ctx: PlanContext): JobPlan {
  const cfg = ctx.config.jobs.quarterly;
  const { calendar } = ctx;
  const today = todayOf(ctx);
  const period = jobPeriod('quarterly', today, ctx.config.thresholds.reportingCycle);
  const dir = new Directory(ledger);
  const notes: string[] = [];
  const recipients = dir.broadcast(cfg.to);
  if (recipients.length === 0) noRecipients(notes, cfg.to);

  const onTime = onTimeJudge(calendar);
  const within = (d: IsoDate | null | undefined) => !!d && d >= period.start && d <= period.end;
  const sup = new Map<number, SupervisionResult>(ledger.tasks.map((t) => [t.id, computeSupervision(t, today, calendar, ctx.config.thresholds)]));
  const closedInQuarter = ledger.tasks.filter((t) => t.status === '已销号' && within(t.closedOn ?? t.completedOn));
  const tally = computeTally(ledger.tasks.map((t) => tallyTask(t, dir)), { asOf: today, calendar });
  const levels = levelCounts(ledger.tasks.map((t) => sup.get(t.id)!.level));
  const reds = ledger.tasks.filter((t) => sup.get(t.id)!.level === 'red').sort((a, b) => sup.get(b.id)!.overdueWorkingDays - sup.get(a.id)!.overdueWorkingDays || a.code.localeCompare(b.code));

  const perUnit = new Map<number, { total: number; open: number; overdue: number; red: number; closed: number }>();
  for (const t of ledger.tasks) {
    let u = perUnit.get(t.leadUnitId);
    if (!u) perUnit.set(t.leadUnitId, (u = { total: 0, open: 0, overdue: 0, red: 0, closed: 0 }));
    const s = sup.get(t.id)!;
    u.total++;
    if (OPEN.has(t.status)) u.open++;
    if (s.overdue) u.overdue++;
    if (s.level === 'red') u.red++;
    if (closedInQuarter.includes(t)) u.closed++;
  }
  const unitRows = [...perUnit].sort((a, b) => b[1].overdue - a[1].overdue || b[1].red - a[1].red || a[0] - b[0]);

  const title = `按季盘点 · ${period.label}`;
  const card = renderFitting(
    'quarterly',
    (max) => ({
      summary: `${title}：逾期 ${tally.totals.overdue} 项，红色 ${levels.red} 项`,
      title,
      subtitle: `${period.start} 至 ${period.end} · 截至 ${today}`,
      colour: levels.red ? 'red' : levels.yellow ? 'orange' : 'green',
      // By the tasks' own dates: a ledger loaded this quarter is not "新交办" in it.
      created: ledger.tasks.filter((t) => beganWithin(t, period.start, period.end)).length,
      reported: ledger.tasks.filter((t) => within(t.completedOn)).length,
      closed: closedInQuarter.length,
      closedOnTime: closedInQuarter.filter((t) => onTime(t)).length,
      asOf: today,
      total: tally.totals.total,
      completed: tally.totals.completed,
      completionRate: formatPercent(tally.totals.completionRate),
      open: ledger.tasks.filter((t) => OPEN.has(t.status)).length,
      overdue: tally.totals.overdue,
      levelCounts: levelCountsText(levels),
      unitCount: unitRows.length,
      unitTable: [
        table(
          [
            { name: 'unit', label: '单位' },
            { name: 'total', label: '事项' },
            { name: 'open', label: '在办' },
            { name: 'closed', label: '本季销号' },
            { name: 'overdue', label: '逾期' },
            { name: 'red', label: '红色' },
          ],
          unitRows.slice(0, max * 5).map(([id, u]) => ({ unit: dir.unitName(id), ...u })),
        ),
      ],
      redCount: reds.length,
      redLines: listText(reds.map((t) => md`· ${taskRef(t)}　${grey(`${dir.unitName(t.leadUnitId)} · ${sup.get(t.id)!.reasons[0] ?? ''}`)}`), Math.min(max, cfg.show)),
      footer: `定时推送：${describeSchedule(cfg.schedule)}`,
    }),
    cfg.show,
  );
  return { job: 'quarterly', tenantId: ctx.tenantId, at: ctx.at, today, period, messages: fanOut('quarterly', `tenant${ctx.tenantId}`, period.key, recipients, card, title), notes };
}

// ---- 半年一通报 ----

/** Tasks that belong to a year: begun (by their own dates, taskBeganOn) by the period's end, not closed before the year. */
export function tasksOfYear(rows: readonly TallyRow[], year: number, until: IsoDate): TallyRow[] {
  const yearStart = `${year}-01-01`;
  return rows.filter((r) => {
    const from = taskBeganOn(r);
    if (from !== null && from > until) return false;
    const doneOn = r.closedOn ?? r.completedOn ?? null;
    return !(r.status === '已销号' && doneOn !== null && doneOn < yearStart);
  });
}

export function planHalfYear(rows: readonly TallyRow[], directory: JobDirectoryData, ctx: PlanContext): JobPlan {
  const cfg = ctx.config.jobs['half-year'];
  const today = todayOf(ctx);
  const period = jobPeriod('half-year', today, ctx.config.thresholds.reportingCycle);
  const dir = new Directory(directory);
  const notes: string[] = [];
  const recipients = dir.broadcast(cfg.to);
  if (recipients.length === 0) noRecipients(notes, cfg.to);

  const tally = computeTally(tasksOfYear(rows, Number(period.start.slice(0, 4)), period.end), { asOf: today, calendar: ctx.calendar });
  const t = tally.totals;
  const title = `半年一通报 · ${period.label}改革任务推进情况`;
  const card = renderFitting(
    'tally-half-year',
    (max) => ({
      summary: `${title}：完成率 ${formatPercent(t.completionRate)}，逾期 ${t.overdue} 项`,
      title,
      subtitle: `统计截至 ${today}`,
      colour: t.overdue > 0 ? 'orange' : 'green',
      total: t.total,
      completed: t.completed,
      completedOnTime: t.completedOnTime,
      extendedText: t.extended ? `；经批准延期 ${t.extended} 项（按原完成时限计是否按时）` : '',
      overdue: t.overdue,
      paused: t.paused,
      completionRate: formatPercent(t.completionRate),
      onTimeRate: formatPercent(t.onTimeRate),
      unitCount: tally.units.length,
      chart: tally.units.length
        ? [barChart('各单位完成率（%）', tally.units.slice(0, Math.min(30, max * 2)).map((u) => ({ name: u.unitName, value: Math.round((u.completionRate ?? 0) * 1000) / 10 })), '%')]
        : [],
      unitTable: [
        table(
          [
            { name: 'rank', label: '名次' },
            { name: 'unit', label: '单位' },
            { name: 'total', label: '总数' },
            { name: 'completed', label: '完成' },
            { name: 'onTime', label: '按时' },
            { name: 'overdue', label: '逾期' },
            { name: 'rate', label: '完成率' },
          ],
          tally.units.slice(0, max * 10).map((u) => ({
            rank: u.rank,
            unit: u.unitName,
            total: u.total,
            completed: u.completed,
            onTime: u.completedOnTime,
            overdue: u.overdue,
            rate: formatPercent(u.completionRate),
          })),
        ),
      ],
      overdueLines: listText(
        tally.overdue.map((o) => md`· ${taskRef(o)}　${grey(`${o.unitName} · 逾期 ${o.overdueWorkingDays} 个工作日（完成时限 ${o.deadline}）`)}`),
        Math.min(max, cfg.show),
      ),
      listButton: [listButton()],
      footer: `定时推送：${describeSchedule(cfg.schedule)} · 完成率 = 已销号 ÷（总数 − 暂缓） · 逐项清单（Excel）由机器人私聊发送`,
    }),
    cfg.show,
  );
  return {
    job: 'half-year', tenantId: ctx.tenantId, at: ctx.at, today, period,
    messages: fanOut('half-year', `tenant${ctx.tenantId}`, period.key, recipients, card, title),
    notes,
  };
}

// ---- 年终盘总账 ----

export function planYearEnd(rows: readonly TallyRow[], directory: JobDirectoryData, ctx: PlanContext): JobPlan {
  const cfg = ctx.config.jobs['year-end'];
  const today = todayOf(ctx);
  const period = jobPeriod('year-end', today, ctx.config.thresholds.reportingCycle);
  const year = Number(period.key);
  const dir = new Directory(directory);
  const notes: string[] = [];
  const recipients = dir.broadcast(cfg.to);
  if (recipients.length === 0) noRecipients(notes, cfg.to);

  const ledger = computeYearEndLedger(tasksOfYear(rows, year, period.end), { year, asOf: today, calendar: ctx.calendar });
  const c = ledger.counts;
  const of = (cls: string) => ledger.rows.filter((r) => r.class === cls);
  const overdue = of('逾期').sort((a, b) => b.overdueWorkingDays - a.overdueWorkingDays);
  const title = `年终盘总账 · ${year}年改革台账对账`;
  const line = (r: (typeof ledger.rows)[number]) => md`· ${taskRef(r)}　${grey(`${r.unitName} · ${r.note}`)}`;
  const card = renderFitting(
    'year-end',
    (max) => ({
      summary: `${title}：已销号 ${c['已销号']}，逾期 ${c['逾期']}`,
      title,
      subtitle: `对账截至 ${today}`,
      colour: c['逾期'] > 0 ? 'orange' : 'green',
      year,
      total: c.total,
      closed: c['已销号'],
      pending: c['待销号'],
      carried: c['结转'],
      overdue: c['逾期'],
      // Each category in the colour of its tag above: 已销号 green, 待销号 blue, 结转 grey, 逾期 red.
      chart: c.total ? [pieChart(`${year} 年台账构成`, YEAR_END_CLASSES.map((k) => ({ name: k.label, value: c[k.key], colour: k.colour })))] : [],
      unitCount: ledger.byUnit.length,
      unitTable: [
        table(
          [
            { name: 'unit', label: '单位' },
            { name: 'total', label: '总数' },
            { name: 'closed', label: '已销号' },
            { name: 'pending', label: '待销号' },
            { name: 'carried', label: '结转' },
            { name: 'overdue', label: '逾期' },
          ],
          ledger.byUnit.slice(0, max * 10).map((u) => ({
            unit: u.unitName, total: u.counts.total, closed: u.counts['已销号'], pending: u.counts['待销号'], carried: u.counts['结转'], overdue: u.counts['逾期'],
          })),
        ),
      ],
      overdueLines: listText(overdue.map(line), Math.min(max, cfg.show)),
      pendingLines: listText(of('待销号').map(line), Math.min(max, cfg.show)),
      carriedLines: listText(of('结转').map(line), Math.min(max, cfg.show)),
      listButton: [listButton()],
      footer: `定时推送：${describeSchedule(cfg.schedule)} · 逐项清单（Excel）由机器人私聊发送`,
    }),
    cfg.show,
  );
  return {
    job: 'year-end', tenantId: ctx.tenantId, at: ctx.at, today, period,
    messages: fanOut('year-end', `tenant${ctx.tenantId}`, period.key, recipients, card, title),
    notes,
  };
}

// ---- helpers ----

/** 「获取逐项清单」: the clicker gets the detailed list as a workbook in their private chat (src/chat/actions/export.ts). */
function listButton(): Card {
  return button('获取逐项清单', { a: 'export_list' }, 'primary');
}

const YEAR_END_CLASSES = [
  { key: '已销号', label: '已销号', colour: '#34c724' },
  { key: '待销号', label: '待销号', colour: '#3370ff' },
  { key: '结转', label: '结转下年', colour: '#8f959e' },
  { key: '逾期', label: '逾期', colour: '#f54a45' },
] as const;

function tallyTask(t: LedgerTask, dir: Directory) {
  return {
    taskId: t.id, code: t.code, title: t.title, unitId: t.leadUnitId, unitName: dir.unitName(t.leadUnitId), status: t.status,
    deadline: t.deadline ?? null, completedOn: t.completedOn, closedOn: t.closedOn,
  };
}

function levelCounts(levels: SupervisionLevel[]): Record<SupervisionLevel, number> {
  const out = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<SupervisionLevel, number>;
  for (const l of levels) out[l]++;
  return out;
}

function levelCountsText(c: Record<SupervisionLevel, number>): string {
  return countsText([['红色', c.red], ['黄色', c.yellow], ['蓝色', c.blue], ['正常', c.none]]);
}

