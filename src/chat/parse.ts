// The chat grammar (DESIGN §3). Pure: text in, command out, driven by the table in verbs.ts.
// Tolerates full-width punctuation and digits, extra spaces, lower-case codes and codes without
// their prefix (resolved later against the ledger). Anything not understood becomes a 'malformed'
// or 'unknown' command that says what was understood, what is missing, and gives an example —
// never silence. A message of several lines may hold several commands (parseChatMessage): a title
// line, list numbers and the line structure of a rich-text post do not hide them.

import { parsePercent } from '../core/percent.js';
import { charCount, truncate } from '../core/text.js';
import {
  COMMANDS, type CodeKind, type CodeOptTextKind, type CodeTextKind, type CommandSpec, type OptTextKind,
  type ReportKind, type TextKind, type LoopExactKind,
} from './verbs.js';

export type ReportVerb = ReportKind;

/** One command type per kind in K (so Extract<…, {kind: K}> finds it); nothing while K is empty. */
type Of<K extends string, Fields> = K extends string ? { kind: K } & Fields : never;

export type ChatCommand =
  | Of<ReportKind, { codeText: string; text: string; percent: number | null }>
  | { kind: 'myTasks' }
  | { kind: 'help' }
  | { kind: 'unbindGroup' }
  | { kind: 'groupList' }
  | { kind: 'todo' }
  | { kind: 'unreported' }
  | { kind: 'newTask' }
  | { kind: 'promotion' }
  | { kind: 'ledger'; unitName: string | null }
  | Of<LoopExactKind, object>
  | Of<CodeKind, { codeText: string }>
  | Of<CodeTextKind, { codeText: string; text: string }>
  | Of<CodeOptTextKind, { codeText: string; text: string | null }>
  | Of<TextKind, { text: string }>
  | Of<OptTextKind, { text: string | null }>
  | { kind: 'malformed'; verb: string; problem: string; example: string }
  | { kind: 'unknown'; text: string };

/** A command the grammar understood (not malformed or unknown). */
export type ParsedCommand = Exclude<ChatCommand, { kind: 'malformed' } | { kind: 'unknown' }>;

const SPECS = COMMANDS as readonly CommandSpec[];

/** Example of each report verb (the help card and malformed answers show them). */
export const EXAMPLES: Record<ReportVerb, string> = Object.fromEntries(
  SPECS.filter((c) => c.shape === 'report').map((c) => [c.kind, c.example]),
) as Record<ReportVerb, string>;

/** A task code as typed: letters/digits joined by dashes, or a bare serial ("012"). */
const CODE = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/;
const MAX_TEXT = 2000;
/** Separators people type between the verb, the code and the text. */
const SEPARATORS = '\\s:,，、;；';

/**
 * Folds what matters for parsing — full-width letters, digits, ％ ： － and spaces — and leaves
 * the rest as typed (Chinese punctuation in the report text stays Chinese).
 */
