import { describe, expect, it } from 'vitest';
import { laterCommandCodes, parseChatCommand, parseChatMessage, stripListMarker, withCodeAfterVerb } from '../../src/chat/parse.js';

describe('chat grammar', () => {
  it.each([
    ['进展 LY-012 完成方案起草，下步征求意见 60%', { kind: 'progress', codeText: 'LY-012', text: '完成方案起草，下步征求意见', percent: 60 }],
    ['进展：ly-012：完成方案起草', { kind: 'progress', codeText: 'ly-012', text: '完成方案起草', percent: null }],
    ['进展:LY-012 完成方案起草 ６０％', { kind: 'progress', codeText: 'LY-012', text: '完成方案起草', percent: 60 }],
    ['  进展   ＬＹ－０１２   完成起草，进度 35 %  ', { kind: 'progress', codeText: 'LY-012', text: '完成起草', percent: 35 }],
    ['进展 012 已召开推进会', { kind: 'progress', codeText: '012', text: '已召开推进会', percent: null }],
    ['问题 LY-012 用地指标不足', { kind: 'problem', codeText: 'LY-012', text: '用地指标不足', percent: null }],
    ['完成 LY-012 已印发实施方案', { kind: 'complete', codeText: 'LY-012', text: '已印发实施方案', percent: null }],
    ['催办 LY-012 请本周内报送', { kind: 'urge', codeText: 'LY-012', text: '请本周内报送', percent: null }],
    ['进展 【LY-012】 完成起草', { kind: 'progress', codeText: 'LY-012', text: '完成起草', percent: null }],
  ])('%s', (input, expected) => {
    expect(parseChatCommand(input)).toEqual(expected);
  });

  it('understands the query commands', () => {
    expect(parseChatCommand('我的任务')).toEqual({ kind: 'myTasks' });
    expect(parseChatCommand(' 任务 ')).toEqual({ kind: 'myTasks' });
    expect(parseChatCommand('台账')).toEqual({ kind: 'ledger', unitName: null });
    expect(parseChatCommand('台账 石堡镇')).toEqual({ kind: 'ledger', unitName: '石堡镇' });
    expect(parseChatCommand('台账：石堡镇')).toEqual({ kind: 'ledger', unitName: '石堡镇' });
    expect(parseChatCommand('帮助')).toEqual({ kind: 'help' });
    expect(parseChatCommand('HELP')).toEqual({ kind: 'help' });
    expect(parseChatCommand('')).toEqual({ kind: 'help' });
  });

  it('says what is missing, with an example', () => {
    expect(parseChatCommand('进展')).toMatchObject({ kind: 'malformed', verb: '进展', problem: '缺少事项编号和内容', example: expect.stringContaining('进展 LY-012') });
    expect(parseChatCommand('进展 LY-012')).toMatchObject({ kind: 'malformed', problem: '缺少进展内容' });
    // Only a percent is an update of the percent (breaker, 2026-11-30: 「进展 QY-2026-011 60%」 was refused).
    expect(parseChatCommand('进展 LY-012 60%')).toEqual({ kind: 'progress', codeText: 'LY-012', text: '进度更新至 60%', percent: 60 });
    expect(parseChatCommand('进展 完成了方案起草')).toMatchObject({ kind: 'malformed', problem: expect.stringContaining('没有识别出事项编号') });
    expect(parseChatCommand('进展 LY-012 完成 150%')).toMatchObject({ kind: 'malformed', problem: '进度 150% 超过了 100%' });
    expect(parseChatCommand('催办 LY-012')).toMatchObject({ kind: 'malformed', problem: '缺少催办要求' });
    expect(parseChatCommand(`问题 LY-1 ${'长'.repeat(2001)}`)).toMatchObject({ kind: 'malformed', problem: expect.stringContaining('内容过长') });
  });

  it('reads 日历 with or without what follows (the handler reads the dates and words)', () => {
    expect(parseChatCommand('日历')).toEqual({ kind: 'calendar', text: null });
    expect(parseChatCommand('日历：２０２７')).toEqual({ kind: 'calendar', text: '2027' });
    expect(parseChatCommand('日历 2027-02-06  上班 春节调休')).toEqual({ kind: 'calendar', text: '2027-02-06 上班 春节调休' });
    expect(parseChatCommand('工作日历 2027')).toEqual({ kind: 'calendar', text: '2027' });
  });

  it('marks anything else unknown, without crashing on control characters or emoji', () => {
    expect(parseChatCommand('你好')).toEqual({ kind: 'unknown', text: '你好' });
    expect(parseChatCommand('\u0000\u0007😀 DROP TABLE "Task";--')).toMatchObject({ kind: 'unknown' });
    expect(parseChatCommand('进展 LY-1 <at id=all></at> **粗体** 😀')).toMatchObject({ kind: 'progress', text: '<at id=all></at> **粗体** 😀' });
  });
});

