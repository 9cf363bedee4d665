// Which period a document the office sends up covers, and as of which day its figures are judged.
// Pure. A document must cover the period its title names:
// - 半年一通报: by default the most recent half-year that has ended (in November 2026: 2026年上半年),
//   judged as of its last day (2026-06-30) — not today's status under a 上半年 title. The office
//   may name a half-year (2026-H2 / 2026下半年); the current one is judged as of today and titled
//   「2026年下半年（截至11月30日）」.
// - 年终盘总账: in January the year just ended, as of 31 December (the 盘总账 is done then); from
//   February on the current year as of today, titled 「2026年度（截至11月30日）」 — a previous year is
//   named (2025). An empty "last year" in November helps nobody.
// - 推广动态简报: the month of the date (the job compiles it on the 28th); a month can be named (2026-10).
// - 案例汇编: the quarter of the date (collection runs to the quarter's last working day); a quarter
//   can be named (2026Q3).
// A period that has not begun is refused.
import {
  halfYearPeriod, monthContaining, monthPeriod, quarterContaining, quarterPeriod, yearPeriod, type Period,
} from './periods.js';
import type { IsoDate } from './types.js';

export type DocumentPeriodKind = 'half-year' | 'year-end' | 'brief' | 'cases';

export interface DocumentPeriod {
  period: Period;
  /** The day the figures are judged at: the period's last day, or today while it runs. */
  asOf: IsoDate;
  /** The period has not ended: the title says 截至 <asOf>. */
  partial: boolean;
  /** For titles: '2026年上半年', '2026年下半年（截至11月30日）', '2026年度（截至11月30日）'. */
  label: string;
}

export type DocumentPeriodOutcome = ({ ok: true } & DocumentPeriod) | { ok: false; reason: string };

const CN_QUARTERS = '一二三四';
const FORMATS: Record<DocumentPeriodKind, string> = {
  'half-year': '如 2026-H1、2026上半年',
  'year-end': '如 2025',
  brief: '如 2026-10',
  cases: '如 2026Q3、2026年第三季度',
};

/** `requested`: the period the office names (null/empty: the default above). */
export function documentPeriod(kind: DocumentPeriodKind, today: IsoDate, requested?: string | null): DocumentPeriodOutcome {
  const typed = (requested ?? '').replace(/\s+/g, '');
  let period: Period | null;
  if (typed) {
    period = parsePeriod(kind, typed);
    if (!period) return { ok: false, reason: `看不懂「${requested!.trim()}」这个期间，请写${FORMATS[kind]}。` };
  } else {
    period = defaultPeriod(kind, today);
  }
  if (period.start > today) return { ok: false, reason: `${period.label}尚未开始，无法生成。` };
  const partial = period.end >= today;
  const asOf = partial ? today : period.end;
  const base = kind === 'year-end' ? `${period.key}年度` : period.label;
  return { ok: true, period, asOf, partial, label: partial && (kind === 'half-year' || kind === 'year-end') ? `${base}（截至${shortDate(today)}）` : base };
}

function defaultPeriod(kind: DocumentPeriodKind, today: IsoDate): Period {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  switch (kind) {
    case 'half-year':
      return month >= 7 ? halfYearPeriod(year, 1) : halfYearPeriod(year - 1, 2);
    case 'year-end':
      return month === 1 ? yearPeriod(year - 1) : yearPeriod(year);
    case 'brief':
      return monthContaining(today);
    case 'cases':
      return quarterContaining(today);
  }
}

function parsePeriod(kind: DocumentPeriodKind, s: string): Period | null {
  let m: RegExpExecArray | null;
  switch (kind) {
    case 'half-year':
      if ((m = /^(\d{4})(?:年|-)?(?:(H1|上半年)|(H2|下半年))$/i.exec(s))) return halfYearPeriod(Number(m[1]), m[2] ? 1 : 2);
      return null;
    case 'year-end':
      if ((m = /^(\d{4})年?度?$/.exec(s))) return yearPeriod(Number(m[1]));
      return null;
    case 'brief':
      if ((m = /^(\d{4})(?:-|年|\/|\.)(\d{1,2})月?$/.exec(s)) && Number(m[2]) >= 1 && Number(m[2]) <= 12) return monthPeriod(Number(m[1]), Number(m[2]));
      return null;
    case 'cases':
      if ((m = /^(\d{4})-?Q([1-4])$/i.exec(s))) return quarterPeriod(Number(m[1]), Number(m[2]));
      if ((m = /^(\d{4})年?第?([1-4一二三四])季度$/.exec(s))) return quarterPeriod(Number(m[1]), /\d/.test(m[2]!) ? Number(m[2]) : CN_QUARTERS.indexOf(m[2]!) + 1);
      return null;
  }
}

/** '2026-11-30' → '11月30日' (the year is in the label already). */
function shortDate(d: IsoDate): string {
  return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
}