export function normaliseChatText(raw: string): string {
  return raw
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF05\uFF0D]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .toWellFormed()
    .replace(/[\u200b-\u200f\ufeff]/g, '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
    .replace(/[：]/g, ':')
    // The same dashes codeKey() folds, so "LY‑012" (U+2011) is a code here too — between letters or
    // digits only: a signature's 「——石堡镇」 stays as typed.
    .replace(/(?<=[A-Za-z0-9])[‐‑‒–—―－](?=[A-Za-z0-9])/g, '-')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Every prefix word of the table, longest first, with its command. */
const PREFIXES: { word: string; spec: CommandSpec }[] = SPECS.filter((c) => c.shape !== 'exact')
  .flatMap((spec) => spec.words.map((word) => ({ word, spec })))
  .sort((a, b) => b.word.length - a.word.length);
const PREFIX_RE = new RegExp(`^(${PREFIXES.map((p) => escapeRe(p.word)).join('|')})\\s*:?\\s*(.*)$`, 's');

const TASK_VERB_RE = PREFIXES.filter((p) => ['report', 'code', 'codeText', 'codeOptText'].includes(p.spec.shape)).map((p) => escapeRe(p.word)).join('|');
const ALL_VERB_RE = [...PREFIXES.map((p) => p.word), ...SPECS.filter((c) => c.shape === 'exact').flatMap((c) => c.words)]
  .sort((a, b) => b.length - a.length).map(escapeRe).join('|');
/** 「QY - 2026 - 011」: a code typed with spaces around its dashes. */
const SPACED_CODE = /\b([A-Za-z]{1,8})\s*-\s*(\d{4})\s*-\s*(\d{1,4})\b/g;
/** 【进展】… / [进展]…: the verb in brackets, as in a formatted report. */
const BRACKETED_VERB = new RegExp(`^[【\\[〔]\\s*(${ALL_VERB_RE})\\s*[】\\]〕]\\s*:?\\s*`);
/** QY-2026-011进展60% / QY-2026-011：进展 …: a full code (letters, digits, a dash) before the verb. */
const CODE_FIRST = new RegExp(`^([A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+)\\s*[:,，、]?\\s*(${TASK_VERB_RE})(?![\\u4e00-\\u9fff])\\s*[:,，、]?\\s*(.*)$`, 's');
/** 「各位领导好，进展 QY-2026-018 …」: a short greeting clause before a task command with a full code. */
const GREETING_BEFORE = new RegExp(`^[^，,：:。！!\\n]{1,12}[，,：:。！!]\\s*(?=(?:${TASK_VERB_RE})\\s*[:,，]?\\s*[A-Za-z]+[A-Za-z0-9]*[-_][A-Za-z0-9])`);
/** What ends a sentence but not a command: 「我的任务。」「台账？」. */
const TRAILING_MARKS = /[。.！!？?~～…，,；;]+$/;

/**
 * A line as people also write a command — 【进展】 QY-2026-011 …, QY-2026-011 进展 …, QY - 2026 - 011 —
 * rewritten to the table's order (verb, code, text). Text already in that order is unchanged.
 */
export function canonicalCommandLine(text: string): string {
  let out = text.replace(SPACED_CODE, '$1-$2-$3');
  out = out.replace(BRACKETED_VERB, '$1 ');
  if (!PREFIX_RE.test(out)) out = out.replace(GREETING_BEFORE, '');
  const codeFirst = CODE_FIRST.exec(out);
  if (codeFirst) out = `${codeFirst[2]} ${codeFirst[1]} ${codeFirst[3]}`.trim();
  return out;
}

/**
 * A message that starts with a task verb but names no code ("进展 已召开推进会 60%", "已完成"), written
 * as a reply to a message about one task: the same with that task's code after the verb, or null
 * when the message names a code (or starts with no task verb). Only the first line changes.
 */
export function withCodeAfterVerb(raw: string, code: string): string | null {
  const [first = '', ...rest] = raw.replace(/\r\n?/g, '\n').split('\n');
  const line = canonicalCommandLine(normaliseChatText(stripListMarker(first)));
  const head = PREFIX_RE.exec(line);
  if (!head || !TASK_SHAPES.has(PREFIXES.find((p) => p.word === head[1])!.spec.shape)) return null;
  const split = splitCode(head[2]!.replace(/^[\s:,，、;；]+/, ''));
  if ('codeText' in split && /\d/.test(split.codeText)) return null;
  return [`${head[1]} ${code} ${head[2]!.replace(/^[\s:,，、;；]+/, '')}`.trim(), ...rest].join('\n');
}

/** Parses one message (or one line of one) into a command. Never throws. */
export function parseChatCommand(raw: string): ChatCommand {
  const text = canonicalCommandLine(normaliseChatText(raw));
  if (text === '') return { kind: 'help' };
  const compact = text.replace(/\s+/g, '');
  // "我的任务。" is 我的任务; "?" alone stays the help word it is.
  const bare = compact.replace(TRAILING_MARKS, '') || compact;
  for (const spec of SPECS) {
    if (spec.shape !== 'exact') continue;
    const hit = spec.caseInsensitive ? spec.words.some((w) => w.toLowerCase() === compact.toLowerCase() || w.toLowerCase() === bare.toLowerCase()) : spec.words.includes(compact) || spec.words.includes(bare);
    if (hit) return { kind: spec.kind } as ChatCommand;
  }
  const head = PREFIX_RE.exec(text);
  if (!head) return { kind: 'unknown', text: truncate(text, 100, '') };
  const spec = PREFIXES.find((p) => p.word === head[1])!.spec;
  return parseArgs(spec, head[2]!);
}

/** A number followed by a quantity (「18 个行政村」「3 项」) is a figure, not a code. */
const QUANTITY_AFTER = /^[万亿千百十个家项亩元吨%％米公倍人户件座所条次天年月日村镇]/;
/** 「QY-2026-011已召开推进会」「（QY-2026-011）已召开…」: a full code with the text stuck to it. */
const STUCK_CODE = /^[【\[(（]?([A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+)[】\])）]?([^A-Za-z0-9_-][\s\S]*)$/;

/** The code at the start of a command's arguments and the rest, or why there is none. */
function splitCode(rest: string): { codeText: string; body: string } | { problem: string } {
  const m = /^([^\s:,，、;；]+)\s*[:,，、;；]?\s*(.*)$/s.exec(rest);
  if (!m) return { problem: '缺少事项编号' };
  let token = m[1]!;
  let body = m[2]!;
  const stuck = CODE.test(token.replace(/^[【\[(（]|[】\])）]$/g, '')) ? null : STUCK_CODE.exec(token);
  if (stuck) {
    token = stuck[1]!;
    body = `${stuck[2]!.replace(/^[\s:,，、;；。）)】\]]+/, '')} ${body}`.trim();
  }
  const codeText = token.replace(/^[【\[(（]|[】\])）]$/g, '');
  if (!CODE.test(codeText)) return { problem: `没有识别出事项编号（「${truncate(codeText, 20)}」不像编号）` };
  // 「18 个行政村」 is a figure; 「011 村级…」 (a leading zero) is a code.
  if (/^[1-9]\d*$/.test(codeText) && QUANTITY_AFTER.test(body)) return { problem: `没有识别出事项编号（「${codeText}${Array.from(body)[0]}」是数量，不是编号）` };
  return { codeText, body: body.trim() };
}

function malformed(spec: CommandSpec, problem: string): ChatCommand {
  return { kind: 'malformed', verb: spec.label, problem, example: spec.example };
}

function parseArgs(spec: CommandSpec, after: string): ChatCommand {
  if (spec.shape === 'unit') {
    const unit = after.trim().replace(TRAILING_MARKS, '').trim();
    return { kind: 'ledger', unitName: unit === '' ? null : unit };
  }
  // Separators typed before the argument ("进展，LY-012 …", "进展:: …") are not part of it.
  const rest = after.replace(new RegExp(`^[${SEPARATORS}]+`), '').trim();
  const what = spec.textName ?? '内容';
  const checkLength = (body: string): string | null =>
    charCount(body) > MAX_TEXT ? `内容过长（${charCount(body)} 字，最多 ${MAX_TEXT} 字）` : null;

  if (spec.shape === 'text' || spec.shape === 'optText') {
    if (rest === '') return spec.shape === 'optText' ? ({ kind: spec.kind, text: null } as ChatCommand) : malformed(spec, `缺少${what}`);
    const tooLong = checkLength(rest);
    if (tooLong) return malformed(spec, tooLong);
    return { kind: spec.kind, text: rest } as ChatCommand;
  }

  if (rest === '') return malformed(spec, spec.shape === 'code' ? '缺少事项编号' : '缺少事项编号和内容');
  // The code is the first token; ":" "," or a space may follow it.
  const split = splitCode(rest);
  if ('problem' in split) return malformed(spec, split.problem);
  const { codeText } = split;
  let body = split.body;
  if (spec.shape === 'code') return { kind: spec.kind, codeText } as ChatCommand;

  // 「完成 QY-2026-018 80%」「已完成80%」「完成 … 目前完成60%」: a completion short of 100 % is progress,
  // never a close-out request. Another figure (「群众满意度达95%」) leaves a completion as it is.
  if (spec.kind === 'complete') {
    const only = progressPercent(body);
    if (only?.ok && only.body === '' && only.percent < 100) return progressOf(codeText, '', only.percent);
    const named = NAMED_PERCENT.exec(body);
    const value = named ? parsePercent(named[1]!) : null;
    if (value?.ok && value.value < 100) return progressOf(codeText, body, value.value);
  }
  let percent: number | null = null;
  if (spec.percent) {
    const found = progressPercent(body);
    if (found && !found.ok) return malformed(spec, found.reason);
    if (found?.ok) ({ percent, body } = found);
    // Only a percent (「进展 QY-2026-011 60%」): the update is the percent.
    if (percent !== null && body === '') return progressOf(codeText, body, percent);
  }
  if (body === '') {
    if (spec.shape === 'codeOptText') return { kind: spec.kind, codeText, text: null } as ChatCommand;
    return malformed(spec, `缺少${what}`);
  }
  const tooLong = checkLength(body);
  if (tooLong) return malformed(spec, tooLong);
  if (spec.shape === 'report') return { kind: spec.kind, codeText, text: body, percent } as ChatCommand;
  return { kind: spec.kind, codeText, text: body } as ChatCommand;
}

/** A progress report of only a percent: its text says so. */
function progressOf(codeText: string, text: string, percent: number): ChatCommand {
  return { kind: 'progress', codeText, text: text || `进度更新至 ${percent}%`, percent };
}

/**
 * A percent ending a line: 「60%」「进度 60%」「，完成60%左右」「70%[强]」 (a Feishu emoji after it). What
 * stands before the % is read whole; 「完成」 is taken with it only where a clause starts (「测产完成 67%」 keeps it).
 */
const PERCENT_TAIL = /%\s*(?:左右|以上)?(?:\[[^\[\]\s]{1,6}\])*[\s,，。;；!！]*$/;
const BEFORE_PERCENT = /(总体进度|总进度|进度|完成度|完成了?)?\s*(?:约|达到|达)?\s*([0-9A-Za-z.+\uFF0E\uFF0B-]+)\s*$/;
/**
 * The percent ending a line, in time linear in the line (a 150-KB message of letters made one
 * backtracking regex quadratic): the final 「%…」 first, then what stands just before it, within 40
 * characters. `index` is where the percent (with its 进度/完成 label) starts.
 */
function lineEndPercent(line: string): { index: number; number: string } | null {
  const tail = PERCENT_TAIL.exec(line);
  if (!tail) return null;
  const from = Math.max(0, tail.index - 40);
  const head = BEFORE_PERCENT.exec(line.slice(from, tail.index));
  if (!head) return null;
  let start = from + head.index;
  // 「完成」 goes with the percent only where a clause starts: 「测产完成 67%」 keeps it in the text.
  const label = head[1];
  if (label?.startsWith('完成') && label !== '完成度' && start > 0 && !/[\s,，;；。]/.test(line[start - 1]!)) start += label.length;
  // A run of letters and digits longer than the window: read it whole (it is refused, as before).
  if (head.index === 0 && from > 0 && !label) {
    const run = /[0-9A-Za-z.+\uFF0E\uFF0B-]*$/.exec(line.slice(Math.max(0, from - 200), from))![0];
    return { index: from - run.length, number: run + head[2]! };
  }
  return { index: start, number: head[2]! };
}

/** A percent named as the progress anywhere: 「已完成总体进度的60%，下一步…」「目前完成45%」. Digits only. */
const NAMED_PERCENT = /(?:总体进度|总进度|工作进度|进度|完成度|完成了?)(?:为|达到|已达|达|约为|约|的)?\s*(\d{1,3}(?:\.\d+)?)\s*%/;
/** 「百分之六十」「六成」 ending a line: a percent the grammar does not read (digits only, issue 11). */
const WORDED_PERCENT = /(?:百分之[零〇一二两三四五六七八九十百]+|[一二三四五六七八九]成|[零〇一二两三四五六七八九十百]+\s*[%％])[\s,，。;；!！]*$/;
/** Lines that close a message, not its report: a signature (——石堡镇 程功), thanks, a name with a date. */
const SIGN_OFF = /^\s*(?:[-—–]{1,2}\S|(?:谢谢|感谢|辛苦了?|此致|敬礼|以上)[\s!！。，,～~]*$|[\u4e00-\u9fff]{2,4}\s+\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}\s*日?\s*$)/;

/**
 * The progress percent of a report's text, and the text without it. The percent is the one that
 * ends the first line, else the last line (a greeting or signature line does not hide it), else
 * one named as progress (进度/完成度 …%) anywhere. Any other percent is part of the text: 「网办率提高到
 * 85%，下步…」 keeps its 85%. Digits only ("-5%", "1e2%", "0x10%" are refused, never 5, 2 or 10).
 */
function progressPercent(body: string): { ok: true; percent: number; body: string } | { ok: false; reason: string } | null {
  const lines = body.split('\n');
  // The last line of the report itself: sign-off lines after it (a signature, thanks) are skipped.
  let last = lines.length - 1;
  while (last > 0 && (lines[last]!.trim() === '' || SIGN_OFF.test(lines[last]!))) last--;
  for (const i of last > 0 ? [0, last] : [0]) {
    const pm = lineEndPercent(lines[i]!);
    if (!pm) {
      if (WORDED_PERCENT.test(lines[i]!)) return { ok: false, reason: '进度请用阿拉伯数字填写，如 60%（「百分之六十」「六成」不能识别）' };
      continue;
    }
    // 「60%-70%」: a range, not a negative number.
    if (/^-/.test(pm.number) && /[\d%]\s*$/.test(lines[i]!.slice(0, lines[i]!.lastIndexOf(pm.number)))) return { ok: false, reason: '进度请只写一个数字，如 60%（不要写范围）' };
    const read = parsePercent(pm.number);
    if (!read.ok) return read;
    lines[i] = lines[i]!.slice(0, pm.index).replace(/[\s,，;；。]+$/, '');
    return { ok: true, percent: read.value, body: lines.join('\n').replace(/[\s,，;；。]+$/, '').trim() };
  }
  const named = NAMED_PERCENT.exec(body);
  if (!named) return null;
  const read = parsePercent(named[1]!);
  return read.ok ? { ok: true, percent: read.value, body } : read;
}

// ---- several commands in one message

/**
 * List markers people and rich-text posts put before a line: "1." "1、" "(1)" "（一）" "一、" "①"
 * "-" "•" "·". Not "1.5" (a number).
 */
const LIST_MARKER = /^\s*(?:[（(]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)）]|\d{1,3}\s*[.、．)）](?!\d)|[一二三四五六七八九十]{1,3}\s*[、.．]|[\u2460-\u2473]|[-*•·●▪◦‣]\s)\s*/;