describe('percent: only 0–100 written in digits', () => {
  it.each([
    ['进展 LY-012 推进 -5%', '进度不能为负数'],
    ['进展 LY-012 推进 1e2%', '不是数字'],
    ['进展 LY-012 推进 0x10%', '不是数字'],
    ['进展 LY-012 推进 ６０．５．１%', '不是数字'],
    ['进展 LY-012 推进 1000%', '超过了 100%'],
  ])('%s is refused with a reason', (input, reason) => {
    expect(parseChatCommand(input)).toMatchObject({ kind: 'malformed', verb: '进展', problem: expect.stringContaining(reason) });
  });

  it('full-width digits and a decimal are read as written', () => {
    expect(parseChatCommand('进展 LY-012 推进 ７５％')).toMatchObject({ kind: 'progress', percent: 75 });
    expect(parseChatCommand('进展 LY-012 推进 60.5%')).toMatchObject({ kind: 'progress', percent: 61 });
    expect(parseChatCommand('进展 LY-012 推进 0%')).toMatchObject({ kind: 'progress', percent: 0, text: '推进' });
  });
});

describe('several commands in one message', () => {
  const commands = (raw: string, known: string[] = []) => parseChatMessage(raw, (c) => known.includes(c)).map((c) => c.command);

  it('each line that starts a task command is its own command (the issue: 011 at 60%, 018 at 75%)', () => {
    expect(commands('进展 QY-2026-011 召开推进会 60%\n进展 QY-2026-018 目录已报审 75%')).toEqual([
      { kind: 'progress', codeText: 'QY-2026-011', text: '召开推进会', percent: 60 },
      { kind: 'progress', codeText: 'QY-2026-018', text: '目录已报审', percent: 75 },
    ]);
  });

  it('lines that are not commands continue the command above them; its percent may end the last one', () => {
    expect(commands('进展 QY-2026-011 召开推进会\n下步：征求意见 60%\n完成 QY-2026-018 已印发\n（附件另报）')).toEqual([
      { kind: 'progress', codeText: 'QY-2026-011', text: '召开推进会\n下步:征求意见', percent: 60 },
      { kind: 'complete', codeText: 'QY-2026-018', text: '已印发\n（附件另报）', percent: null },
    ]);
  });

  it('a title and list numbers (a rich-text post) do not hide the commands', () => {
    const post = '本周进展\n1. 进展 QY-2026-011 召开推进会 60%\n2. 进展 QY-2026-018 目录已报审 75%';
    expect(commands(post)).toEqual([
      { kind: 'progress', codeText: 'QY-2026-011', text: '召开推进会', percent: 60 },
      { kind: 'progress', codeText: 'QY-2026-018', text: '目录已报审', percent: 75 },
    ]);
    for (const marker of ['1、', '（1）', '(一)', '一、', '①', '- ', '• ', '· ']) {
      expect(commands(`各位领导：\n${marker}进展 QY-2026-011 推进中`)).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '推进中', percent: null }]);
    }
  });

  it('a verb and a number inside a report is text, unless the number is a code of the ledger', () => {
    expect(commands('进展 QY-2026-011 本周\n完成 3 项审批事项\n完成 5G 基站建设')).toHaveLength(1);
    expect(commands('进展 QY-2026-011 本周\n完成 018 已印发', [])).toHaveLength(1);
    expect(commands('进展 QY-2026-011 本周\n完成 018 已印发', ['018'])).toHaveLength(2);
    // A full code on a later line is a command even when mistyped: answered, not swallowed.
    expect(commands('进展 QY-2026-011 本周\n进展 QY-2026-099 推进')[1]).toMatchObject({ kind: 'progress', codeText: 'QY-2026-099' });
  });

  it('a message without a task-command line is one command, as before', () => {
    expect(commands('我的任务')).toEqual([{ kind: 'myTasks' }]);
    expect(commands('进展 QY-2026-011\n已召开推进会')).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '已召开推进会', percent: null }]);
    expect(commands('你好\n谢谢')).toMatchObject([{ kind: 'unknown' }]);
  });

  it('stripListMarker leaves numbers that are not list markers', () => {
    expect(stripListMarker('1.5 万亩')).toBe('1.5 万亩');
    expect(stripListMarker('12. 进展')).toBe('进展');
    expect(laterCommandCodes('进展 QY-1 a\n完成 018 b\n进展 QY-2026-2 c\n完成 5G d\n完成 3 e')).toEqual(['018', '5G']);
  });
});

