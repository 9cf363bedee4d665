// The reform loop's scheduled pushes, planned as plain data from what src/jobs/loop-data.ts loaded
// (nothing sent here; src/jobs/outbox.ts writes the plan with its JobRun row):
//   outposts           monthly: each 前哨站 unit is asked for its one suggestion (the form card)
//   suggestion-digest  weekly: the week's new suggestions to the office, each with 办理
//   call-reminders     3 and 1 working days before a 榜单's deadline and on the day, to units that have not applied
//   lookback           when a closed task's 回头看 falls due: the lead unit gets the card (once per due date)
//   lookback-list      quarterly: the quarter's 回头看 to the office
//   assessment         yearly: the annual assessment to the leaders and the office (never all-hands)
import { button } from '../../cards/render.js';
import { truncate } from '../../core/text.js';
import { md } from '../cards.js';
import { assessUnits, type AssessmentWeights, type UnitAssessment, type UnitAssessmentInput } from '../../core/loop/assessment.js';
import { deadlineReminderDue } from '../../core/loop/call.js';
import type { LookbackItem } from '../../loop/lookbacks.js';
import type { CallRecord } from '../../loop/calls.js';
import type { SuggestionRecord } from '../../loop/suggestions.js';
import { suggestionFormCard, suggestionListCard } from '../../chat/commands/loop/cards.js';
import { lookbackCard, lookbackListCard } from '../../chat/commands/loop/lookback.js';
import { noticeCard } from '../../chat/cards.js';
import { assessmentCard } from '../../chat/commands/loop/assessment-card.js';
import { Directory, type JobDirectoryData } from '../data.js';
import { fanOut, todayOf, type JobPlan, type PlanContext, type PlannedMessage } from '../plan.js';
import { jobPeriod } from '../schedule.js';
import type { JobName } from '../settings.js';

function base(job: JobName, ctx: PlanContext) {
  const today = todayOf(ctx);
  return { job, tenantId: ctx.tenantId, at: ctx.at, today, period: jobPeriod(job, today, ctx.config.thresholds.reportingCycle) };
}

export function planOutposts(dir: JobDirectoryData, outposts: { id: number; name: string }[], ctx: PlanContext): JobPlan {
  const b = base('outposts', ctx);
  const d = new Directory(dir);
  const notes: string[] = outposts.length ? [] : ['还没有指定前哨站单位（taizhang outpost add <单位>）'];
  const messages = outposts.flatMap((u) => {
    const to = d.forUnit(u.id, ctx.config.jobs.outposts.to);
    if (to.length === 0) notes.push(`前哨站「${u.name}」没有可接收消息的人员`);
    const card = suggestionFormCard(`${u.name} · 前哨站`, md`**基层议改革 · ${b.today.slice(0, 7)}**\n作为改革前哨站，请报送本月基层最需要的**一项改革**：发现的问题和建议举措。县委改革办会逐条办理并告知结果。`);
    return fanOut('outposts', `unit${u.id}`, b.period.key, to, card, `前哨站改革建议征集：${u.name}`);
  });
  return { ...b, messages, notes };
}

export function planSuggestionDigest(dir: JobDirectoryData, data: { fresh: SuggestionRecord[]; pending: number }, ctx: PlanContext): JobPlan {
  const b = base('suggestion-digest', ctx);
  if (data.fresh.length === 0) return { ...b, messages: [], notes: ['本周没有新的改革建议'] };
  const to = new Directory(dir).broadcast(ctx.config.jobs['suggestion-digest'].to);
  const waiting = data.fresh.filter((s) => s.status === '待处理').length;
  const card = suggestionListCard(data.fresh, `改革建议周报：本周新收 ${data.fresh.length} 条`, '', md`本周新收 ${data.fresh.length} 条，其中待处理 ${waiting} 条；全部待处理 ${data.pending} 条（发送「建议处理」查看）。`);
  return { ...b, messages: fanOut('suggestion-digest', `tenant${ctx.tenantId}.suggestions`, b.period.key, to, card, `改革建议周报（${data.fresh.length} 条，待处理共 ${data.pending} 条）`), notes: [] };
}

