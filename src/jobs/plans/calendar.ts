// 放假安排载入提醒: in December, a card to the office while next year's holiday schedule is
// neither in the holiday library nor loaded by the office (or the operator's file) — 「请载入 2027
// 年放假安排」, with the days the statutory computation put in and how to load the State Council's
// notice from the chat. Checked every working day of December (settings: jobs.calendar); its period
// is the 7-day stretch of the month, so the office hears on the first working day of December and
// again every 7 days until the year is loaded, and never twice in one stretch.
import { holidayBlocks, blockLine } from '../../core/calendar-report.js';
import { CALENDAR_ENTRY_EXAMPLES } from '../../core/calendar-entry.js';
import { renderCard } from '../../cards/render.js';
import { joinMd, md } from '../cards.js';
import { Directory, type JobDirectoryData } from '../data.js';
import { fanOut, todayOf, type JobPlan, type PlanContext } from '../plan.js';
import { jobPeriod } from '../schedule.js';
import { RECIPIENT_KIND_LABELS } from '../settings.js';

/** The year a run on this date is about: from July on, next year; before, the current one. */
export function targetYear(today: string): number {
  const year = Number(today.slice(0, 4));
  return Number(today.slice(5, 7)) >= 7 ? year + 1 : year;
}

export function planCalendarReminder(directory: JobDirectoryData, ctx: PlanContext): JobPlan {
  const cfg = ctx.config.jobs.calendar;
  const today = todayOf(ctx);
  const period = jobPeriod('calendar', today, ctx.config.thresholds.reportingCycle);
  const year = targetYear(today);
  const base = { job: 'calendar' as const, tenantId: ctx.tenantId, at: ctx.at, today, period };
  const coverage = ctx.calendar.coverage(year);
  if (coverage.known) {
    return { ...base, messages: [], notes: [`${year} 年放假安排已载入（${coverage.source === 'library' ? '库数据' : coverage.source === 'office' ? '改革办设置' : '配置文件'}），无需提醒`] };
  }
  const recipients = new Directory(directory).broadcast(cfg.to);
  const notes: string[] = [];
  if (recipients.length === 0) notes.push(`找不到${cfg.to.map((k) => RECIPIENT_KIND_LABELS[k]).join('、')}：请在设置 recipients 中配置 officeChatId，或在人员表中补充改革办人员的 open_id`);

  const title = `请载入 ${year} 年放假安排`;
  const blocks = holidayBlocks(ctx.calendar, year);
  const computed = coverage.source === 'statutory'
    ? md`**现按法定推算的 ${year} 年放假日**（《全国年节及纪念日放假办法》）\n${joinMd(blocks.map((b) => blockLine(b)))}\n调休上班日：未知（按周末休息计算）`
    : md`**${year} 年的法定节假日无法推算**，现按周一至周五工作日计算。`;
  const card = renderCard('calendar-reminder', {
    title,
    subtitle: `${year} 年的放假安排尚未载入台账机器人`,
    introMd: md`台账机器人只在工作日发送提醒，并按工作日计算逾期天数和督办颜色。**${year} 年的放假安排还没有载入**：法定节假日已按放假办法推算，但国务院办公厅通知中的**调休上班日**（如春节、国庆节前后的周六、周日）和放假的具体起止尚不知道，调休上班日不会发提醒，逾期天数也可能差几天。`,
    computedMd: computed,
    howMd: md`**请按国务院办公厅关于 ${year} 年部分节假日安排的通知载入**：改革办人员在飞书中向机器人发送——\n放假：${CALENDAR_ENTRY_EXAMPLES.holiday.replace('2027', String(year))}（可写一段日期，如「日历 ${year}-02-05~${year}-02-13 放假 春节」）\n调休上班：${CALENDAR_ENTRY_EXAMPLES.workday.replace('2027', String(year))}\n写错了：${CALENDAR_ENTRY_EXAMPLES.remove.replace('2027', String(year))}\n查看：日历 ${year}\n载入任一天后本提醒即停止；未设置的日期仍按法定推算。`,
  });
  return { ...base, messages: fanOut('calendar', `tenant${ctx.tenantId}.year${year}`, period.key, recipients, card, title), notes };
}
