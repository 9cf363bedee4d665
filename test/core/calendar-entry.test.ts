// What the office types to load the State Council's schedule (src/core/calendar-entry.ts) and how
// a year is shown back (src/core/calendar-report.ts).
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/core/calendar.js';
import { loadChineseDaysData } from '../../src/core/calendar-data.js';
import { CLI_ENTRY_EXAMPLES, parseCalendarEntry, parseEntryDate, parseEntryDates, parseEntryKind } from '../../src/core/calendar-entry.js';
import { blockLine, coverageLine, dayLine, holidayBlocks, yearLines } from '../../src/core/calendar-report.js';

describe('parseEntryDate / parseEntryDates', () => {
  it('reads dates as offices write them, full-width too', () => {
    for (const s of ['2027-02-06', '2027/2/6', '2027.2.6', '2027年2月6日', '２０２７－０２－０６', ' 2027-2-6 ']) expect(parseEntryDate(s), s).toBe('2027-02-06');
    for (const s of ['2027-02-30', '2027-13-01', '02-06', '2月6日', 'tomorrow', '']) expect(parseEntryDate(s), s).toBeNull();
  });

  it('reads ranges as notices write them, and lists every day', () => {
    const days = ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-13'];
    for (const s of ['2027-02-05~2027-02-13', '2027-02-05 ~ 02-13', '2027-02-05..2027-02-13', '2027年2月5日至13日', '2027年2月5日至2月13日', '2027-02-05～2027-02-13']) {
      expect(parseEntryDates(s), s).toEqual({ ok: true, dates: days });
    }
    expect(parseEntryDates('2027-09-30~10-02')).toEqual({ ok: true, dates: ['2027-09-30', '2027-10-01', '2027-10-02'] });
    expect(parseEntryDates('2027-02-06')).toEqual({ ok: true, dates: ['2027-02-06'] });
  });

  it('refuses in Chinese: not a date, backwards, too long, out of range', () => {
    const problem = (s: string) => {
      const r = parseEntryDates(s);
      if (r.ok) throw new Error(`accepted ${s}`);
      return r.problem;
    };
    expect(problem('2027-02-30')).toBe('「2027-02-30」不是有效日期（2027 年 2 月没有 30 日）。日期写作 2027-02-06');
    expect(problem('下周一')).toContain('不是日期。日期写作 2027-02-06');
    expect(problem('2027-02-13~2027-02-05')).toContain('结束日早于开始日');
    expect(problem('2027-01-01~2027-03-01')).toContain('一次最多设置 31 天');
    expect(problem('1999-10-01')).toContain('只能设置 2000–2099 年的日期');
    expect(problem('2027-02-05~2027-02-06~2027-02-07')).toBe('「2027-02-05~2027-02-06~2027-02-07」不是日期或日期段，应写作 2027-02-06 或 2027-02-05~2027-02-13');
    expect(problem('2027-02-05~2027-02-31')).toBe('「2027-02-31」不是有效日期（2027 年 2 月没有 31 日）。日期写作 2027-02-06');
  });
});

describe('parseCalendarEntry', () => {
  it('accepts the chat and CLI words for the two kinds, with an optional name', () => {
    for (const w of ['上班', '班', 'workday', 'WORKDAY', '工作日', '补班']) expect(parseEntryKind(w), w).toBe('workday');
    for (const w of ['放假', '休', 'holiday', '休息', '假']) expect(parseEntryKind(w), w).toBe('holiday');
    expect(parseEntryKind('请假')).toBeNull();
    expect(parseCalendarEntry('2027-02-20', '上班', '春节调休')).toEqual({ ok: true, entries: [{ date: '2027-02-20', kind: 'workday', name: '春节调休' }] });
    expect(parseCalendarEntry('2027-02-11', 'holiday')).toEqual({ ok: true, entries: [{ date: '2027-02-11', kind: 'holiday', name: null }] });
    expect(parseCalendarEntry('2027-02-11~12', '放假', ' 春节 ')).toEqual({
      ok: true,
      entries: [{ date: '2027-02-11', kind: 'holiday', name: '春节' }, { date: '2027-02-12', kind: 'holiday', name: '春节' }],
    });
  });

  it('says what is wrong with an example, in the chat\'s words or the CLI\'s', () => {
    expect(parseCalendarEntry('2027-02-11', undefined)).toEqual({ ok: false, problem: '请说明 2027-02-11 是「上班」还是「放假」，如：日历 2027-02-20 上班 春节调休' });
    expect(parseCalendarEntry('2027-02-11', '请假')).toEqual({ ok: false, problem: '「请假」应为「上班」或「放假」（也可写 workday / holiday），如：日历 2027-02-11 放假 春节' });
    expect(parseCalendarEntry('2027-02-11', 'off', undefined, CLI_ENTRY_EXAMPLES)).toEqual({ ok: false, problem: '「off」应为「上班」或「放假」（也可写 workday / holiday），如：taizhang calendar set 2027-02-11 holiday 春节' });
    const long = parseCalendarEntry('2027-02-11', '放假', '春'.repeat(21));
    expect(long).toEqual({ ok: false, problem: '名称最多 20 个字（现为 21 个字），如「春节」「春节调休」' });
  });
});

