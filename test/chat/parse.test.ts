import { describe, expect, it } from 'vitest';
import { parseChatCommand } from '../../src/chat/parse.js';

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
    expect(parseChatCommand('进展 LY-012 60%')).toMatchObject({ kind: 'malformed', problem: '缺少进展内容' });
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
