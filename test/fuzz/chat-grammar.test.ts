// Issue 6 — the chat grammar (src/chat/parse.ts) under random and hostile text: it never throws,
// always returns one of the documented kinds with a sane shape, a malformed command always says in
// Chinese what is wrong and gives an example, and a well-formed command built from parts survives
// any width / spacing / case / separator noise (DESIGN §3).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, normaliseChatText, parseChatCommand, type ChatCommand, type ReportVerb } from '../../src/chat/parse.js';
import { codeKey } from '../../src/core/codes.js';
import { CONTROL_CHARS, EMOJI, INJECTIONS, SKIP_KNOWN, hitsSeparatorCrash, hostileString, hugeString, isWellFormed, loneSurrogate, unlessKnown } from './arbitraries.js';
import { CHINESE, runs } from './harness.js';

const MAX_TEXT = 2000;
const VERB_WORDS: Record<ReportVerb, string[]> = {
  progress: ['进展', '进度', '汇报', '报送'], problem: ['问题', '困难'], complete: ['完成', '办结'], urge: ['催办'], achievement: ['成果', '报成果'],
};
const LABEL: Record<ReportVerb, string> = { progress: '进展', problem: '问题', complete: '完成', urge: '催办', achievement: '成果' };
const REPORT_KINDS = ['progress', 'problem', 'complete', 'urge', 'achievement'] as const;
const CODE = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/;

/** Strings of every kind: random Unicode, control characters, emoji, injections, command words, huge. */
const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...CONTROL_CHARS), maxLength: 20 }) },
  { weight: 4, arbitrary: hostileString(120) },
  { weight: 4, arbitrary: fc.tuple(
    fc.constantFrom('', ' ', '\u3000', '\n', '@_user_1 ', '\u200b'),
    fc.constantFrom(...Object.values(VERB_WORDS).flat(), '台账', '我的任务', '任务', '帮助', 'HELP', '?'),
    fc.constantFrom('', ' ', '：', ':', '  ', '\t', '\n', '，', '、', ',', '::', ' ： '),
    hostileString(60),
  ).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
).filter(unlessKnown);

function expectShape(c: ChatCommand) {
  switch (c.kind) {
    case 'progress': case 'problem': case 'complete': case 'urge': case 'achievement':
      expect(c.codeText).toMatch(CODE);
      expect(c.text.length).toBeGreaterThan(0);
      expect(c.text.length).toBeLessThanOrEqual(MAX_TEXT);
      expect(c.text).toBe(c.text.trim());
      if (c.kind === 'progress') {
        if (c.percent !== null) {
          expect(Number.isInteger(c.percent)).toBe(true);
          expect(c.percent).toBeGreaterThanOrEqual(0);
          expect(c.percent).toBeLessThanOrEqual(100);
        }
      } else expect(c.percent).toBeNull();
      return;
    case 'malformed':
      expect(Object.values(LABEL)).toContain(c.verb);
      expect(c.problem).toMatch(CHINESE);
      expect(c.example).toBe(EXAMPLES[REPORT_KINDS.find((k) => LABEL[k] === c.verb)!]);
      expect(c.example.startsWith(c.verb)).toBe(true);
      return;
    case 'unknown':
      expect(c.text.length).toBeGreaterThan(0);
      expect(Array.from(c.text).length).toBeLessThanOrEqual(100);
      return;
    case 'ledger':
      if (c.unitName !== null) {
        expect(c.unitName.length).toBeGreaterThan(0);
        expect(c.unitName).toBe(c.unitName.trim());
      }
      return;
    case 'myTasks': case 'help':
      expect(Object.keys(c)).toEqual(['kind']);
      return;
    default:
      throw new Error(`undocumented kind: ${JSON.stringify(c)}`);
  }
}

// ---- builders for well-formed commands with noise

const toFullWidth = (ch: string) => (/[A-Za-z0-9%\-]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch);
/** Each character of a code, randomly full-width and/or case-flipped; dashes as any dash the grammar folds. */
const noisyCode = (code: string) => fc.tuple(...Array.from(code).map((ch) => {
  if (ch === '-') return fc.constantFrom('-', '－', '—', '–');
  return fc.tuple(fc.boolean(), fc.boolean()).map(([wide, flip]) => {
    const c = flip ? (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    return wide ? toFullWidth(c) : c;
  });
})).map((chars) => chars.join(''));
const codeArb = fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,6}$/), { minLength: 1, maxLength: 4 }).chain((segs) =>
  fc.constantFrom('-', '_').map((sep) => segs.join(sep)));
