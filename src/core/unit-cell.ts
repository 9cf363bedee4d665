// A units cell as published ledgers write it: several units separated by 、，,；; or line breaks;
// lead and co-units packed in one cell (`区政务服务局牵头，区发改局、区住建局配合`,
// `…牵头，市级各有关部门按职责分工负责`, `区财政局（牵头）、区税务局`); up to three joint leads;
// aliases (`县发改局(粮食局)`); trailing 等/等有关部门; collectives (`各镇人民政府`) recognised by
// the pattern table in src/core/tables/unit-collectives.ts.
import { ZERO_WIDTH } from './cell-value.js';
import { COLLECTIVE_PATTERNS, type CollectiveKind } from './tables/unit-collectives.js';
import { saysNone } from './tables/none-words.js';

export { COLLECTIVE_PATTERNS, COLLECTIVE_UNIT_KINDS, type CollectiveKind } from './tables/unit-collectives.js';

export interface UnitRef {
  /** Normalised name (normaliseUnitName). */
  name: string;
  /** A second name given in brackets: 县发改局(粮食局) → alias 粮食局. */
  alias?: string;
}

export interface Collective {
  kind: 'collective';
  /** Normalised as written: 各乡镇（街道）. */
  name: string;
  /** The kind of unit it stands for, when the pattern table knows. */
  unitKind?: CollectiveKind;
  /** Whether it was named as lead (e.g. alone in a 牵头单位 column) or as co-units. */
  role: 'lead' | 'co';
}

/** What the parser inferred, for the import report (said in Chinese by the caller). */
export type UnitCellNote = 'lead-and-co-split' | 'joint-lead' | 'too-many-leads' | 'alias' | 'etc-stripped' | 'collective';

export interface UnitCell {
  leads: UnitRef[];
  cos: UnitRef[];
  collectives: Collective[];
  notes: UnitCellNote[];
}

/** The most lead units one task may have (联合牵头); more is reported as 'too-many-leads'. */
export const MAX_JOINT_LEADS = 3;

/** What each note tells the office in the import report. */
export const UNIT_NOTE_MESSAGES: Record<UnitCellNote, string> = {
  'lead-and-co-split': '同一单元格写了牵头和配合单位，已分别记为牵头单位和配合单位',
  'joint-lead': '写了多个牵头单位，按联合牵头处理',
  'too-many-leads': `牵头单位超过 ${MAX_JOINT_LEADS} 个，请确认（联合牵头最多 ${MAX_JOINT_LEADS} 个，其余可改为配合单位）`,
  alias: '括号中的名称记为该单位的别名',
  'etc-stripped': '已去掉末尾的「等」「等有关部门」',
  collective: '「各镇人民政府」「县直各有关单位」等泛称：单位类型已知时展开为具体单位，否则保留为泛称（显示但不催办）',
};

/**
 * A unit name as stored and compared: no whitespace of any kind or zero-width characters, letters
 * and digits half-width, brackets full-width （）, no ★, no trailing 。，、；.
 */
export function normaliseUnitName(raw: string): string {
  return raw
    .replace(ZERO_WIDTH, '')
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/[★☆]/g, '')
    .replace(/^[。，、；;,:：]+|[。，、；;,:：]+$/g, '');
}

/**
 * What a name says outside its brackets, nested ones included: 各县（市（区）、镇）政府 → 各县政府.
 * A name with no letter or digit left (「（（）,）」, 「（）」) names no unit.
 */
export function outsideBrackets(name: string): string {
  // One pass with a stack (a cell may hold 32,767 nested brackets: repeated replacing was quadratic).
  // A closing bracket closes the latest open one; unmatched brackets stay as written.
  const chars = Array.from(name);
  const inside = new Int32Array(chars.length + 1);
  const open: number[] = [];
  chars.forEach((ch, i) => {
    if (ch === '（' || ch === '(') open.push(i);
    else if ((ch === '）' || ch === ')') && open.length) {
      const from = open.pop()!;
      inside[from]! += 1;
      inside[i + 1]! -= 1;
    }
  });
  let depth = 0;
  let out = '';
  chars.forEach((ch, i) => {
    depth += inside[i]!;
    if (depth === 0) out += ch;
  });
  return out;
}