/** A line without its list marker. */
export function stripListMarker(line: string): string {
  return line.replace(LIST_MARKER, '');
}

const TASK_SHAPES = new Set(['report', 'code', 'codeText', 'codeOptText']);

/** The verb and code a line starts with, when it starts like a task command ("进展 QY-2026-011 …"). */
function commandHead(line: string): { codeText: string } | null {
  const head = PREFIX_RE.exec(line);
  if (!head) return null;
  const spec = PREFIXES.find((p) => p.word === head[1])!.spec;
  if (!TASK_SHAPES.has(spec.shape)) return null;
  const m = /^[\s:,，、;；]*([^\s:,，、;；]+)/.exec(head[2]!);
  const codeText = m?.[1]?.replace(/^[【\[(（]|[】\])）]$/g, '');
  return codeText && CODE.test(codeText) ? { codeText } : null;
}

/**
 * On a line after the first command, a verb and a word may be ordinary text ("完成 3 项审批",
 * "完成 5G 基站建设"). Such a line starts a command when its code is written as a full code —
 * letters, digits and a dash ("QY-2026-018", "LY-012"; a typo too, so it is answered, not
 * swallowed into the text above) — or, written shorter ("018" with its leading zero, "5G"), when
 * it names a task of the ledger.
 */
function laterLineStarts(codeText: string, isKnownCode: (codeText: string) => boolean): boolean {
  if (fullCode(codeText)) return true;
  return shortCode(codeText) && isKnownCode(codeText);
}
const fullCode = (c: string) => /^[A-Za-z]{2,}/.test(c) && /\d/.test(c) && /[-_]/.test(c);
const shortCode = (c: string) => (/[A-Za-z]/.test(c) && /\d/.test(c)) || /^0\d/.test(c);