export function planCallReminders(dir: JobDirectoryData, data: { calls: CallRecord[]; units: number[] }, ctx: PlanContext): JobPlan {
  const b = base('call-reminders', ctx);
  const cfg = ctx.config.jobs['call-reminders'];
  const d = new Directory(dir);
  const messages: PlannedMessage[] = [];
  for (const call of data.calls) {
    const n = deadlineReminderDue(call.deadline, b.today, ctx.calendar, cfg.daysBefore);
    if (n === null) continue;
    const audience = call.audience === 'all' ? data.units : call.audience;
    const applied = new Set(call.applications.map((a) => a.unitId));
    const when = n === 0 ? '今天截止' : `还有 ${n} 个工作日截止`;
    const full = noticeCard(`揭榜提醒：${call.number} ${when}`,
      md`**${call.title}**\n任务要求：${truncate(call.requirements, 300)}${call.support ? md`\n支持政策：${truncate(call.support, 200)}` : ''}\n揭榜截止 ${call.deadline}。有意承担的单位请点「我要揭榜」或发送「揭榜 ${call.number}」。`,
      'orange', [button('我要揭榜', { a: 'call_apply_form', id: call.id }, 'primary')]);
    for (const unitId of audience) {
      if (applied.has(unitId)) continue;
      messages.push(...fanOut('call-reminders', `call${call.id}.unit${unitId}.d${n}`, b.period.key, d.forUnit(unitId, cfg.to), full, `揭榜提醒 ${call.number}：${d.unitName(unitId)}`));
    }
  }
  return { ...b, messages, notes: messages.length ? [] : ['今天没有需要提醒的榜单'] };
}

/** Each 回头看 once per due date (its period key), to the lead unit, until answered. */
export function planLookbacks(dir: JobDirectoryData, items: LookbackItem[], ctx: PlanContext): JobPlan {
  const b = base('lookback', ctx);
  const d = new Directory(dir);
  const messages = items.filter((l) => !l.answer).flatMap((l) =>
    fanOut('lookback', `task${l.taskId}`, `due${l.dueOn}`, d.forUnit(l.leadUnitId, ctx.config.jobs.lookback.to), lookbackCard(l), `回头看：${l.code}（${l.leadUnitName}）`));
  return { ...b, messages, notes: messages.length ? [] : ['没有到期未答复的回头看'] };
}

export function planLookbackList(dir: JobDirectoryData, items: LookbackItem[], ctx: PlanContext): JobPlan {
  const b = base('lookback-list', ctx);
  const inQuarter = items.filter((l) => l.dueOn >= b.period.start && l.dueOn <= b.period.end);
  const to = new Directory(dir).broadcast(ctx.config.jobs['lookback-list'].to);
  const card = lookbackListCard(inQuarter, `回头看季度清单：${b.period.label}`, false);
  return { ...b, messages: fanOut('lookback-list', `tenant${ctx.tenantId}.lookbacks`, b.period.key, to, card, `回头看季度清单（${inQuarter.length} 项）`), notes: [] };
}

/** The year's ranking as the job computes it (to the year's last day); the files are made from the same. */
export function rankAssessment(data: { weights: AssessmentWeights; units: UnitAssessmentInput[] }, ctx: PlanContext): UnitAssessment[] {
  return assessUnits(data.units, data.weights, base('assessment', ctx).period.end);
}

/** `attachments`: the Excel sheet (file) and the chart (image), sent to each recipient after the card. */
export function planAssessment(dir: JobDirectoryData, data: { weights: AssessmentWeights; units: UnitAssessmentInput[] }, ctx: PlanContext, attachments: Pick<PlannedMessage, 'file' | 'image'> = {}): JobPlan {
  const b = base('assessment', ctx);
  const year = Number(b.period.key.slice(0, 4));
  const ranked = rankAssessment(data, ctx);
  // Leaders and the office only: the all-hands group is not a recipient kind of this job.
  const to = new Directory(dir).broadcast(ctx.config.jobs.assessment.to.filter((k) => k !== 'allHands'));
  const messages = fanOut('assessment', `tenant${ctx.tenantId}.assessment`, b.period.key, to, assessmentCard(year, ranked, data.weights), `${year} 年度改革考核结果`);
  return { ...b, messages: messages.map((m) => ({ ...m, ...attachments })), notes: [`${ranked.length} 个单位参加考核`] };
}

