// Rows of a published ledger below the header: section headings (一、… / （一）… / unnumbered
// sub-headings merged across the table), task rows, footnotes (注：…) and blank rows; plus the
// clean-up of task fields (numbering 1. 1﹒ 1.1 （一）, ★ marks, trailing 。).
import { cellText } from './cell-value.js';
import { parseLeaderCell } from './leader-cell.js';
import { mapHeaders, TITLE_FIELDS } from './header-synonyms.js';

const CN_NUM = '一二三四五六七八九十百零〇两';

export interface SectionHeading {
  /** 1: 一、 / 第一部分; 2: （一）; 3: 1. merged across, or unnumbered. */
  level: 1 | 2 | 3;
  /** The number as written (一, （一）, 1), or null for an unnumbered sub-heading. */
  number: string | null;
  /** The heading without its number, leaders annotation, ★ or trailing 。. */
  title: string;
  /** What the section is called on a task and on export: number + title (一、深化财税体制改革). */
  label: string;
  /** Leaders named in the heading (`（牵头领导：甲、乙）`), in order; they apply to its rows. */
  leaders: string[];
}

export type RowClass =
  | { kind: 'blank' }
  /** The header row repeated below (a table printed over several pages and rebuilt): not a task. */
  | { kind: 'header' }
  | { kind: 'footnote'; text: string }
  | { kind: 'heading'; heading: SectionHeading }
  | { kind: 'task' };

export interface RowContext {
  /** 0-based column of the task title (改革事项). */
  titleColumn: number;
  /** 0-based column of 序号, when the sheet has one. */
  numberColumn?: number;
  /** The caller knows the row's text cell is merged across several columns (exceljs cell.isMerged). */
  merged?: boolean;
  /** 0-based column of 领衔领导 (its synonyms): a heading row may name its leaders there. */
  leaderColumn?: number;
}

const FOOTNOTE = /^(?:注|备注|说明|填表说明|注释|附注|填报说明|填报要求)\s*\d*\s*[:：]|^[（(]?注\s*\d+\s*[.、．:：）)]|^(?:填报单位|填报人|填表人|联系人|审核人|制表人|制表单位|填报日期|联系电话)\s*[:：]|^(?:本表|此表|以上|上述)|^[※*＊]/;
/** The first cell of a signature row written across cells: 审核人：, 填表人：, 联系电话：… */
const SIGNATURE_LABEL = /^(?:填报单位|填报人|填表人|联系人|审核人|制表人|制表单位|填报日期|联系电话|签发人|负责人|分管领导|单位负责人)\s*[:：]/;
/** The first cell of a totals row: 合计、小计、总计、共计 (spaced out or not). */
const TOTAL_ROW = /^(?:合\s*计|小\s*计|总\s*计|共\s*计)\s*[:：]?\s*(?:\d+\s*项?)?$/;
const H1 = new RegExp(`^(?:第[${CN_NUM}]+(?:部分|章|篇|方面|板块|项)|[${CN_NUM}]+\\s*[、.．])`);
const H2 = new RegExp(`^[（(]\\s*[${CN_NUM}]+\\s*[）)]`);
const ARABIC = /^\d{1,3}(?:[.．﹒]\d{1,3})*\s*[.．﹒、]/;
/** A 序号 cell that marks a heading row: 一 / 一、 / （一） / 第一部分. */
const HEADING_NUMBER = new RegExp(`^(?:[${CN_NUM}]+[、.．]?|[（(][${CN_NUM}]+[）)]|第[${CN_NUM}]+(?:部分|章|篇|方面|板块))$`);
/** `（牵头领导：甲、乙）` and its variants (责任领导, 分管县领导, 领衔领导…) inside a heading. */
const LEADERS_NOTE = /[（(]\s*(?:[^（）()：:]{0,8}领导|牵头)\s*[:：]\s*([^（）()]+?)\s*[）)]/;

/**
 * Classifies one row (cells in column order, strings or exceljs values). A heading is a row with a
 * single text: numbered (一、 （一） (一) 第一部分), or unnumbered but merged across the table (the
 * same text in several cells, or ctx.merged), or standing alone left of the title column; or a row
 * whose 序号 holds a heading number (一, （一）) and whose only other text is the heading (and,
 * with ctx.leaderColumn, the leaders of the section in that column). A
 * footnote is a lone text starting 注：/备注：/说明：/填报单位：/本表…/※. A row that reads as the header
 * again (≥ 3 known fields incl. the title) is 'header'. Anything else with content is a task.
 */
