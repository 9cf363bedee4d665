// One day of the State Council's schedule as the office types it — in the CLI
// (`taizhang calendar set 2027-02-06 workday 春节调休`) or in the chat (「日历 2027-02-06 上班 春节调休」).
// Pure: words in, a validated entry or a Chinese reason with an example out.
import { addDays, isIsoDate } from './dates.js';
import type { OverrideKind } from './calendar.js';
import type { IsoDate } from './types.js';
import { charCount, cleanText } from './text.js';

/** Entries are accepted for these years (the statutory rules and the lunar table cover them). */
export const ENTRY_MIN_YEAR = 2000;
export const ENTRY_MAX_YEAR = 2099;
export const ENTRY_NAME_MAX = 20;

/** The words for each kind, as offices say them; the first is shown in examples. */
export const KIND_WORDS: Record<OverrideKind, readonly string[]> = {
  holiday: ['放假', 'holiday', '休', '休息', '假', '节假日', '休息日'],
  workday: ['上班', 'workday', '班', '工作日', '调休上班', '补班'],
};

/** Examples in the chat's words (「日历 …」). */
export const CALENDAR_ENTRY_EXAMPLES = {
  workday: '日历 2027-02-20 上班 春节调休',
  holiday: '日历 2027-02-11 放假 春节',
  remove: '日历 2027-02-11 删除',
  view: '日历 2027',
};
/** The same in the CLI's words. */
export const CLI_ENTRY_EXAMPLES = {
  workday: 'taizhang calendar set 2027-02-20 workday 春节调休',
  holiday: 'taizhang calendar set 2027-02-11 holiday 春节',
};

/** Full-width digits and punctuation folded, so "２０２７－０２－０６" reads as a date. */
function halfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** '2027-02-06', '2027/2/6', '2027.2.6', '2027年2月6日' (full-width too) → '2027-02-06'; null when not a real date. */
export function parseEntryDate(text: string): IsoDate | null {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(halfWidth(text).trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/** 'workday' / '上班' / '班' → 'workday'; 'holiday' / '放假' / '休' → 'holiday'; else null. */
export function parseEntryKind(word: string): OverrideKind | null {
  const w = halfWidth(word).trim().toLowerCase();
  for (const kind of ['holiday', 'workday'] as const) if (KIND_WORDS[kind].includes(w)) return kind;
  return null;
}

export interface CalendarEntry {
  date: IsoDate;
  kind: OverrideKind;
  /** null: the calendar keeps the name underneath (library or statutory), or 本地放假安排. */
  name: string | null;
}

/** A range is at most this many days (the longest State Council holiday is 9 days). */
export const ENTRY_MAX_DAYS = 31;

export type DatesResult = { ok: true; dates: IsoDate[] } | { ok: false; problem: string };

/** Why a typed date is not accepted, in Chinese, with an example. */
export function dateProblem(text: string): string {
  const iso = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(halfWidth(text).trim());
  if (iso) return `「${text}」不是有效日期（${iso[1]} 年 ${Number(iso[2])} 月没有 ${Number(iso[3])} 日）。日期写作 2027-02-06`;
  return `「${text}」不是日期。日期写作 2027-02-06（也可写 2027/2/6、2027年2月6日，或一段日期 2027-02-05~2027-02-13）`;
}

/**
 * One date, or a range as notices write them: '2027-02-05~2027-02-13', '2027-02-05..02-13',
 * '2027年2月5日至13日' (the end may leave out the year, or the year and the month). Every day of
 * the range, in order; at most 31 days; the years 2000–2099.
 */
export function parseEntryDates(text: string): DatesResult {
  const t = halfWidth(text).trim();
  const parts = t.split(/\s*(?:~|～|\.\.|至|到|—|–)\s*/);
  if (parts.length > 2) return { ok: false, problem: `「${text}」不是日期或日期段，应写作 2027-02-06 或 2027-02-05~2027-02-13` };
  const from = parseEntryDate(parts[0]!);
  if (!from) return { ok: false, problem: dateProblem(parts[0]!) };
  let to = from;
  if (parts.length === 2) {
    const end = parts[1]!.trim();
    const full = parseEntryDate(end);
    const md = /^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(end);
    const d = /^(\d{1,2})\s*日?$/.exec(end);
    const guess = full ?? (md ? `${from.slice(0, 4)}-${md[1]!.padStart(2, '0')}-${md[2]!.padStart(2, '0')}` : d ? `${from.slice(0, 7)}-${d[1]!.padStart(2, '0')}` : null);
    if (!guess || !isIsoDate(guess)) return { ok: false, problem: dateProblem(end) };
    to = guess;
    if (to < from) return { ok: false, problem: `日期段「${text}」的结束日早于开始日，应写作 2027-02-05~2027-02-13` };
  }
  for (const d of [from, to]) {
    const year = Number(d.slice(0, 4));
    if (year < ENTRY_MIN_YEAR || year > ENTRY_MAX_YEAR) return { ok: false, problem: `只能设置 ${ENTRY_MIN_YEAR}–${ENTRY_MAX_YEAR} 年的日期，「${d}」不在其中` };
  }
  const dates: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    dates.push(d);
    if (dates.length > ENTRY_MAX_DAYS) return { ok: false, problem: `一次最多设置 ${ENTRY_MAX_DAYS} 天，「${text}」超过了` };
  }
  return { ok: true, dates };
}

export type EntryResult = { ok: true; entries: CalendarEntry[] } | { ok: false; problem: string };

/**
 * Validates what the office typed: a date or a range, a kind word and an optional name.
 * Problems (Chinese, each with an example): not a date, a year outside 2000–2099, a range over 31
 * days or backwards, a missing or unknown kind word, a name longer than 20 characters.
 */
export function parseCalendarEntry(
  dateText: string,
  kindText: string | undefined,
  nameText?: string,
  examples: { workday: string; holiday: string } = CALENDAR_ENTRY_EXAMPLES,
): EntryResult {
  const dates = parseEntryDates(dateText);
  if (!dates.ok) return dates;
  return entriesFor(dates.dates, kindText, nameText, examples);
}

/** The entries for dates already read (parseEntryDates): the kind word and the name checked as in parseCalendarEntry. */
export function entriesFor(
  dates: readonly IsoDate[],
  kindText: string | undefined,
  nameText?: string,
  examples: { workday: string; holiday: string } = CALENDAR_ENTRY_EXAMPLES,
): EntryResult {
  if (kindText === undefined || kindText.trim() === '') {
    return { ok: false, problem: `请说明 ${dates[0]} 是「上班」还是「放假」，如：${examples.workday}` };
  }
  const kind = parseEntryKind(kindText);
  if (!kind) return { ok: false, problem: `「${kindText}」应为「上班」或「放假」（也可写 workday / holiday），如：${examples.holiday}` };
  const name = nameText === undefined ? null : cleanText(nameText).replace(/\s+/g, ' ').trim() || null;
  if (name && charCount(name) > ENTRY_NAME_MAX) return { ok: false, problem: `名称最多 ${ENTRY_NAME_MAX} 个字（现为 ${charCount(name)} 个字），如「春节」「春节调休」` };
  return { ok: true, entries: dates.map((date) => ({ date, kind, name })) };
}
