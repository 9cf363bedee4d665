// The chat grammar (DESIGN §3). Pure: text in, command out, driven by the table in verbs.ts.
// Tolerates full-width punctuation and digits, extra spaces, lower-case codes and codes without
// their prefix (resolved later against the ledger). Anything not understood becomes a 'malformed'
// or 'unknown' command that says what was understood, what is missing, and gives an example —
// never silence.

import { charCount, truncate } from '../core/text.js';
import {
  COMMANDS, type CodeKind, type CodeOptTextKind, type CodeTextKind, type CommandSpec, type OptTextKind,
  type ReportKind, type TextKind,
} from './verbs.js';

export type ReportVerb = ReportKind;

/** One command type per kind in K (so Extract<…, {kind: K}> finds it); nothing while K is empty. */
type Of<K extends string, Fields> = K extends string ? { kind: K } & Fields : never;

export type ChatCommand =
  | Of<ReportKind, { codeText: string; text: string; percent: number | null }>
  | { kind: 'myTasks' }
  | { kind: 'help' }
  | { kind: 'ledger'; unitName: string | null }
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
    // The same dashes codeKey() folds, so "LY‑012" (U+2011) is a code here too.
    .replace(/[‐‑‒–—―－]/g, '-')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Every prefix word of the table, longest first, with its command. */
const PREFIXES: { word: string; spec: CommandSpec }[] = SPECS.filter((c) => c.shape !== 'exact')
  .flatMap((spec) => spec.words.map((word) => ({ word, spec })))
  .sort((a, b) => b.word.length - a.word.length);
const PREFIX_RE = new RegExp(`^(${PREFIXES.map((p) => escapeRe(p.word)).join('|')})\\s*:?\\s*(.*)$`, 's');

/** Parses one message (or one line of one) into a command. Never throws. */
export function parseChatCommand(raw: string): ChatCommand {
  const text = normaliseChatText(raw);
  if (text === '') return { kind: 'help' };
  const compact = text.replace(/\s+/g, '');
  for (const spec of SPECS) {
    if (spec.shape !== 'exact') continue;
    const hit = spec.caseInsensitive ? spec.words.some((w) => w.toLowerCase() === compact.toLowerCase()) : spec.words.includes(compact);
    if (hit) return { kind: spec.kind } as ChatCommand;
  }
  const head = PREFIX_RE.exec(text);
  if (!head) return { kind: 'unknown', text: truncate(text, 100, '') };
  const spec = PREFIXES.find((p) => p.word === head[1])!.spec;
  return parseArgs(spec, head[2]!);
}

function malformed(spec: CommandSpec, problem: string): ChatCommand {
  return { kind: 'malformed', verb: spec.label, problem, example: spec.example };
}

function parseArgs(spec: CommandSpec, after: string): ChatCommand {
  if (spec.shape === 'unit') {
    const unit = after.trim();
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
  const m = /^([^\s:,，、;；]+)\s*[:,，、;；]?\s*(.*)$/s.exec(rest);
  if (!m) return malformed(spec, '缺少事项编号');
  const codeText = m[1]!.replace(/^[【\[(（]|[】\])）]$/g, '');
  if (!CODE.test(codeText)) return malformed(spec, `没有识别出事项编号（「${truncate(codeText, 20)}」不像编号）`);
  let body = m[2]!.trim();
  if (spec.shape === 'code') return { kind: spec.kind, codeText } as ChatCommand;

  let percent: number | null = null;
  if (spec.percent) {
    // Only a percent at the end is the progress ("…提高到85%，下步…" keeps its 85% in the text).
    const pm = /(?:进度|完成度)?\s*(\d{1,3}(?:\.\d+)?)\s*%[\s,，。;；!！]*$/.exec(body);
    if (pm) {
      const value = Number(pm[1]);
      if (value > 100) return malformed(spec, `进度 ${pm[1]}% 超过了 100%`);
      percent = Math.round(value);
      body = (body.slice(0, pm.index) + body.slice(pm.index + pm[0].length)).replace(/[\s,，;；。]+$/, '').trim();
    }
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