export function classifyRow(cells: readonly unknown[], ctx: RowContext): RowClass {
  const filled: { column: number; text: string }[] = [];
  cells.forEach((c, column) => {
    const text = cellText(c).text;
    if (text !== null) filled.push({ column, text: text.trim() });
  });
  if (filled.length === 0) return { kind: 'blank' };
  // 合计 / 小计 / 总计 rows count the rows above (「合计 | 4项」); a signature row in cells
  // (「审核人： | 填表人： | 联系电话：」); the printed column numbers under a header (「1 | 2 | 3 | 4 | 5」):
  // no task, like a note.
  const all = filled.map((f) => f.text).join(' ');
  if (TOTAL_ROW.test(filled[0]!.text) || SIGNATURE_LABEL.test(filled[0]!.text)) return { kind: 'footnote', text: all };
  if (filled.length >= 3 && filled.every((f, i) => /^\d{1,2}$/.test(f.text) && Number(f.text) === Number(filled[0]!.text) + i)) return { kind: 'footnote', text: all };
  // Only a pre-filled 序号 (4, 5, 6 down an empty table): nothing to import.
  const numberOnly = ctx.numberColumn ?? (ctx.titleColumn > 0 ? 0 : undefined);
  if (filled.length === 1 && filled[0]!.column === numberOnly && /^\d+(?:[.．﹒]\d+)*[.．﹒、]?$/.test(filled[0]!.text)) return { kind: 'blank' };
  const distinct = [...new Set(filled.map((f) => f.text))];
  if (distinct.length >= 2 && isHeaderRow(cells)) return { kind: 'header' };
  if (distinct.length === 1) {
    const text = distinct[0]!;
    const columns = filled.map((f) => f.column);
    if (FOOTNOTE.test(text)) return { kind: 'footnote', text };
    if (H1.test(text) || H2.test(text)) return heading(text);
    const mergedAcross = columns.length >= 2 || ctx.merged === true;
    if (mergedAcross) return heading(text);
    const aloneLeftOfTitle = columns[0]! < ctx.titleColumn && !/^\d+(?:[.．﹒]\d+)*[.．﹒、]?$/.test(text);
    if (aloneLeftOfTitle) return heading(text);
    return { kind: 'task' };
  }
  const numberColumn = ctx.numberColumn ?? (ctx.titleColumn > 0 ? 0 : undefined);
  const leaderCell = ctx.leaderColumn === undefined ? undefined : filled.find((f) => f.column === ctx.leaderColumn);
  const rest = leaderCell ? filled.filter((f) => f !== leaderCell) : filled;
  const restDistinct = [...new Set(rest.map((f) => f.text))];
  if (leaderCell && restDistinct.length === 1 && (H1.test(restDistinct[0]!) || H2.test(restDistinct[0]!) || rest.length >= 2)) {
    const h = heading(restDistinct[0]!);
    if (h.kind === 'heading' && h.heading.leaders.length === 0) h.heading.leaders = parseLeaderCell(leaderCell.text);
    return h;
  }
  if (numberColumn !== undefined && restDistinct.length === 2) {
    const numberCell = rest.find((f) => f.column === numberColumn);
    if (numberCell && HEADING_NUMBER.test(numberCell.text.replace(/\s+/g, ''))) {
      const other = restDistinct.find((t) => t !== numberCell.text)!;
      const others = rest.filter((f) => f.text === other);
      if (others.every((f) => f.column > numberColumn)) {
        const h = heading(other, numberCell.text.replace(/\s+/g, ''));
        if (leaderCell && h.kind === 'heading' && h.heading.leaders.length === 0) h.heading.leaders = parseLeaderCell(leaderCell.text);
        return h;
      }
    }
  }
  return { kind: 'task' };
}

/** A row that maps a title field and at least two others: the header again. */
function isHeaderRow(cells: readonly unknown[]): boolean {
  const fields = new Set(mapHeaders(cells).mapping.map((m) => m.field));
  return fields.size >= 3 && TITLE_FIELDS.some((f) => fields.has(f));
}

