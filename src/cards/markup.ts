// The one escaping module: everything the bot says that came from the ledger or from a person
// (unit and person names, task titles, report texts, reasons, codes) passes `escape` on its way into
// a card's markdown or a text message. Both are markup on Feishu's side:
//  - card markdown (JSON 2.0 `markdown` element) renders `<at id=all></at>`, `[文字](链接)`,
//    `<font>`, `**`…; Feishu documents the escape as numeric entities (`&#60;` `&#62;` `&#38;`…):
//    https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/rich-text
//    (「特殊字符转义说明」);
//  - a text message renders `<at user_id="all"></at>`, `**bold**`, `<i> <u> <s>` and `[文字](链接)`
//    and documents no escape at all:
//    https://open.feishu.cn/document/server-docs/im-v1/message-content-description/create_json
//    (「文本 text」), so the markup characters become their full-width look-alikes there.
//
// Making it hard to forget: markup is a type. `Md` (card markdown) and `SafeText` (a text message)
// are only made by the tagged templates `md` and `txt`, which escape every string they interpolate
// and keep `Md`/`SafeText` values as they are; raw markup has to be asked for by name
// (`trustedMd`, `trustedText`: constant markup written in our code, never ledger text). The card
// renderer (render.ts) escapes every `{{var}}` that lands in a markdown element unless the value
// is an `Md`; the outbox's text helper (src/chat/say.ts) takes only `SafeText`.

export type MarkupContext = 'md' | 'text';

/** Card markdown: numeric entities for every character Feishu's markdown gives a meaning to. */
const MD_ESCAPES: Record<string, string> = {
  '&': '&#38;', '<': '&#60;', '>': '&#62;', '*': '&#42;', '_': '&#95;', '~': '&#126;', '`': '&#96;',
  '[': '&#91;', ']': '&#93;', '(': '&#40;', ')': '&#41;', '#': '&#35;', '|': '&#124;', '\\': '&#92;', '$': '&#36;',
};
const MD_SPECIALS = /[&<>*_~`[\]()#|\\$]/g;

/** Text messages have no escape: the tag and link characters become full-width look-alikes. */
const TEXT_ESCAPES: Record<string, string> = { '<': '＜', '>': '＞', '[': '［', ']': '］', '*': '＊' };
const TEXT_SPECIALS = /[<>[\]*]/g;

/**
 * THE escaping function: `s` as literal text in a card's markdown (`md`) or a text message
 * (`text`). In markdown, runs of blank lines are cut to one (a name cannot push a card apart).
 */
export function escape(s: string, context: MarkupContext): string {
  if (context === 'md') return s.replace(MD_SPECIALS, (ch) => MD_ESCAPES[ch]!).replace(/\n{3,}/g, '\n\n');
  return s.replace(TEXT_SPECIALS, (ch) => TEXT_ESCAPES[ch]!);
}

/** Feishu card markdown that is safe to insert as it is. */
export class Md {
  /** Use `md` or `trustedMd`. */
  private constructor(readonly source: string) {}
  /** @internal */
  static of(source: string): Md {
    return new Md(source);
  }
  /** Never silently: `${m}` in a plain template literal would drop the type and escape twice. */
  toString(): string {
    throw new Error('Md 只能放进 md`…` 或卡片模板，不能拼进普通字符串');
  }
}

/** The text of a text message, safe to send as it is. */
export class SafeText {
  /** Use `txt` or `trustedText`. */
  private constructor(readonly source: string) {}
  /** @internal */
  static of(source: string): SafeText {
    return new SafeText(source);
  }
  /** Never silently: see Md.toString. */
  toString(): string {
    throw new Error('SafeText 只能放进 txt`…`，不能拼进普通字符串');
  }
}

/** What a template may interpolate: strings are escaped, numbers shown, null/undefined/false left out. */
export type MdPart = Md | string | number | null | undefined | false;
export type TextPart = SafeText | string | number | null | undefined | false;

function part(v: MdPart | TextPart, context: MarkupContext): string {
  if (v instanceof Md) {
    if (context !== 'md') throw new Error('卡片 markdown 不能直接放进文本消息');
    return v.source;
  }
  if (v instanceof SafeText) {
    if (context !== 'text') throw new Error('文本消息不能直接放进卡片 markdown');
    return v.source;
  }
  if (v === null || v === undefined || v === false) return '';
  return escape(String(v), context);
}

/** md`**${title}** ${levelTag}`: the literal parts are markup, every interpolated string is escaped. */
export function md(strings: TemplateStringsArray, ...values: MdPart[]): Md {
  let out = strings[0]!;
  values.forEach((v, i) => (out += part(v, 'md') + strings[i + 1]!));
  return Md.of(out);
}

/** txt`没有看懂「${what}」`: a text message whose interpolated strings are escaped. */
export function txt(strings: TemplateStringsArray, ...values: TextPart[]): SafeText {
  let out = strings[0]!;
  values.forEach((v, i) => (out += part(v, 'text') + strings[i + 1]!));
  return SafeText.of(out);
}

/** Markup written in our own code (tags, colours, constant wording) — never ledger or user text. */
export function trustedMd(source: string): Md {
  return Md.of(source);
}

/** Constant text written in our own code — never ledger or user text. */
export function trustedText(source: string): SafeText {
  return SafeText.of(source);
}

/** Escapes a plain string for markdown (an `Md` passes through). */
export function toMd(v: MdPart): Md {
  return v instanceof Md ? v : Md.of(part(v, 'md'));
}

/** Escapes a plain string for a text message (a `SafeText` passes through). */
export function toText(v: TextPart): SafeText {
  return v instanceof SafeText ? v : SafeText.of(part(v, 'text'));
}

/** Joins markdown pieces (strings among them are escaped). */
export function joinMd(parts: readonly MdPart[], separator = '\n'): Md {
  return Md.of(parts.map((p) => part(p, 'md')).join(escape(separator, 'md')));
}

/** Joins text pieces (strings among them are escaped). */
export function joinText(parts: readonly TextPart[], separator = '\n'): SafeText {
  return SafeText.of(parts.map((p) => part(p, 'text')).join(escape(separator, 'text')));
}

/** Replaces every `from` (a literal) in markup with an escaped `to` — e.g. a placeholder code. */
export function replaceIn<T extends Md | SafeText>(m: T, from: string, to: string): T {
  if (m instanceof Md) return Md.of(m.source.split(escape(from, 'md')).join(escape(to, 'md'))) as T;
  return SafeText.of(m.source.split(escape(from, 'text')).join(escape(to, 'text'))) as T;
}
