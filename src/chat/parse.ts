// The chat grammar (DESIGN §3). Pure: text in, command out. Tolerates full-width punctuation and
// digits, extra spaces, lower-case codes and codes without their prefix (resolved later against
// the ledger). Anything not understood becomes a 'malformed' or 'unknown' command that says what
// was understood, what is missing, and gives an example — never silence.

import { charCount, truncate } from '../core/text.js';

export type ReportVerb = 'progress' | 'problem' | 'complete' | 'urge';

export type ChatCommand =
  | { kind: ReportVerb; codeText: string; text: string; percent: number | null }
  | { kind: 'myTasks' }
  | { kind: 'ledger'; unitName: string | null }
  | { kind: 'help' }
  | { kind: 'malformed'; verb: string; problem: string; example: string }
  | { kind: 'unknown'; text: string };

export const EXAMPLES: Record<ReportVerb, string> = {
  progress: '进展 LY-012 完成方案起草，下步征求意见 60%',
  problem: '问题 LY-012 用地指标不足',
  complete: '完成 LY-012 已印发实施方案',
  urge: '催办 LY-012 请本周内报送',
};

const VERBS: Record<string, ReportVerb> = {
  进展: 'progress', 进度: 'progress', 汇报: 'progress', 报送: 'progress',
  问题: 'problem', 困难: 'problem',
  完成: 'complete', 办结: 'complete',
  催办: 'urge',
};
const LABELS: Record<ReportVerb, string> = { progress: '进展', problem: '问题', complete: '完成', urge: '催办' };

/** A task code as typed: letters/digits joined by dashes, or a bare serial ("012"). */
const CODE = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/;
const MAX_TEXT = 2000;

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

export function parseChatCommand(raw: string): ChatCommand {
  const text = normaliseChatText(raw);
  if (text === '') return { kind: 'help' };
  const compact = text.replace(/\s+/g, '');
  if (/^(帮助|help|\?|菜单|使用说明)$/i.test(compact)) return { kind: 'help' };
  if (/^(我的任务|任务|我的事项|事项)$/.test(compact)) return { kind: 'myTasks' };
  const ledger = /^台账(?:\s*:?\s*(.*))?$/s.exec(text);
  if (ledger) {
    const unit = (ledger[1] ?? '').trim();
    return { kind: 'ledger', unitName: unit === '' ? null : unit };
  }

  const head = /^(进展|进度|汇报|报送|问题|困难|完成|办结|催办)\s*:?\s*(.*)$/s.exec(text);
  if (!head) return { kind: 'unknown', text: truncate(text, 100, '') };
  const verb = VERBS[head[1]!]!;
  // Separators typed before the code ("进展，LY-012 …", "进展:: …") are not part of it.
  const rest = head[2]!.replace(/^[\s:,，、;；]+/, '').trim();
  const label = LABELS[verb];
  if (rest === '') return { kind: 'malformed', verb: label, problem: '缺少事项编号和内容', example: EXAMPLES[verb] };

  // The code is the first token; ":" "," or a space may follow it.
  const m = /^([^\s:,，、;；]+)\s*[:,，、;；]?\s*(.*)$/s.exec(rest);
  if (!m) return { kind: 'malformed', verb: label, problem: '缺少事项编号', example: EXAMPLES[verb] };
  const codeText = m[1]!.replace(/^[【\[(（]|[】\])）]$/g, '');
  if (!CODE.test(codeText)) {
    return { kind: 'malformed', verb: label, problem: `没有识别出事项编号（「${truncate(codeText, 20)}」不像编号）`, example: EXAMPLES[verb] };
  }
  let body = m[2]!.trim();
  let percent: number | null = null;
  if (verb === 'progress') {
    // Only a percent at the end is the progress ("…提高到85%，下步…" keeps its 85% in the text).
    const pm = /(?:进度|完成度)?\s*(\d{1,3}(?:\.\d+)?)\s*%[\s,，。;；!！]*$/.exec(body);
    if (pm) {
      const value = Number(pm[1]);
      if (value > 100) return { kind: 'malformed', verb: label, problem: `进度 ${pm[1]}% 超过了 100%`, example: EXAMPLES[verb] };
      percent = Math.round(value);
      body = (body.slice(0, pm.index) + body.slice(pm.index + pm[0].length)).replace(/[\s,，;；。]+$/, '').trim();
    }
  }
  if (body === '') {
    const what = verb === 'urge' ? '催办要求' : verb === 'problem' ? '问题描述' : verb === 'complete' ? '完成情况' : '进展内容';
    return { kind: 'malformed', verb: label, problem: `缺少${what}`, example: EXAMPLES[verb] };
  }
  if (charCount(body) > MAX_TEXT) return { kind: 'malformed', verb: label, problem: `内容过长（${charCount(body)} 字，最多 ${MAX_TEXT} 字）`, example: EXAMPLES[verb] };
  return { kind: verb, codeText, text: body, percent };
}
