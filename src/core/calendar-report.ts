// How the calendar is shown to people (CLI, chat, the December card): one line per day, with the
// layer that decided it (库数据 / 法定推算 / 改革办设置 / 配置文件), and a year's coverage. Pure.
import { DAY_SOURCE_LABELS, type DayInfo, type SpecialDay, type WorkingCalendar } from './calendar.js';
import { addDays, weekday } from './dates.js';
import type { IsoDate } from './types.js';

const WEEKDAY_CN = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export function weekdayName(date: IsoDate): string {
  return WEEKDAY_CN[weekday(date)]!;
}

/** '〔法定推算·补假估计〕', '〔改革办设置〕'; '' for a plain weekday or weekend. */
export function sourceTag(day: Pick<DayInfo, 'source' | 'basis'>): string {
  if (!day.source) return '';
  return `〔${DAY_SOURCE_LABELS[day.source]}${day.basis === 'compensation' ? '·补假估计' : ''}〕`;
}

/** '2027-01-01（周五）：休息日（元旦）〔法定推算〕' */
export function dayLine(day: DayInfo): string {
  return `${day.date}（${weekdayName(day.date)}）：${day.working ? '工作日' : '休息日'}（${day.label}）${sourceTag(day)}`;
}

/** '2027-02-09 周二 放假 春节补假〔法定推算·补假估计〕' — for the list of a year's special days. */
export function specialDayLine(calendar: WorkingCalendar, d: SpecialDay): string {
  const info = calendar.describeDay(d.date);
  return `${d.date} ${weekdayName(d.date)} ${info.working ? '上班' : '放假'} ${info.label}${sourceTag(info)}`;
}

/** The first line about a year: where its schedule comes from. */
export function coverageLine(calendar: WorkingCalendar, year: number): string {
  const c = calendar.coverage(year);
  switch (c.source) {
    case 'library':
      return `${year} 年放假安排：已收录（库数据，chinese-days）`;
    case 'office':
      return `${year} 年放假安排：已由改革办载入（改革办设置；未设置的日期按库数据或法定推算）`;
    case 'file':
      return `${year} 年放假安排：已由配置文件载入（CALENDAR_OVERRIDES_FILE；未列出的日期按法定推算）`;
    case 'statutory':
      return `${year} 年放假安排：尚未载入——法定节假日已按放假办法推算，调休安排未知`;
    case 'weekday-fallback':
      return `${year} 年放假安排：未收录，按周一至周五工作日计算`;
  }
}

/** A year for people: coverage, the warning when there is one, and every special day with its source. */
export function yearLines(calendar: WorkingCalendar, year: number): string[] {
  const lines = [coverageLine(calendar, year)];
  const warning = calendar.coverageWarning(year);
  if (warning) lines.push(`注意：${warning}`);
  const days = calendar.specialDays(year);
  const off = days.filter((d) => !d.working).length;
  const on = days.filter((d) => d.working && weekday(d.date) % 6 === 0).length;
  lines.push(days.length ? `特殊日期 ${days.length} 天（放假 ${off} 天，调休上班 ${on} 天）：` : '没有特殊日期（周一至周五上班，周末休息）');
  for (const d of days) lines.push(`  ${specialDayLine(calendar, d)}`);
  return lines;
}

export interface HolidayBlock {
  name: string;
  from: IsoDate;
  to: IsoDate;
  /** Days of the block that are estimated 补假. */
  compensation: IsoDate[];
  source: SpecialDay['source'];
}

/** A year's days off grouped into runs of consecutive dates with the same name (春节 02-05 … 02-10). */
export function holidayBlocks(calendar: WorkingCalendar, year: number): HolidayBlock[] {
  const blocks: HolidayBlock[] = [];
  for (const d of calendar.specialDays(year)) {
    if (d.working) continue;
    const last = blocks[blocks.length - 1];
    if (last && last.name === (d.name ?? '休息日') && addDays(last.to, 1) === d.date) {
      last.to = d.date;
    } else {
      blocks.push({ name: d.name ?? '休息日', from: d.date, to: d.date, compensation: [], source: d.source });
    }
    if (d.basis === 'compensation') blocks[blocks.length - 1]!.compensation.push(d.date);
  }
  return blocks;
}

/** '2月5日（周五）' */
export function shortDate(date: IsoDate): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日（${weekdayName(date)}）`;
}

/** '春节：2月5日（周五）至2月10日（周三），其中 2月9日、2月10日为周末补假（估计）' */
export function blockLine(b: HolidayBlock): string {
  const range = b.from === b.to ? shortDate(b.from) : `${shortDate(b.from)}至${shortDate(b.to)}`;
  const comp = b.compensation.length ? `，其中 ${b.compensation.map((d) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`).join('、')}为周末补假（估计）` : '';
  return `${b.name}：${range}${comp}`;
}
