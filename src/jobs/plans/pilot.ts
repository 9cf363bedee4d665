// 试点与复制推广's scheduled pushes (issue 16), planned as plain data from what
// src/jobs/pilot-data.ts loaded (nothing sent here; src/jobs/outbox.ts writes the plan):
//   case-collection   daily: the quarter's 案例征集 notice once per quarter (the same message — same
//                     dedupe key — as the office's 「案例主题」, so whichever comes first is the one),
//                     and 10 and 3 working days before the quarter's last working day a reminder to
//                     each unit that has not submitted a case this quarter
//   promotion-nudges  monthly: each promoting unit (batch started) that has not reported this month
//                     gets the plan's report form
//   promotion-brief   monthly: the month's 推广动态简报 to the office — the card and the Word file
import { md } from '../../cards/markup.js';
import { button } from '../../cards/render.js';
import { noticeCard } from '../../chat/cards.js';
import { deadlineReminderDue } from '../../core/loop/call.js';
import { summariseBrief, type BriefPlan } from '../../documents/brief.js';
import { briefCard } from '../../pilot/brief-card.js';
import { promotionFormCard } from '../../pilot/promotion.js';
import { Directory, type JobDirectoryData } from '../data.js';
import { fanOut, todayOf, type JobPlan, type PlanContext, type PlannedMessage } from '../plan.js';
import { jobPeriod } from '../schedule.js';
import type { JobName } from '../settings.js';
import { caseThemeKey, caseThemeNotice } from '../../chat/commands/pilot/case-notice.js';

function base(job: JobName, ctx: PlanContext) {
  const today = todayOf(ctx);
  return { job, tenantId: ctx.tenantId, at: ctx.at, today, period: jobPeriod(job, today, ctx.config.thresholds.reportingCycle) };
}

export interface CaseCollectionData {
  /** '2026Q4', '2026年第四季度', the quarter's last day. */
  quarter: { key: string; label: string; end: string };
  theme: string | null;
  /** Units that have submitted a case this quarter. */
  submitted: Set<number>;
}

export function planCaseCollection(dir: JobDirectoryData, data: CaseCollectionData, ctx: PlanContext): JobPlan {
  const b = base('case-collection', ctx);
  const cfg = ctx.config.jobs['case-collection'];
  if (!data.theme) return { ...b, messages: [], notes: [`${data.quarter.label}尚未设定案例征集主题（县委改革办发送「案例主题 <主题>」），不发征集通知和催报`] };
  const d = new Directory(dir);
  const notice = caseThemeNotice(data.quarter.label, data.theme);
  const messages: PlannedMessage[] = d.broadcast(cfg.announceTo).map((recipient) => ({
    job: 'case-collection', subject: `cases.${data.quarter.key}`, recipient, periodKey: data.quarter.key,
    dedupeKey: caseThemeKey(data.quarter.key, recipient.receiveId), card: notice, title: `${data.quarter.label}典型案例征集：${data.theme}`,
  }));
  const lastDay = ctx.calendar.workingDayOnOrBefore(data.quarter.end);
  const n = deadlineReminderDue(lastDay, b.today, ctx.calendar, cfg.daysBefore);
  const notes: string[] = [];
  if (n !== null) {
    const when = n === 0 ? '今天是本季度最后一个工作日' : `距本季度最后一个工作日（${lastDay}）还有 ${n} 个工作日`;
    const card = noticeCard(`典型案例报送提醒 · ${data.quarter.label}`,
      md`本季度案例征集主题：**${data.theme}**\n贵单位本季度尚未报送典型案例，${when}。请点「报送案例」或发送「案例」填写（背景、主要做法、取得成效、佐证材料、联系人）。`,
      'orange', [button('报送案例', { a: 'case_form' }, 'primary')]);
    for (const u of dir.units) {
      if (data.submitted.has(u.id)) continue;
      const to = d.forUnit(u.id, cfg.to);
      if (to.length === 0) continue;
      messages.push(...fanOut('case-collection', `cases.${data.quarter.key}.unit${u.id}.d${n}`, b.period.key, to, card, `典型案例报送提醒：${u.name}`));
    }
  } else notes.push('今天不是案例催报日');
  return { ...b, messages, notes };
}

export interface PromotionNudgeData {
  plans: { id: number; title: string; corePractice: string; bottomLines: string; units: { unitId: number; batch: string; startOn: string }[] }[];
  /** `${planId}:${unitId}` that reported this month. */
  reported: Set<string>;
}

export function planPromotionNudges(dir: JobDirectoryData, data: PromotionNudgeData, ctx: PlanContext): JobPlan {
  const b = base('promotion-nudges', ctx);
  const d = new Directory(dir);
  const notes: string[] = data.plans.length ? [] : ['还没有推广方案'];
  const messages: PlannedMessage[] = [];
  for (const plan of data.plans) {
    for (const u of plan.units) {
      if (u.startOn > b.today || data.reported.has(`${plan.id}:${u.unitId}`)) continue;
      const to = d.forUnit(u.unitId, ctx.config.jobs['promotion-nudges'].to);
      if (to.length === 0) notes.push(`推广单位「${d.unitName(u.unitId)}」没有可接收消息的人员`);
      const card = promotionFormCard(plan, d.unitName(u.unitId), u.batch, b.period.label);
      messages.push(...fanOut('promotion-nudges', `plan${plan.id}.unit${u.unitId}`, b.period.key, to, card, `推广进展催报：${plan.title} · ${d.unitName(u.unitId)}`));
    }
  }
  return { ...b, messages, notes };
}

export interface PromotionBriefData {
  plans: BriefPlan[];
  /** The Word document (null when there is no plan). */
  file: { fileName: string; bytes: Buffer } | null;
}

export function planPromotionBrief(dir: JobDirectoryData, data: PromotionBriefData, ctx: PlanContext): JobPlan {
  const b = base('promotion-brief', ctx);
  if (!data.plans.length || !data.file) return { ...b, messages: [], notes: ['还没有推广方案，不编发简报'] };
  const to = new Directory(dir).broadcast(ctx.config.jobs['promotion-brief'].to);
  const s = summariseBrief(data.plans);
  const card = briefCard(b.period.label, data.plans.length, s, data.file.fileName);
  const messages = fanOut('promotion-brief', `tenant${ctx.tenantId}.brief`, b.period.key, to, card, `推广动态简报 ${b.period.label}（已报送 ${s.reported}/${s.units}）`)
    .map((m) => ({ ...m, file: data.file! }));
  return { ...b, messages, notes: to.length ? [] : ['没有设定县委改革办的接收群（recipients.officeChatId）'] };
}
