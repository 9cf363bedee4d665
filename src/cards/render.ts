// Renders the Feishu card templates kept in cards/*.json (card JSON 2.0). A template is plain card
// JSON plus three small conventions, so the files stay readable for whoever edits the wording:
//   "{{name}}" inside a string   → the value of `name`. In a markdown element's `content` the value
//                                  is ESCAPED (markup.ts) unless it is an `Md` (markup built with
//                                  md`…`/trustedMd): ledger text can never become markup, @all or a
//                                  link. Elsewhere (plain_text, values) it is inserted as it is, and an
//                                  `Md` there is an error. A string that is exactly "{{name}}" outside
//                                  markdown takes the raw value (number, object…); undefined drops it.
//   { "$slot": "name" }          → in an array: replaced by the elements in `name` (an array; build
//                                  markdown elements with markdownElement(md`…`))
//   { "$if": "name", ... }       → kept (without "$if") only when `name` is truthy; "$if": "!name" negates
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { escape, Md, trustedMd } from './markup.js';

export type Card = Record<string, unknown>;
export type CardVars = Record<string, unknown>;

const CARDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cards');
const cache = new Map<string, unknown>();

/** Feishu's limit for a whole card (230025): 30 KB. */
export const FEISHU_CARD_LIMIT_BYTES = 30 * 1024;

/**
 * What a card may fill: 25 KB, not Feishu's 30 KB. Feishu measures the card after rendering and
 * counts style tags on top of the request (「若消息中包含大量样式标签，会使实际消息体长度大于传入的请求体长度」,
 * https://open.feishu.cn/document/server-docs/im-v1/message/create, 230025): a card filled to the
 * last byte of 30 KB can be refused.
 */
export const CARD_MAX_BYTES = 25 * 1024;

/** A card over CARD_MAX_BYTES (renderFitting catches it and cuts the lists shorter). */
export class CardTooLargeError extends Error {
  constructor(
    readonly template: string,
    readonly bytes: number,
  ) {
    super(`卡片 ${template} 超过 ${CARD_MAX_BYTES / 1024} KB 的预算（${bytes} 字节）：请用 truncateList 截断列表`);
  }
}

export function loadTemplate(name: string): unknown {
  let t = cache.get(name);
  if (t === undefined) {
    t = JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8'));
    cache.set(name, t);
  }
  return t;
}

export function renderCard(name: string, vars: CardVars): Card {
  const card = render(loadTemplate(name), vars, name) as Card;
  const size = Buffer.byteLength(JSON.stringify(card));
  if (size > CARD_MAX_BYTES) throw new CardTooLargeError(name, size);
  return card;
}

function truthy(vars: CardVars, cond: string): boolean {
  const negate = cond.startsWith('!');
  const v = vars[negate ? cond.slice(1) : cond];
  const t = Array.isArray(v) ? v.length > 0 : v instanceof Md ? v.source !== '' : Boolean(v);
  return negate ? !t : t;
}

/** Element tags whose `content` is card markdown. */
const MARKDOWN_TAGS = new Set(['markdown', 'lark_md']);

function render(node: unknown, vars: CardVars, where: string, markdown = false): unknown {
  if (typeof node === 'string') {
    const value = (key: string): unknown => {
      if (!(key in vars)) throw new Error(`卡片模板 ${where} 缺少变量 ${key}`);
      return vars[key];
    };
    const whole = /^\{\{(\w+)\}\}$/.exec(node);
    if (whole && !markdown) {
      const v = value(whole[1]!);
      if (v instanceof Md) throw new Error(`卡片模板 ${where} 的 ${whole[1]} 是 markdown，不能用在纯文本处`);
      return v;
    }
    return node.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const v = value(key);
      if (v === null || v === undefined) return '';
      if (markdown) return v instanceof Md ? v.source : escape(String(v), 'md');
      if (v instanceof Md) throw new Error(`卡片模板 ${where} 的 ${key} 是 markdown，不能用在纯文本处`);
      return String(v);
    });
  }
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    for (const item of node) {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        const obj = item as Record<string, unknown>;
        if (typeof obj.$slot === 'string') {
          const list = vars[obj.$slot];
          if (list !== undefined && !Array.isArray(list)) throw new Error(`卡片模板 ${where} 的 ${obj.$slot} 应为数组`);
          out.push(...((list as unknown[] | undefined) ?? []));
          continue;
        }
        if (typeof obj.$if === 'string' && !truthy(vars, obj.$if)) continue;
      }
      out.push(render(item, vars, where));
    }
    return out;
  }
  if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    const isMarkdown = typeof obj.tag === 'string' && MARKDOWN_TAGS.has(obj.tag);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k === '$if') continue;
      const value = render(v, vars, where, isMarkdown && k === 'content');
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  return node;
}

/** First `max` items, plus how many were left out ("等 N 项"), so a card never overflows. */
export function truncateList<T>(items: readonly T[], max: number): { shown: T[]; more: number; moreText: string } {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  return { shown, more, moreText: more > 0 ? `…等 ${items.length} 项（另有 ${more} 项未列出）` : '' };
}

// Small element builders for the lists templates slot in. A markdown element takes `Md` only.
export const markdownElement = (content: Md): Card => ({ tag: 'markdown', content: content.source });
export const hr = (): Card => ({ tag: 'hr' });

export const LEVEL_TAG: Record<string, Md> = {
  red: trustedMd("<text_tag color='red'>红色</text_tag>"),
  yellow: trustedMd("<text_tag color='orange'>黄色</text_tag>"),
  blue: trustedMd("<text_tag color='blue'>蓝色</text_tag>"),
  none: trustedMd("<text_tag color='neutral'>正常</text_tag>"),
};
/** Header colour (header.template) for a supervision level. */
export const LEVEL_HEADER: Record<string, string> = { red: 'red', yellow: 'orange', blue: 'blue', none: 'green' };

export function button(text: string, value: Record<string, unknown>, type = 'default', extra: Card = {}): Card {
  return { tag: 'button', text: { tag: 'plain_text', content: text }, type, behaviors: [{ type: 'callback', value }], ...extra };
}