// Typed as officials type them (2026-11-30 trial of real messages): each read as meant, the rest still answered.
describe('commands as people write them', () => {
  const one = (s: string) => parseChatMessage(s).map((c) => c.command);
  it('the verb in brackets, the code first, a code with spaces, a longer verb word', () => {
    const expected = { kind: 'progress', codeText: 'QY-2026-011', text: '已召开推进会', percent: 60 };
    for (const s of ['【进展】QY-2026-011 已召开推进会 60%', '[进展] QY-2026-011 已召开推进会 60%', 'QY-2026-011 进展 已召开推进会 60%', 'QY-2026-011：进展，已召开推进会，60%',
      '进展 QY - 2026 - 011 已召开推进会 60%', '进展情况 QY-2026-011 已召开推进会 60%', '推进情况：QY-2026-011 已召开推进会 60%']) expect(one(s), s).toEqual([expected]);
    expect(one('已完成 QY-2026-011 已印发实施方案')).toEqual([{ kind: 'complete', codeText: 'QY-2026-011', text: '已印发实施方案', percent: null }]);
    // A code followed by a word that only starts like a verb is no command.
    expect(one('QY-2026-011进展顺利')[0]!.kind).toBe('unknown');
    expect(one('QY-2026-011完成情况良好')[0]!.kind).toBe('unknown');
  });

  it('a query with a full stop or question mark is still the query; 「?」 alone is help', () => {
    expect(one('我的任务。')).toEqual([{ kind: 'myTasks' }]);
    expect(one('帮助！')).toEqual([{ kind: 'help' }]);
    expect(one('台账？')).toEqual([{ kind: 'ledger', unitName: null }]);
    expect(one('台账 石堡镇。')).toEqual([{ kind: 'ledger', unitName: '石堡镇' }]);
    expect(one('?')).toEqual([{ kind: 'help' }]);
  });

  it('the percent ends the first line even with a greeting before and a signature after; 左右 after it; named as 进度 mid-sentence', () => {
    expect(one('各位领导好：\n进展 QY-2026-011 已召开推进会 60%\n——石堡镇 程功')).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '已召开推进会\n——石堡镇 程功', percent: 60 }]);
    expect(one('进展 QY-2026-011 已召开推进会\n下步征求意见 70%')).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '已召开推进会\n下步征求意见', percent: 70 }]);
    expect(one('进展 QY-2026-011 目前已完成方案起草，进度60%左右')).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '目前已完成方案起草', percent: 60 }]);
    expect(one('进展：QY-2026-011，已召开推进会，完成60%')).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '已召开推进会', percent: 60 }]);
    expect(one('进展 QY-2026-011 已完成总体进度的60%，下一步召开专题会')).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '已完成总体进度的60%，下一步召开专题会', percent: 60 }]);
    // A figure that is not the progress stays in the text; Chinese numerals are not read (digits only).
    expect(one('进展 QY-2026-011 网办率提高到85%，下步扩面')[0]).toMatchObject({ percent: null, text: '网办率提高到85%，下步扩面' });
    expect(one('进展 QY-2026-011 已召开推进会，百分之六十')[0]).toMatchObject({ kind: 'malformed', problem: expect.stringContaining('进度请用阿拉伯数字填写') });
    expect(one('进展 QY-2026-011 已召开推进会，进度-5%')[0]).toMatchObject({ kind: 'malformed', problem: '进度不能为负数，应填写 0–100 之间的数字' });
  });
});

