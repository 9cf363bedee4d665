// The one escaping module (src/cards/markup.ts) and the card renderer's use of it: ledger text is
// escaped wherever it lands in markup, markup we write stays markup, and mixing the two up fails
// loudly instead of escaping twice or not at all.
import { describe, expect, it } from 'vitest';
import { escape, joinMd, md, replaceIn, trustedMd, txt } from '../../src/cards/markup.js';
import { markdownElement, renderCard } from '../../src/cards/render.js';
import { noticeCard } from '../../src/chat/cards.js';

const AT_ALL = '<at id=all></at>';
const LINK = '[点此重新登录](https://example.invalid)';

describe('escape', () => {
  it('card markdown: Feishu\'s numeric entities for every markdown character', () => {
    expect(escape(AT_ALL, 'md')).toBe('&#60;at id=all&#62;&#60;/at&#62;');
    expect(escape(LINK, 'md')).toBe('&#91;点此重新登录&#93;&#40;https://example.invalid&#41;');
    expect(escape('**粗** _斜_ ~~删~~ `码` # | \\ $ & 1', 'md')).toBe('&#42;&#42;粗&#42;&#42; &#95;斜&#95; &#126;&#126;删&#126;&#126; &#96;码&#96; &#35; &#124; &#92; &#36; &#38; 1');
    // An entity typed by someone shows as typed, it is not decoded into a tag.
    expect(escape('&#60;at id=all&#62;', 'md')).toBe('&#38;&#35;60;at id=all&#38;&#35;62;');
    expect(escape('a\n\n\n\n\nb', 'md')).toBe('a\n\nb');
  });

  it('text messages: the tag, bold and link characters become full-width look-alikes', () => {
    expect(escape('<at user_id="all"></at>', 'text')).toBe('＜at user_id="all"＞＜/at＞');
    expect(escape(LINK, 'text')).toBe('［点此重新登录］(https://example.invalid)');
    expect(escape('**粗** <i>斜</i>', 'text')).toBe('＊＊粗＊＊ ＜i＞斜＜/i＞');
    expect(escape('进度 60%，完成 3/5 项', 'text')).toBe('进度 60%，完成 3/5 项');
  });
});

describe('md`…` and txt`…`', () => {
  it('escape what they interpolate and keep what we wrote', () => {
    const name = `城关街道${AT_ALL}`;
    expect(md`**${name}**　${3} 项`.source).toBe('**城关街道&#60;at id=all&#62;&#60;/at&#62;**　3 项');
    expect(md`${trustedMd("<font color='grey'>灰</font>")} ${null}${undefined}${false}`.source).toBe("<font color='grey'>灰</font> ");
    expect(md`外 ${md`内 ${LINK}`}`.source).toBe('外 内 &#91;点此重新登录&#93;&#40;https://example.invalid&#41;');
    expect(txt`已向${name}发出`.source).toBe('已向城关街道＜at id=all＞＜/at＞发出');
    expect(joinMd(['a*', md`**b**`]).source).toBe('a&#42;\n**b**');
  });

  it('refuse to be mixed up: markup into a plain string, or card markdown into a text', () => {
    const m = md`**x**`;
    expect(() => `${m as unknown as string}`).toThrow(/Md/);
    expect(() => txt`${m as unknown as string}`).toThrow(/文本消息/);
    expect(() => md`${txt`x` as unknown as string}`).toThrow(/卡片/);
  });

  it('replace a placeholder with an escaped value', () => {
    expect(replaceIn(txt`示例：进展 LY-012 完成`, 'LY-012', 'QY-2026-011').source).toBe('示例：进展 QY-2026-011 完成');
    expect(replaceIn(md`进展 LY-012`, 'LY-012', 'A*B').source).toBe('进展 A&#42;B');
  });
});

describe('the card renderer', () => {
  it('escapes {{vars}} inside markdown elements by default, keeps Md, leaves plain_text as written', () => {
    const card = noticeCard(`标题${AT_ALL}`, md`**${LINK}**`, 'blue', [markdownElement(md`${AT_ALL}`)]);
    const json = JSON.stringify(card['body']);
    expect(json).not.toContain('<at');
    expect(json).not.toContain('](');
    // The header is plain text: shown as written (Feishu does not render markup there).
    expect((card['header'] as { title: { content: string } }).title.content).toBe(`标题${AT_ALL}`);
    const body = (card['body'] as { elements: { content: string }[] }).elements;
    expect(body[0]!.content).toBe('**&#91;点此重新登录&#93;&#40;https://example.invalid&#41;**');
    expect(body[1]!.content).toBe('&#60;at id=all&#62;&#60;/at&#62;');
  });

  it('a plain string given where a template expects markdown is escaped, not trusted', () => {
    const card = renderCard('notice', { title: 't', body: `**${AT_ALL}**`, headerColor: 'blue', extra: [] });
    expect((card['body'] as { elements: { content: string }[] }).elements[0]!.content).toBe('&#42;&#42;&#60;at id=all&#62;&#60;/at&#62;&#42;&#42;');
  });

  it('refuses markdown where the template wants plain text', () => {
    expect(() => renderCard('notice', { title: md`**t**`, body: md`b`, headerColor: 'blue', extra: [] })).toThrow(/纯文本/);
  });
});
