// How deadlines are written in published ledgers (issue 12), as data: each phrase pattern says
// which day it ends on. Patterns run in this order over the normalised text (half-width, no
// whitespace, Chinese-numeral months and years as digits); a match never overlaps an earlier one.
// `year` is the year written in the phrase; without one the year is inherited from an earlier
// phrase in the same cell, else the sheet title's year, else the import's year.

export interface PhraseEnd {
  year?: number;
  month: number;
  /** A day of the month, or 'end' for its last day. */
  day: number | 'end';
}

export interface DeadlinePhrase {
  id: string;
  /** Global regex over the normalised text. */
  pattern: RegExp;
  /** The day the phrase ends on; null: the phrase is consumed but names no deadline (2026年起). */
  end: (m: RegExpExecArray) => PhraseEnd | null;
  examples: readonly string[];
}

const QUARTER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };
const PART_DAY: Record<string, number | 'end'> = { 上旬: 10, 中旬: 20, 下旬: 'end', 底: 'end', 末: 'end', 份: 'end', '': 'end' };
const y = (s: string | undefined) => (s ? Number(s) : undefined);

export const DEADLINE_PHRASES: readonly DeadlinePhrase[] = [
  // A recurring date (每月25日前报送, 每年12月底前) is a reporting rhythm, not a deadline.
  { id: 'recurring', pattern: /每(?:年|半年|季度?|月|周|旬)(?:度)?(?:第?[一二三四1-4]季度)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:上旬|中旬|下旬|底|末)?/g, end: () => null, examples: [] },
  { id: 'from', pattern: /(?:\d{4}年(?:\d{1,2}月)?|\d{1,2}月)(?:\d{1,2}日)?(?:起|开始|以来)(?!草)/g, end: () => null, examples: ['2026年起长期坚持', '9月起实施'] },
  {
    id: 'full-date',
    pattern: /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)日?/g,
    end: (m) => ({ year: y(m[1]), month: Number(m[2]), day: Number(m[3]) }),
    examples: ['2026年6月30日前', '2026.6.30', '2026/6/30', '2026-06-30'],
  },
  {
    id: 'year-month',
    pattern: /(\d{4})年(\d{1,2})月(上旬|中旬|下旬|底|末|份)?/g,
    end: (m) => ({ year: y(m[1]), month: Number(m[2]), day: PART_DAY[m[3] ?? ''] ?? 'end' }),
    examples: ['2026年6月底前', '2026年6月', '2026年3月—6月', '2026年6月中旬'],
  },
  { id: 'year-month-dot', pattern: /(\d{4})[-/.](\d{1,2})(?![\d月])/g, end: (m) => ({ year: y(m[1]), month: Number(m[2]), day: 'end' }), examples: ['2026.6', '2026-06'] },
  {
    id: 'year-half',
    pattern: /(\d{4})年(?:度)?(上半年|下半年)(?:底|末)?/g,
    end: (m) => ({ year: y(m[1]), month: m[2] === '上半年' ? 6 : 12, day: 'end' }),
    examples: ['2026年上半年', '2026年下半年'],
  },
  {
    id: 'year-quarter',
    pattern: /(\d{4})年(?:度)?(?:第)?([一二三四1-4])季度(?:末|底)?/g,
    end: (m) => ({ year: y(m[1]), month: QUARTER[m[2]!]! * 3, day: 'end' }),
    examples: ['2026年第三季度', '2026年三季度末'],
  },
  { id: 'year-q', pattern: /(\d{4})年?Q([1-4])/gi, end: (m) => ({ year: y(m[1]), month: Number(m[2]) * 3, day: 'end' }), examples: ['2026Q3'] },
  { id: 'year', pattern: /(\d{4})年(?:年底|年末|底|末|内|全年|度)?/g, end: (m) => ({ year: y(m[1]), month: 12, day: 'end' }), examples: ['2026年底', '2026年', '2026年内', '2026年度'] },
  { id: 'month-dot-day', pattern: /(?<![\d.\/-])(\d{1,2})[./](\d{1,2})(?![\d.\/%万亿千百个倍])/g, end: (m) => ({ month: Number(m[1]), day: Number(m[2]) }), examples: ['6.30前', '12/31'] },
  { id: 'month-day', pattern: /(\d{1,2})月(\d{1,2})日/g, end: (m) => ({ month: Number(m[1]), day: Number(m[2]) }), examples: ['6月30日前'] },
  {
    id: 'month',
    pattern: /(\d{1,2})月(上旬|中旬|下旬|底|末|份)?/g,
    end: (m) => ({ month: Number(m[1]), day: PART_DAY[m[2] ?? ''] ?? 'end' }),
    examples: ['6月底前', '6月底完成', '3月—6月', '六月底'],
  },
  { id: 'half', pattern: /(上半年|下半年)/g, end: (m) => ({ month: m[1] === '上半年' ? 6 : 12, day: 'end' }), examples: ['上半年', '下半年'] },
  { id: 'quarter', pattern: /(?:第)?([一二三四1-4])季度(?:末|底)?/g, end: (m) => ({ month: QUARTER[m[1]!]! * 3, day: 'end' }), examples: ['第三季度', '三季度末'] },
  { id: 'q', pattern: /Q([1-4])/gi, end: (m) => ({ month: Number(m[1]) * 3, day: 'end' }), examples: ['Q2'] },
  { id: 'year-end', pattern: /(年底|年末|年内|全年|本年度|年度内|今年|本年|当年)/g, end: () => ({ month: 12, day: 'end' }), examples: ['年底前', '年内', '全年'] },
];

/** No due date, never overdue, kept in the reporting cycle (长期事项); checked when no date is found. */
export const LONG_TERM_WORDS: readonly string[] = ['长期', '持续', '常态化', '久久为功', '长效', '每月', '每季', '每年', '每半年', '每周', '定期', '按月', '按季', '逐年', '动态推进', '滚动推进'];

/** Also 长期事项 when no date is found: a start with no end (2026年起, 自3月开始). */
export const LONG_TERM_PATTERNS: readonly RegExp[] = [/(?:\d{4}年|\d{1,2}月)(?:\d{1,2}月)?(?:\d{1,2}日)?(?:起|开始)(?!草)/];