// The chat breaker's findings (2026-11-30), each read as meant or refused with the reason.
describe('chat breaker findings', () => {
  const one = (s: string, known: string[] | null = null) => parseChatMessage(s, known ? (c) => known.includes(c) : undefined).map((c) => c.command);
  it('a completion short of 100 % is progress, never a close-out request; another figure leaves a completion as it is', () => {
    for (const s of ['完成 QY-2026-018 80%', 'QY-2026-018 已完成80%', '已完成 QY-2026-018 80%']) expect(one(s), s).toEqual([{ kind: 'progress', codeText: 'QY-2026-018', text: '进度更新至 80%', percent: 80 }]);
    expect(one('完成 QY-2026-018 已印发方案，目前完成90%')).toEqual([{ kind: 'progress', codeText: 'QY-2026-018', text: '已印发方案，目前完成90%', percent: 90 }]);
    expect(one('完成 QY-2026-018 已印发方案，群众满意度达95%')[0]).toMatchObject({ kind: 'complete', text: '已印发方案，群众满意度达95%' });
    expect(one('完成 QY-2026-018 100%')[0]).toMatchObject({ kind: 'complete' });
  });
  it('a number followed by a quantity is a figure, not a code; a leading zero is a code', () => {
    expect(one('进展 18 个行政村已完成测产 45%')[0]).toMatchObject({ kind: 'malformed', problem: '没有识别出事项编号（「18个」是数量，不是编号）' });
    expect(withCodeAfterVerb('进展 18 个行政村已完成测产 45%', 'QY-2026-011')).toBe('进展 QY-2026-011 18 个行政村已完成测产 45%');
    expect(one('进展 011 村级活动场所已建成 45%')[0]).toMatchObject({ kind: 'progress', codeText: '011', percent: 45 });
  });
  it('percents: an emoji after it, 完成 in mid-sentence, a range and Chinese numerals are read or refused with the reason', () => {
    expect(one('进展 QY-2026-011 已召开推进会 70%[强]')[0]).toMatchObject({ percent: 70, text: '已召开推进会' });
    expect(one('进展 QY-2026-011 完成72%。下步征求意见')[0]).toMatchObject({ percent: 72, text: '完成72%。下步征求意见' });
    expect(one('进展 QY-2026-018 已召开推进会\n目前完成45%\n——石堡镇 程功')[0]).toMatchObject({ percent: 45 });
    expect(one('进展 QY-2026-011 测产完成 67%')[0]).toMatchObject({ percent: 67, text: '测产完成' });
    // The last line of the report, not of the message: a signature or a name with a date after it (final trial).
    expect(one('进展 QY-2026-011 召开推进会\n下步扩面 60%\n——张三')[0]).toMatchObject({ percent: 60, text: '召开推进会\n下步扩面\n——张三' });
    expect(one('进展 QY-2026-011 召开推进会\n下步扩面 60%\n张三 2026-06-01')[0]).toMatchObject({ percent: 60 });
    expect(one('进展 QY-2026-011 已召开推进会\n网办率提高到85%\n下步扩面')[0]).toMatchObject({ percent: null });
    expect(one('进展 QY-2026-011 六十%')[0]).toMatchObject({ kind: 'malformed', problem: expect.stringContaining('进度请用阿拉伯数字填写') });
    expect(one('进展 QY-2026-011 已召开推进会，完成约60%')[0]).toMatchObject({ percent: 60, text: '已召开推进会' });
    expect(one('进展 QY-2026-011 完成60%-70%')[0]).toMatchObject({ kind: 'malformed', problem: '进度请只写一个数字，如 60%（不要写范围）' });
    for (const s of ['进展 QY-2026-011 已召开推进会，百分之六十', '进展 QY-2026-011 已召开推进会，完成六成']) expect(one(s)[0], s).toMatchObject({ kind: 'malformed', problem: expect.stringContaining('进度请用阿拉伯数字填写') });
  });
  it('several codes after one verb are one command each; a code stuck to its text; more verb words; a greeting on the same line', () => {
    expect(one('签收 QY-2026-011、QY-2026-018')).toEqual([{ kind: 'sign', codeText: 'QY-2026-011' }, { kind: 'sign', codeText: 'QY-2026-018' }]);
    expect(one('进展 QY-2026-011、QY-2026-018 均已召开推进会 62%')).toEqual([
      { kind: 'progress', codeText: 'QY-2026-011', text: '均已召开推进会', percent: 62 }, { kind: 'progress', codeText: 'QY-2026-018', text: '均已召开推进会', percent: 62 },
    ]);
    for (const s of ['进展 QY-2026-011已召开推进会', '进展（QY-2026-011）已召开推进会']) expect(one(s), s).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '已召开推进会', percent: null }]);
    expect(one('问题反映 QY-2026-011 缺资金')[0]).toMatchObject({ kind: 'problem', text: '缺资金' });
    expect(one('各位领导好，进展 QY-2026-018 已召开推进会 50%')).toEqual([{ kind: 'progress', codeText: 'QY-2026-018', text: '已召开推进会', percent: 50 }]);
    expect(one('已签收')[0]).toMatchObject({ kind: 'malformed', verb: '签收' });
    expect(one('帮助一下')).toEqual([{ kind: 'help' }]);
  });
  it('a road number on a later line is text unless the ledger has it', () => {
    expect(one('进展 QY-2026-011 本周工作\n完成 S-203 省道沿线田块测产\n目前60%', [])).toEqual([{ kind: 'progress', codeText: 'QY-2026-011', text: '本周工作\n完成 S-203 省道沿线田块测产\n目前', percent: 60 }]);
  });
});

// A message may be up to 150 KB (Feishu's limit): no rule may backtrack on it. A percent regex and a
// code-list regex took 6 s and 14 s on 60,000 letters (found while fixing the breaker's findings).
describe('the grammar is linear in the message', () => {
  it('long adversarial messages parse in well under a second each', () => {
    const n = 60_000;
    const inputs = ['完成 QY-2026-001 ' + 'a'.repeat(n), '签收 QY-1、' + 'A'.repeat(n), '进展 QY-1 ' + ' '.repeat(n) + '%', '进展 ' + 'A'.repeat(n) + '-1已',
      '进展 QY-1 ' + '1'.repeat(n) + '%', '进展 QY-1 60%' + '[强]'.repeat(n / 3) + 'x', 'A'.repeat(n) + '-1', '签收 ' + 'QY-1、'.repeat(n / 5) + 'x', '进展 QY' + '-1'.repeat(n / 2)];
    for (const input of inputs) {
      const t = performance.now();
      parseChatMessage(input);
      withCodeAfterVerb(input, 'QY-2026-001');
      // Generous (each takes under 20 ms here): the quadratic rules took seconds.
      expect(performance.now() - t, input.slice(0, 30)).toBeLessThan(1000);
    }
  });
});