describe('showing a year', () => {
  const data = loadChineseDaysData();
  const cal = new WorkingCalendar(data, {}, { office: { '2027-02-20': { type: 'workday', name: '春节调休' } } });
  const plain = new WorkingCalendar(data);

  it('one line per day with its source', () => {
    expect(dayLine(plain.describeDay('2027-01-01'))).toBe('2027-01-01（周五）：休息日（元旦）〔法定推算〕');
    expect(dayLine(plain.describeDay('2027-02-09'))).toBe('2027-02-09（周二）：休息日（春节补假）〔法定推算·补假估计〕');
    expect(dayLine(cal.describeDay('2027-02-20'))).toBe('2027-02-20（周六）：工作日（春节调休上班）〔改革办设置〕');
    expect(dayLine(plain.describeDay('2026-10-10'))).toBe('2026-10-10（周六）：工作日（国庆节调休上班）〔库数据〕');
    expect(dayLine(plain.describeDay('2027-03-03'))).toBe('2027-03-03（周三）：工作日（工作日）');
  });

  it('coverage lines for each source', () => {
    expect(coverageLine(plain, 2026)).toBe('2026 年放假安排：已收录（库数据，chinese-days）');
    expect(coverageLine(plain, 2027)).toBe('2027 年放假安排：尚未载入——法定节假日已按放假办法推算，调休安排未知');
    expect(coverageLine(cal, 2027)).toContain('已由改革办载入');
    expect(coverageLine(new WorkingCalendar(data, { '2028-01-31': 'workday' }), 2028)).toContain('已由配置文件载入');
    expect(coverageLine(plain, 2100)).toBe('2100 年放假安排：未收录，按周一至周五工作日计算');
  });

  it('a year: coverage, warning, and every special day', () => {
    const lines = yearLines(plain, 2027);
    expect(lines[0]).toBe('2027 年放假安排：尚未载入——法定节假日已按放假办法推算，调休安排未知');
    expect(lines[1]).toMatch(/^注意：2027 年的放假安排尚未载入/);
    expect(lines[2]).toBe('特殊日期 19 天（放假 19 天，调休上班 0 天）：');
    expect(lines).toContain('  2027-05-03 周一 放假 劳动节补假〔法定推算·补假估计〕');
    expect(yearLines(cal, 2027)).toContain('  2027-02-20 周六 上班 春节调休上班〔改革办设置〕');
    expect(yearLines(cal, 2027).slice(0, 2)).toEqual(['2027 年放假安排：已由改革办载入（改革办设置；未设置的日期按库数据或法定推算）', '特殊日期 20 天（放假 19 天，调休上班 1 天）：']);
  });

  it('holiday blocks for the December card', () => {
    expect(holidayBlocks(plain, 2027).map(blockLine)).toEqual([
      '元旦：1月1日（周五）',
      '春节：2月5日（周五）至2月10日（周三），其中 2月9日、2月10日为周末补假（估计）',
      '清明：4月5日（周一）',
      '劳动节：5月1日（周六）至5月4日（周二），其中 5月3日、5月4日为周末补假（估计）',
      '端午：6月9日（周三）',
      '中秋：9月15日（周三）',
      '国庆节：10月1日（周五）至10月5日（周二），其中 10月4日、10月5日为周末补假（估计）',
    ]);
  });
});