/** The collective a name stands for, or null when it names a unit. */
export function collectiveOf(name: string): { name: string; unitKind?: CollectiveKind } | null {
  const n = normaliseUnitName(name);
  for (const p of COLLECTIVE_PATTERNS) if (p.pattern.test(n)) return p.unitKind ? { name: n, unitKind: p.unitKind } : { name: n };
  return null;
}

const SEPARATOR = /[\n\u2028\u2029、，,；;／/]/;
const LEAD_PREFIX = /^(?:牵头单位|牵头部门|牵头责任单位|主责单位|牵头)[:：]/;
const CO_PREFIX = /^(?:配合单位|配合部门|协同单位|参与单位|责任单位|配合|协同|参与)[:：]/;
const CO_SUFFIX = /(?:按职责分工|按职责分工负责|按职能分工负责|按职责分工落实|按职责分工配合|按职责负责|按职责落实|按职责推进|分工负责|配合落实|配合实施|配合推进|协同配合|共同配合|协同推进|配合|参与|协同|协助|协办)$/;
const LEAD_SUFFIX = /(?:共同牵头|联合牵头|分别牵头|牵头负责|牵头落实|牵头推进|牵头实施|牵头|为牵头单位|共同负责|分别负责|负责落实|负责推进|负责实施|负责)$/;
const PAREN_ROLE = /[（(【〔\[]\s*(牵头|配合|协同|参与|协助)(?:单位)?\s*[）)】〕\]]$/;
/** 【牵头】县财政局: the role in brackets before the name. */
const PAREN_ROLE_FIRST = /^[（(【〔\[]\s*(牵头|配合|协同|参与|协助)(?:单位)?\s*[）)】〕\]]/;
const ETC = /(?:等有关部门|等相关部门|等有关单位|等相关单位|等部门|等单位|（等）|等)$/;

// List numbers before each unit (1.县财政局⏎2.县税务局, 一、县财政局, （一）县财政局, ①县财政局):
// the same markers as task numbers (src/core/section-heading.ts), here where an item starts.
const CN_NUMERAL = '一二三四五六七八九十';
const ITEM_MARKER = new RegExp(`(^|[\\n、，,；;\\s])(?:[（(]\\s*(?:[${CN_NUMERAL}]{1,3}|\\d{1,3})\\s*[）)]|[${CN_NUMERAL}]{1,3}\\s*[、.．]|\\d{1,3}\\s*[.．、)）](?!\\d))`, 'g');
const CIRCLED_NUMBER = /[\u2460-\u2473\u3251-\u325F]/g;
/** （二）县税务局 after a name without a separator: a bracketed number before more text starts an item too. */
const BRACKET_NUMBER = new RegExp(`[（(]\\s*(?:[${CN_NUMERAL}]{1,3}|\\d{1,3})\\s*[）)](?=[^\\s、，,；;])`, 'g');

/** The cell with each list number turned into a line break. */
function withoutListNumbers(text: string): string {
  return text.replace(CIRCLED_NUMBER, '\n').replace(ITEM_MARKER, '$1\n').replace(BRACKET_NUMBER, '\n');
}

/** Splits on separators outside brackets (各县（市、区）政府 stays whole); unbalanced brackets are ignored. */
function splitOutsideBrackets(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '（' || ch === '(') depth++;
    else if ((ch === '）' || ch === ')') && depth > 0) depth--;
    if (depth === 0 && SEPARATOR.test(ch)) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  // An unclosed bracket would swallow every separator after it: split as if there were none.
  return depth === 0 ? parts : text.split(SEPARATOR);
}

/** An item wholly in brackets, （县财政局） or （县财政局、县税务局）, is what it holds. */
function unwrapWhole(token: string): string[] {
  const m = /^\s*[（(]([^（）()]*)[）)]\s*$/.exec(token);
  return m ? m[1]!.split(SEPARATOR) : [token];
}

/** Spaces between full unit names separate them (区财政局 区税务局); spaces inside a name do not. */
function splitSpaces(token: string): string[] {
  const pieces = token.trim().split(/\s+/).filter(Boolean);
  return pieces.length > 1 && pieces.every((p) => Array.from(p).length >= 3) ? pieces : [pieces.join('')];
}

