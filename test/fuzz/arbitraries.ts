// Hostile input for the fuzz suites: random Unicode (graphemes and raw code points), control
// characters, emoji, half emoji (lone surrogates), SQL and markdown / @-mention injection, numbers
// as strings, huge strings.
//
// FUZZ_SKIP_KNOWN=1 leaves out the inputs that trigger the bugs reported in the fuzz report (lone
// surrogates, NUL, "<at") so the properties can look past them for new ones; by default they are in.
import fc from 'fast-check';
import { normaliseChatText } from '../../src/chat/parse.js';

export const SKIP_KNOWN = process.env.FUZZ_SKIP_KNOWN === '1';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** True when a string has no half of a surrogate pair (what String#isWellFormed says in ES2024). */
export const isWellFormed = (s: string) => !LONE_SURROGATE.test(s);
/** Reported bug: a separator right after the verb ("进展 ，…") makes parseChatCommand throw. */
export const hitsSeparatorCrash = (s: string) =>
  /^(进展|进度|汇报|报送|问题|困难|完成|办结|催办)\s*:?\s*[:,，、]/.test(normaliseChatText(s.replace(/@_user_\d+|@_all\b/g, ' ')));
const triggersKnownBug = (s: string) => !isWellFormed(s) || s.includes('\u0000') || /<at\b/i.test(s) || hitsSeparatorCrash(s);
export const unlessKnown = (s: string) => !SKIP_KNOWN || !triggersKnownBug(s);

export const CONTROL_CHARS = [
  '\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\u000b', '\f', '\r', '\u001b', '\u001f', '\u007f',
  '\u0085', '\u00a0', '\u200b', '\u200d', '\u200e', '\u202e', '\u2028', '\u2029', '\u3000', '\ufeff',
];
export const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧', '🇨🇳', '❤️', '🧧', '🀄', '𠀀', '𪚥'];
export const INJECTIONS = [
  `'; DROP TABLE "Task";--`, `1; DELETE FROM "ProgressReport" WHERE 1=1`, `" OR "1"="1`, `\\'; --`,
  '<at id=all></at>', '<at user_id="all">所有人</at>', '<at id="ou_demo_office_zhou"></at>',
  '**粗体** __下划线__ ~~删除~~ `code` [链接](https://evil.example) ![图](img_v2_x)', '# 标题\n> 引用\n| a | b |',
  '<font color=red>红</font>', '<script>alert(1)</script>', '{{title}}', '${process.exit(1)}', '%s%s%n', '\\u0000',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  'NaN', 'Infinity', '-0', '1e309', ' 12 ', '0x10', '12abc', 'null', 'undefined', 'true', '[]', '{}',
  '=cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '+1+1', '-2+3',
];

export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Short hostile strings (up to ~maxLength units). */
export function hostileString(maxLength = 40): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    { weight: 2, arbitrary: fc.constantFrom(...CONTROL_CHARS) },
    { weight: 2, arbitrary: fc.constantFrom(...EMOJI) },
    { weight: 1, arbitrary: loneSurrogate },
    { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS) },
    { weight: 3, arbitrary: fc.constantFrom('进展', '问题', '完成', '催办', '台账', '我的任务', '帮助', '：', ':', '％', '%', '60%', '６０％', 'QY-2026-018', 'ＱＹ－２０２６－０１８', '018', ' ', '　', '，', '【', '】') },
  );
  return fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('').slice(0, maxLength)).filter(unlessKnown);
}

/** 1,990–2,010 or 10,000–60,000 characters: around the 2,000-character report limit and far past it. */
export const hugeString: fc.Arbitrary<string> = fc.tuple(
  fc.oneof(fc.integer({ min: 1_990, max: 2_010 }), fc.integer({ min: 10_000, max: 60_000 })),
  fc.constantFrom('进', 'a', '😀', '<', '&', ' ', '\n', '%'),
).map(([n, ch]) => ch.repeat(Math.ceil(n / ch.length)));