function heading(written: string, numberCell?: string): RowClass {
  let text = written.replace(/\s+/g, ' ').trim();
  let leaders: string[] = [];
  const note = LEADERS_NOTE.exec(text);
  if (note) {
    leaders = parseLeaderCell(note[1]!);
    text = (text.slice(0, note.index) + text.slice(note.index + note[0].length)).trim();
  }
  text = cleanField(text) ?? '';
  let level: 1 | 2 | 3 = 3;
  let number: string | null = null;
  let title = text;
  const h1 = H1.exec(text);
  const h2 = H2.exec(text);
  const arabic = ARABIC.exec(text);
  const m = h1 ?? h2 ?? arabic;
  if (m) {
    level = h1 ? 1 : h2 ? 2 : 3;
    number = m[0].replace(/\s+/g, '').replace(/[、.．﹒]$/, '');
    title = text.slice(m[0].length).trim();
  } else if (numberCell) {
    number = numberCell.replace(/[、.．]$/, '');
    level = /^[（(]/.test(number) ? 2 : 1;
  }
  const label = numberCell && !m ? `${/^[（(]|^第/.test(number!) ? number : `${number}、`}${title}` : text;
  return { kind: 'heading', heading: { level, number, title, label, leaders } };
}

/** The open sections after entering a heading: headings of its level or deeper are closed. */
export function enterSection(open: readonly SectionHeading[], h: SectionHeading): SectionHeading[] {
  return [...open.filter((o) => o.level < h.level), h];
}

/** The section a task row belongs to, as stored and exported: labels joined with ' / '; null when none. */
export function sectionLabel(open: readonly SectionHeading[]): string | null {
  return open.length ? open.map((h) => h.label).join(' / ') : null;
}

/** Leaders that apply to a task row under these sections: those of the innermost heading naming any. */
export function sectionLeaders(open: readonly SectionHeading[]): string[] {
  for (let i = open.length - 1; i >= 0; i--) if (open[i]!.leaders.length) return open[i]!.leaders;
  return [];
}

/** Characters after a number like 1.5 that make it a quantity, not a task number (1.5万亩). */
const QUANTITY_AFTER = /^[万亿千百十个家项亩元吨%％米公倍人户件座所条次天年月日]/;

const NUMBER_PATTERNS: readonly RegExp[] = [
  new RegExp(`^[（(]\\s*(?:[${CN_NUM}]+|\\d{1,3})\\s*[）)]`),
  new RegExp(`^[${CN_NUM}]+\\s*[、.．]`),
  /^[\u2460-\u2473\u3251-\u325F]/,
  /^\d{1,3}(?:[.．﹒]\d{1,3})*\s*(?:[.．﹒](?!\d)|[、)）])/,
];

/**
 * Splits a task number off the start of a text: `1.` `1、` `1﹒` `1．` `1.1` `1.1.` `（一）` `(1)`
 * `一、` `①`. A decimal followed by a quantity (`1.5万亩`) is not a number.
 */
export function stripTaskNumber(text: string): { number: string | null; text: string } {
  const s = text.replace(/^\s+/, '');
  for (const p of NUMBER_PATTERNS) {
    const m = p.exec(s);
    if (m) return { number: m[0].replace(/\s+/g, '').replace(/^(\d.*?)[、.．﹒)）]$/, '$1').replace(/([^\d)）])[、.．﹒]$/, '$1'), text: s.slice(m[0].length).trim() };
  }
  const multi = /^(\d{1,3}(?:[.．﹒]\d{1,3})+)(?=\s|[\u3400-\u9fff])/.exec(s);
  if (multi && !QUANTITY_AFTER.test(s.slice(multi[0].length))) return { number: multi[1]!, text: s.slice(multi[0].length).trim() };
  return { number: null, text: text.trim() };
}

/** A field cleaned for storage: ★/☆ marks removed, trimmed, trailing 。；;，, removed; null if empty. */
export function cleanField(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const s = text.replace(/[★☆]/g, '').trim().replace(/[。；;，,\s]+$/u, '').trim();
  return s === '' ? null : s;
}

/** A task title cleaned: ★ removed, its number stripped (returned), trailing 。 removed. */
export function cleanTitle(text: string | null | undefined): { number: string | null; title: string | null } {
  if (!text) return { number: null, title: null };
  const { number, text: rest } = stripTaskNumber(text.replace(/[★☆]/g, ''));
  return { number, title: cleanField(rest) };
}