/**
 * Parses a units cell. `defaultRole` is what units without a role word are when the cell names no
 * lead itself: 'lead' for a 牵头单位 column, 'co' for a 配合单位 column. Once a lead is named in the
 * cell (X牵头 / X（牵头）), units without a role word are co-units. A unit named both as lead and as
 * co-unit is a lead. Order is kept; repeats are dropped.
 */
export function parseUnitCell(text: string | null | undefined, defaultRole: 'lead' | 'co' = 'lead'): UnitCell {
  const out: UnitCell = { leads: [], cos: [], collectives: [], notes: [] };
  if (!text || saysNone(text)) return out; // 「N/A」 as a whole, before 「/」 splits it
  const note = (n: UnitCellNote) => out.notes.includes(n) || out.notes.push(n);
  // Split again after the spaces: a line break inside brackets (「区（⏎区,）」) leaves pieces whose
  // brackets no longer balance, and their separators must still separate (found by the property test).
  const tokens = splitOutsideBrackets(withoutListNumbers(text.replace(ZERO_WIDTH, '').replace(/\r\n?/g, '\n'))).flatMap(splitSpaces).flatMap(splitOutsideBrackets).flatMap(unwrapWhole).filter((t) => t.trim());
  const assigned: { raw: string; role: 'lead' | 'co' }[] = [];
  let pending: string[] = [];
  let sticky: 'lead' | 'co' | null = null;
  let leadNamed = false;
  let coNamed = false;
  for (let token of tokens) {
    token = normaliseUnitName(token);
    if (LEAD_PREFIX.test(token)) { sticky = 'lead'; token = token.replace(LEAD_PREFIX, ''); }
    else if (CO_PREFIX.test(token)) { sticky = 'co'; token = token.replace(CO_PREFIX, ''); }
    token = token.replace(/^由/, '');
    const first = PAREN_ROLE_FIRST.exec(token);
    const paren = first ?? PAREN_ROLE.exec(token);
    if (paren) {
      const role = paren[1] === '牵头' ? 'lead' : 'co';
      assigned.push({ raw: first ? token.slice(first[0].length) : token.slice(0, paren.index), role });
      if (role === 'lead') leadNamed = true; else coNamed = true;
      continue;
    }
    const co = CO_SUFFIX.exec(token);
    const lead = co ? null : LEAD_SUFFIX.exec(token);
    if (co || lead) {
      const role = co ? 'co' : 'lead';
      const rest = token.slice(0, (co ?? lead)!.index);
      for (const p of [...pending, rest]) if (p) assigned.push({ raw: p, role });
      pending = [];
      if (role === 'lead') leadNamed = true; else coNamed = true;
      continue;
    }
    if (sticky) assigned.push({ raw: token, role: sticky });
    else pending.push(token);
  }
  const rest: 'lead' | 'co' = leadNamed ? 'co' : coNamed && defaultRole === 'co' ? 'co' : defaultRole;
  for (const p of pending) assigned.push({ raw: p, role: rest });
  if (leadNamed && assigned.some((a) => a.role === 'co')) note('lead-and-co-split');

  const seen = new Map<string, 'lead' | 'co'>();
  for (const a of assigned) {
    let name = normaliseUnitName(a.raw);
    if (ETC.test(name) && name.replace(ETC, '')) { name = name.replace(ETC, ''); note('etc-stripped'); }
    if (!/[\p{L}\p{N}]/u.test(outsideBrackets(name)) || saysNone(name)) continue;
    const collective = collectiveOf(name);
    if (collective) {
      if (!out.collectives.some((c) => c.name === collective.name)) out.collectives.push({ kind: 'collective', ...collective, role: a.role });
      note('collective');
      continue;
    }
    let ref: UnitRef = { name };
    const alias = /^(.+?)（([^（）]+)）$/.exec(name);
    if (alias) { ref = { name: alias[1]!, alias: alias[2]! }; note('alias'); }
    const prev = seen.get(ref.name);
    if (prev === 'lead' || prev === a.role) continue;
    if (prev === 'co' && a.role === 'lead') out.cos = out.cos.filter((u) => u.name !== ref.name);
    seen.set(ref.name, a.role);
    (a.role === 'lead' ? out.leads : out.cos).push(ref);
  }
  if (out.leads.length > 1) note('joint-lead');
  if (out.leads.length > MAX_JOINT_LEADS) note('too-many-leads');
  return out;
}
