// 日历: the tenant's working-day calendar from the chat. Everyone may look; only the office
// (ADMIN) loads the State Council's schedule, exactly as `taizhang calendar set/unset` does:
//   日历                              this year (and next year, when it is not loaded yet)
//   日历 2027                         a year: where its schedule comes from, every special day and its source
//   日历 2027-02-06                   one day
//   日历 2027-02-05~2027-02-13 放假 春节   (office) days off — a date or a range, a name optional
//   日历 2027-02-20 上班 春节调休       (office) a make-up working day
//   日历 2027-02-20 删除               (office) remove the office's entry for the day(s)
// Bad dates or words get a Chinese reason with an example.
import { CALENDAR_ENTRY_EXAMPLES, entriesFor, parseEntryDates, type DatesResult } from '../../core/calendar-entry.js';
import { coverageLine, dayLine, yearLines } from '../../core/calendar-report.js';
import type { WorkingCalendar } from '../../core/calendar.js';
import { setCalendarDays, unsetCalendarDays, type CalendarChange } from '../../ledger/calendars.js';
import { joinMd, joinText, md, txt, type SafeText } from '../../cards/markup.js';
import { truncate } from '../../core/text.js';
import type { OutgoingContent } from '../../outbox/index.js';
import { noticeCard } from '../cards.js';
import type { CommandHandler, CommandResult } from '../context.js';
import { card, text } from '../say.js';

const REMOVE_WORDS = ['删除', '删掉', '取消', '撤销', '恢复', 'unset', 'delete'];
const USAGE =
  `可以这样说：\n${CALENDAR_ENTRY_EXAMPLES.view}　查看全年放假安排\n日历 2027-02-06　查看某天\n` +
  `（改革办）${CALENDAR_ENTRY_EXAMPLES.holiday}\n（改革办）${CALENDAR_ENTRY_EXAMPLES.workday}\n（改革办）${CALENDAR_ENTRY_EXAMPLES.remove}`;

/** The answer to a 日历 command (it is only ever a message's one command: its line is a pointer). */
const answer = (content: OutgoingContent, ok = true): CommandResult => ({ ok, reply: content, summary: md`${ok ? '' : '✗ '}日历：见单独回复` });
/** Text from the calendar's own sentences, cut at 200 characters and escaped. */
const say = (s: string): SafeText => txt`${truncate(s, 200)}`;

export const calendarCommand: CommandHandler<'calendar'> = async (ctx, command) => {
  const words = (command.text ?? '').split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    const year = Number(ctx.today.slice(0, 4));
    return answer(card(yearCard(ctx.calendar, year, ctx.calendar.isKnownYear(year + 1) ? [] : [coverageLine(ctx.calendar, year + 1)])));
  }
  if (words.length === 1 && /^\d{4}年?$/.test(words[0]!)) {
    const year = Number(words[0]!.slice(0, 4));
    if (year < 2000 || year > 2099) return answer(text(txt`只能查看 2000–2099 年的日历。示例：${CALENDAR_ENTRY_EXAMPLES.view}`), false);
    return answer(card(yearCard(ctx.calendar, year)));
  }
  // The date or range may have been typed with spaces ("2027-02-05 至 2027-02-13").
  const { dates, used } = leadingDates(words);
  if (!dates.ok) return answer(text(txt`${truncate(dates.problem, 200)}\n${USAGE}`), false);
  const [kindWord, ...nameWords] = words.slice(used);
  if (kindWord === undefined) {
    if (dates.dates.length > 1) return answer(text(txt`请说明这几天是「上班」还是「放假」，如：${CALENDAR_ENTRY_EXAMPLES.holiday}`), false);
    return answer(text(dayText(ctx.calendar, dates.dates[0]!)));
  }
  if (!ctx.actor.roles.includes('ADMIN')) {
    return answer(text(txt`只有县委改革办可以修改工作日历。您可以发送「${CALENDAR_ENTRY_EXAMPLES.view}」或「日历 ${dates.dates[0]}」查看。`), false);
  }
  const actor = `person:${ctx.actor.personId}`;
  if (REMOVE_WORDS.includes(kindWord.toLowerCase())) {
    const changes = await unsetCalendarDays(ctx.db, ctx.app.calendars, ctx.tenant.id, dates.dates, actor);
    return answer(text(changesText(changes, 'unset')));
  }
  const parsed = entriesFor(dates.dates, kindWord, nameWords.length ? nameWords.join(' ') : undefined);
  if (!parsed.ok) return answer(text(say(parsed.problem)), false);
  const changes = await setCalendarDays(ctx.db, ctx.app.calendars, ctx.tenant.id, parsed.entries, actor);
  return answer(text(changesText(changes, 'set')));
};

/** The dates at the start of the words: the longest run of up to three words that reads as a date or a range. */
function leadingDates(words: string[]): { dates: DatesResult; used: number } {
  for (let n = Math.min(3, words.length); n > 1; n--) {
    const r = parseEntryDates(words.slice(0, n).join(''));
    if (r.ok) return { dates: r, used: n };
  }
  return { dates: parseEntryDates(words[0]!), used: 1 };
}

function dayText(calendar: WorkingCalendar, date: string): SafeText {
  const warning = calendar.coverageWarning(Number(date.slice(0, 4)));
  return txt`${truncate(dayLine(calendar.describeDay(date)), 200)}${warning ? `\n注意：${warning}` : ''}`;
}

function yearCard(calendar: WorkingCalendar, year: number, extra: string[] = []) {
  const lines = [...yearLines(calendar, year), ...extra];
  const known = calendar.isKnownYear(year);
  return noticeCard(`${year} 年工作日历`, joinMd(lines), known ? 'blue' : 'orange');
}

function changesText(changes: CalendarChange[], what: 'set' | 'unset'): SafeText {
  const lines: string[] = [];
  for (const c of changes) {
    if (!c.changed) lines.push(what === 'set' ? `${c.date}：已是这样设置的，未改动` : `${c.date}：没有改革办的设置，未改动`);
    else lines.push(`${what === 'set' ? '已设置' : '已删除设置'} ${dayLine(c.dayAfter)}；原为${c.dayBefore.working ? '工作日' : '休息日'}（${c.dayBefore.label}）`);
  }
  const n = changes.filter((c) => c.changed).length;
  if (n) lines.push(`共改动 ${n} 天，已记入审计日志；提醒和督办颜色即按新日历计算。`);
  return joinText(lines.map((l) => truncate(l, 200)));
}