/** The codes of the lines after the first that could start a command (for the caller to look up). */
export function laterCommandCodes(raw: string): string[] {
  const heads = raw.replace(/\r\n?/g, '\n').split('\n').map((line) => commandHead(canonicalCommandLine(normaliseChatText(stripListMarker(line)))));
  const first = heads.findIndex((h) => h !== null);
  return first < 0 ? [] : heads.slice(first + 1).flatMap((h) => (h && !fullCode(h.codeText) && shortCode(h.codeText) ? [h.codeText] : []));
}

/**
 * Splits a message into its commands. Each line that starts a task command ("进展 <编号> …",
 * after any list marker) begins a command; the lines after it, up to the next one, continue its
 * text. Lines before the first command (a post's title 「本周进展」, "各位领导：") are not commands.
 * A message without such a line is one command, parsed whole (so "我的任务", a one-line report, or
 * a report whose text starts on the next line read as before). `isKnownCode` says whether a code
 * names a task; it decides short codes on lines after the first (laterLineStarts) and keeps the grammar pure.
 * Returns at least one command; each carries the lines it was read from.
 */
export function parseChatMessage(raw: string, isKnownCode: (codeText: string) => boolean = () => true): { command: ChatCommand; source: string }[] {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n');
  const starts: number[] = [];
  const stripped = lines.map((line) => canonicalCommandLine(normaliseChatText(stripListMarker(line))));
  stripped.forEach((line, i) => {
    const head = commandHead(line);
    if (!head) return;
    if (starts.length === 0 || laterLineStarts(head.codeText, isKnownCode)) starts.push(i);
  });
  if (starts.length === 0) return [{ command: parseChatCommand(raw), source: raw }];
  return starts.flatMap((start, k) => {
    const end = starts[k + 1] ?? lines.length;
    const source = [stripped[start]!, ...lines.slice(start + 1, end)].join('\n');
    return forEachCode(source).map((one) => ({ command: parseChatCommand(one), source: one }));
  });
}