const bracket = fc.constantFrom(['', ''], ['【', '】'], ['[', ']'], ['(', ')'], ['（', '）']);
const space = fc.constantFrom(' ', '  ', '\u3000', '\t', ' \u3000 ', '\u200b ');
/** Report text: starts with a Chinese character, no % sign, no percent label at its end. */
const CJK = Array.from('推进方案起草征求意见已召开会议协调用地指标不足印发实施细则村镇社区试点扩面两个');
const bodyArb = fc.tuple(
  fc.constantFrom(...CJK),
  fc.array(fc.oneof(fc.constantFrom(...CJK), fc.constantFrom('，', '。', '；', '、', ' ', 'A', 'b', '3', '😀', '👨‍👩‍👧', '**', '<at id=all></at>')), { maxLength: 80 }),
).map(([first, rest]) => first + rest.join(''));
const percentArb = fc.tuple(fc.integer({ min: 0, max: 100 }), fc.boolean(), fc.constantFrom('%', '％'), fc.constantFrom(' ', '，', '  ', ', ', ' 进度 ', '，进度', ' 完成度 '))
  .map(([n, wide, sign, lead]) => ({ n, lead, written: `${lead}${wide ? String(n).replace(/\d/g, toFullWidth) : n}${sign}` }));

describe('fuzz: chat grammar', () => {
  it('never throws and always returns a documented kind with a sane shape', () => {
    fc.assert(fc.property(anyText, (text) => {
      expectShape(parseChatCommand(text));
    }), { numRuns: runs(3000) });
  });

  it('is the same on its own normalisation (normalising twice changes nothing)', () => {
    fc.assert(fc.property(anyText, (text) => {
      const once = normaliseChatText(text);
      expect(normaliseChatText(once)).toBe(once);
      expect(parseChatCommand(once)).toEqual(parseChatCommand(text));
      // What the grammar folds is gone: full-width ASCII letters/digits, ideographic space,
      // zero-width characters, control characters other than newline.
      expect(once).not.toMatch(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000\u200b-\u200f\ufeff\u0000-\u0009\u000b-\u001f\u007f]/);
      expect(once).toBe(once.trim());
    }), { numRuns: runs(1000) });
  });

  it('round-trips a well-formed report built from parts, whatever the width, spacing, case and separators', () => {
    fc.assert(fc.property(
      fc.constantFrom(...REPORT_KINDS).chain((kind) => fc.constantFrom(...VERB_WORDS[kind]).map((word) => ({ kind, word }))),
      codeArb.chain((code) => noisyCode(code).map((noisy) => ({ code, noisy }))),
      bracket, fc.constantFrom('', ' ', '：', ':', ' ： ', '\u3000', '\n'), fc.constantFrom(' ', '：', ':', '，', ',', '、', ' , ', '\u3000', '\n'),
      bodyArb, fc.option(percentArb, { nil: undefined }), space, space,
      ({ kind, word }, { code, noisy }, [open, close], sep1, sep2, body, percent, lead, trail) => {
        // 「1 个…」: a number before a quantity is a figure, not a code (parse.ts QUANTITY_AFTER).
        fc.pre(!(/^[1-9]\d*$/.test(code) && /^[万亿千百十个家项亩元吨%％米公倍人户件座所条次天年月日村镇]/.test(body)));
        const input = `${lead}${word}${sep1}${open}${noisy}${close}${sep2}${body}${percent?.written ?? ''}${trail}`;
        const c = parseChatCommand(input);
        // A completion whose percent is named as progress (「进度 60%」) short of 100 is progress (parse.ts).
        if (kind === 'complete' && percent && /进度|完成度/.test(percent.lead) && percent.n < 100) {
          expect(c).toEqual({ kind: 'progress', codeText: expect.any(String), text: normaliseChatText(body + percent.written), percent: percent.n });
          return;
        }
        expect(c.kind).toBe(kind);
        if (c.kind !== kind) return;
        const r = c as Extract<ChatCommand, { codeText: string; percent: number | null }>;
        expect(codeKey(r.codeText)).toBe(codeKey(code));
        expect(r.codeText).toMatch(CODE);
        if (kind === 'progress') {
          // The percent (with a 进度/完成度 label in front of it) is taken out; what is left loses trailing punctuation.
          const expected = percent
            ? normaliseChatText(body + percent.lead.replace(/(进度|完成度)\s*$/, '')).replace(/[\s,，;；。]+$/, '').trim()
            : normaliseChatText(body);
          expect(r.text).toBe(expected);
          expect(r.percent).toBe(percent?.n ?? null);
        } else {
          // Only 进展 takes a percent; elsewhere it is part of the text.
          expect(r.text).toBe(normaliseChatText(body + (percent?.written ?? '')));
          expect(r.percent).toBeNull();
        }
      },
    ), { numRuns: runs(2000) });
  });

  it('recognises the query commands through spacing and case noise', () => {
    const gap = fc.constantFrom('', ' ', '\u3000', '\u200b', '\t');
    fc.assert(fc.property(fc.constantFrom('我的任务', '任务', '我的事项', '事项'), fc.array(gap, { minLength: 5, maxLength: 5 }), (word, gaps) => {
      const input = gaps[0] + Array.from(word).map((ch, i) => ch + gaps[i + 1]).join('');
      expect(parseChatCommand(input)).toEqual({ kind: 'myTasks' });
    }), { numRuns: runs(200) });
    fc.assert(fc.property(fc.constantFrom('帮助', 'help', '菜单', '使用说明', '?').chain((w) => fc.tuple(...Array.from(w).map((ch) => fc.constantFrom(ch.toLowerCase(), ch.toUpperCase(), toFullWidth(ch))))).map((cs) => cs.join('')), space,
      (word, pad) => { expect(parseChatCommand(`${pad}${word}${pad}`)).toEqual({ kind: 'help' }); }), { numRuns: runs(200) });
    fc.assert(fc.property(fc.constantFrom('', ' ', '：', ':', ' ： ', '\u3000'), fc.constantFrom('石堡镇', '城关街道', '县委改革办', '县'), space, (sep, unit, pad) => {
      expect(parseChatCommand(`${pad}台账${sep}${unit}${pad}`)).toEqual({ kind: 'ledger', unitName: unit });
    }), { numRuns: runs(200) });
  });

  it('says what is missing, in Chinese, with the example for that verb', () => {
    fc.assert(fc.property(fc.constantFrom(...REPORT_KINDS).chain((k) => fc.constantFrom(...VERB_WORDS[k]).map((w) => [k, w] as const)), codeArb, space,
      fc.constantFrom(...CJK), fc.integer({ min: 101, max: 999 }),
      ([kind, word], code, pad, cjk, over) => {
        // 「5 个…」: a number before a quantity is a figure, not a code (parse.ts QUANTITY_AFTER).
        fc.pre(!(/^[1-9]\d*$/.test(code) && /^[万亿千百十个家项亩元吨%％米公倍人户件座所条次天年月日村镇]/.test(cjk)));
        const malformed = (input: string, problem: RegExp) => {
          const c = parseChatCommand(input);
          expect(c).toMatchObject({ kind: 'malformed', verb: LABEL[kind], example: EXAMPLES[kind] });
          expect((c as { problem: string }).problem).toMatch(problem);
        };
        malformed(`${pad}${word}${pad}`, /缺少事项编号和内容/);
        malformed(`${word}${pad}${code}${pad}`, /^缺少/);
        malformed(`${word} ${cjk}${cjk}${cjk} ${cjk}`, /没有识别出事项编号/);
        malformed(`${word} ${code} ${cjk}${'长'.repeat(MAX_TEXT)}`, /内容过长/);
        if (kind === 'progress') malformed(`${word} ${code} ${cjk} ${over}%`, /超过了 100%/);
      }), { numRuns: runs(300) });
  });

  it('accepts a report body up to exactly 2,000 characters and refuses one character more', () => {
    fc.assert(fc.property(fc.integer({ min: MAX_TEXT - 5, max: MAX_TEXT + 5 }), fc.constantFrom('进', 'a', '😀', '<'), (n, ch) => {
      // Characters as people count them: an emoji is one (code points, never half a surrogate pair).
      const body = Array.from({ length: n }, () => ch).join('');
      const c = parseChatCommand(`问题 LY-1 ${body}`);
      if (Array.from(body.trim()).length <= MAX_TEXT) expect(c).toMatchObject({ kind: 'problem', text: body.trim() });
      else expect(c).toMatchObject({ kind: 'malformed', problem: expect.stringContaining('内容过长') });
    }), { numRuns: runs(100) });
  });

  // ---- Bugs found by the properties above: minimal inputs, asserting what DESIGN §3 asks for.

  it.skipIf(SKIP_KNOWN)('a separator right after the verb is tolerated, not a crash ("进展 ，" threw a TypeError)', () => {
    for (const input of ['进展 ，', '进展::', '问题 、用地指标不足', '完成：，已印发实施方案', '催办 ,请本周内报送', '进展 : , x']) {
      expect(() => parseChatCommand(input), input).not.toThrow();
      expectShape(parseChatCommand(input));
    }
    expect(parseChatCommand('问题：，LY-012，用地指标不足')).toMatchObject({ kind: 'problem', codeText: 'LY-012', text: '用地指标不足' });
  });

  it.skipIf(SKIP_KNOWN)('never cuts an emoji in half when quoting the input (output is well-formed UTF-16)', () => {
    fc.assert(fc.property(fc.oneof(hostileString(60), fc.string({ unit: 'grapheme', maxLength: 60 })).filter(isWellFormed), fc.constantFrom(...EMOJI), fc.integer({ min: 0, max: 120 }), (text, emoji, at) => {
      const input = Array.from({ length: at }, () => 'x').join('') + emoji + text;
      let c: ChatCommand;
      try {
        c = parseChatCommand(input);
      } catch {
        return; // reported separately (the separator crash above)
      }
      for (const v of Object.values(c)) if (typeof v === 'string') expect(isWellFormed(v), JSON.stringify(v)).toBe(true);
    }), { numRuns: runs(500) });
    expect(isWellFormed((parseChatCommand('x'.repeat(99) + '😀abc') as { text: string }).text)).toBe(true);
    expect(isWellFormed((parseChatCommand(`进展 ${'a'.repeat(19)}😀 进展`) as { problem: string }).problem)).toBe(true);
  });

  it.skipIf(SKIP_KNOWN)('a percentage inside the report text is text, not the progress percent', () => {
    fc.assert(fc.property(bodyArb, fc.integer({ min: 0, max: 100 }), bodyArb, (before, n, after) => {
      const c = parseChatCommand(`进展 LY-012 ${before}${n}%${after}`);
      expect(c).toMatchObject({ kind: 'progress', percent: null, text: normaliseChatText(`${before}${n}%${after}`) });
    }), { numRuns: runs(200) });
    expect(parseChatCommand('进展 LY-012 耕地托管率提高到85%，下步扩大到全镇')).toEqual({
      kind: 'progress', codeText: 'LY-012', text: '耕地托管率提高到85%，下步扩大到全镇', percent: null,
    });
  });

  it.skipIf(SKIP_KNOWN)('accepts every dash that task codes accept (codeKey folds ‐ ‑ ‒ ―, the grammar did not)', () => {
    fc.assert(fc.property(fc.constantFrom('‐', '‑', '‒', '–', '—', '―', '－'), (dash) => {
      expect(parseChatCommand(`进展 LY${dash}012 完成起草`)).toMatchObject({ kind: 'progress', text: '完成起草' });
    }), { numRuns: 20 });
  });

  it('keeps half emoji and raw control characters from crashing it', () => {
    fc.assert(fc.property(fc.array(fc.oneof(loneSurrogate, fc.constantFrom(...CONTROL_CHARS), fc.constantFrom('进展', ' LY-1 ', '%', '60')), { maxLength: 30 }), (parts) => {
      const input = parts.join('');
      if (SKIP_KNOWN && hitsSeparatorCrash(input)) return;
      expectShape(parseChatCommand(input));
    }), { numRuns: runs(500) });
  });
});
