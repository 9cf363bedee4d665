// Renders the Feishu card templates kept in cards/*.json (card JSON 2.0). A template is plain card
// JSON plus three small conventions, so the files stay readable for whoever edits the wording:
//   "{{name}}" inside a string   → the value of `name` (text is inserted as is; see mdEscape);
//                                  a string that is exactly "{{name}}" takes the raw value (number,
//                                  object…), and an undefined one drops the property
//   { "$slot": "name" }          → in an array: replaced by the elements in `name` (an array)
//   { "$if": "name", ... }       → kept (without "$if") only when `name` is truthy; "$if": "!name" negates
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
  const t = Array.isArray(v) ? v.length > 0 : Boolean(v);
  return negate ? !t : t;
}

function render(node: unknown, vars: CardVars, where: string): unknown {
  if (typeof node === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(node);
    if (whole) {
      if (!(whole[1]! in vars)) throw new Error(`卡片模板 ${where} 缺少变量 ${whole[1]}`);
      return vars[whole[1]!];
    }
    return node.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      if (!(key in vars)) throw new Error(`卡片模板 ${where} 缺少变量 ${key}`);
      const v = vars[key];
      return v === null || v === undefined ? '' : String(v);
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
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$if') continue;
      const value = render(v, vars, where);
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  return node;
}

const MD_ENTITIES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '*': '&#42;', '_': '&#95;', '~': '&#126;', '`': '&#96;',
  '[': '&#91;', ']': '&#93;', '#': '&#35;', '|': '&#124;',
};

/**
 * Escapes user text that goes into a markdown element (as HTML entities, which Feishu's card
 * markdown renders literally), so a typed "**" or "<at id=all></at>" stays text and cannot @all.
 */
export function mdEscape(text: string): string {
  return text.replace(/[&<>*_~`\[\]#|]/g, (ch) => MD_ENTITIES[ch]!).replace(/\n{3,}/g, '\n\n');
}

/** First `max` items, plus how many were left out ("等 N 项"), so a card never overflows. */
export function truncateList<T>(items: readonly T[], max: number): { shown: T[]; more: number; moreText: string } {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  return { shown, more, moreText: more > 0 ? `…等 ${items.length} 项（另有 ${more} 项未列出）` : '' };
}

// Small element builders for the lists templates slot in.
export const md = (content: string): Card => ({ tag: 'markdown', content });
export const hr = (): Card => ({ tag: 'hr' });

export const LEVEL_TAG: Record<string, string> = {
  red: "<text_tag color='red'>红色</text_tag>",
  yellow: "<text_tag color='orange'>黄色</text_tag>",
  blue: "<text_tag color='blue'>蓝色</text_tag>",
  none: "<text_tag color='neutral'>正常</text_tag>",
};
/** Header colour (header.template) for a supervision level. */
export const LEVEL_HEADER: Record<string, string> = { red: 'red', yellow: 'orange', blue: 'blue', none: 'green' };

export function button(text: string, value: Record<string, unknown>, type = 'default', extra: Card = {}): Card {
  return { tag: 'button', text: { tag: 'plain_text', content: text }, type, behaviors: [{ type: 'callback', value }], ...extra };
}