/** 「签收 QY-2026-011、QY-2026-018」: one command per full code listed after the verb, the same text for each. */
const LIST_VERB = new RegExp(`^(${TASK_VERB_RE})\\s*[:,，]?\\s*`);
// Sticky pieces read one after another (a single regex with a repeated group backtracked for
// seconds on a long run of letters): a full code, then a list separator.
const LISTED_CODE = /[A-Za-z]{2}[A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+/y;
const LIST_SEPARATOR = /\s*[、,，和及]\s*/y;
function forEachCode(source: string): string[] {
  const verb = LIST_VERB.exec(source);
  if (!verb) return [source];
  const codes: string[] = [];
  let at = verb[0].length;
  for (;;) {
    LISTED_CODE.lastIndex = at;
    const code = LISTED_CODE.exec(source);
    if (!code) break;
    codes.push(code[0]);
    at = LISTED_CODE.lastIndex;
    LIST_SEPARATOR.lastIndex = at;
    const sep = LIST_SEPARATOR.exec(source);
    if (!sep) break;
    LISTED_CODE.lastIndex = LIST_SEPARATOR.lastIndex;
    if (!LISTED_CODE.test(source)) break; // a separator before text, not before another code
    at = LIST_SEPARATOR.lastIndex;
  }
  if (codes.length < 2 || /^[A-Za-z0-9_-]/.test(source.slice(at))) return [source];
  const rest = source.slice(at);
  return [...new Set(codes)].slice(0, MAX_CODES_PER_LINE).map((code) => `${verb[1]} ${code}${rest.startsWith('\n') ? '' : ' '}${rest.replace(/^[\s:,，]+(?=\S)/, '')}`.trimEnd());
}
/** More codes than this on one line are not expanded further (the message limit still applies). */
const MAX_CODES_PER_LINE = 20;
