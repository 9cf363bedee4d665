// A reply to the bot's message about ONE task may leave the code out ("进展 又召开专题会 70%" quoted
// under a 回执): it is that task's report. A message about several tasks names none, and a code typed
// in the reply still wins. Over the signed webhook against the fake Feishu, SQLite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import { type ChatBed, startChatBed, tasksLedBy, textOf } from './bed.js';

const LIAISON = 'ou_demo_chengguan_liaison';

describeEachDatabase('reply without a code', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let tenantId: number;
  let codes: string[];

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, tenantId } = bed);
    codes = await tasksLedBy(ctx(), tenantId, '城关街道', 2);
  });
  afterAll(() => bed?.close());

  let n = 0;
  async function say(text: string, parentId?: string) {
    const messageId = `om_replyctx_${ctx().provider}_${n++}`;
    await fake.deliverMessageEvent({ senderOpenId: LIAISON, text, messageId, ...(parentId ? { parentId } : {}) });
    return waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000);
  }
  const reports = (code: string) => ctx().prisma.progressReport.findMany({ where: { tenantId, task: { code } }, orderBy: { id: 'asc' }, select: { text: true, percent: true } });

  it('a report quoted under the 回执 of one task is that task\'s; under a message of several tasks it is asked for', async () => {
    const receipt = await say(`进展 ${codes[0]} 已召开推进会 60%`);
    const again = await say('进展 又召开专题会，明确分工 70%', receipt.messageId);
    expect(JSON.stringify(again.content)).toContain(codes[0]!);
    expect((await reports(codes[0]!)).map((r) => [r.text, r.percent])).toEqual([['已召开推进会', 60], ['又召开专题会，明确分工', 70]]);

    // A code typed in the reply wins over the quoted message's.
    await say(`进展 ${codes[1]} 方案已起草 30%`, receipt.messageId);
    expect((await reports(codes[1]!)).map((r) => r.percent)).toEqual([30]);
    expect((await reports(codes[0]!)).length).toBe(2);

    // 我的任务 lists several tasks: a reply to it without a code is asked for the code, nothing recorded.
    const list = await say('我的任务');
    const ask = await say('进展 推进顺利 80%', list.messageId);
    expect(textOf(ask)).toMatch(/「进展」没能登记：没有识别出事项编号/);
    expect((await reports(codes[0]!)).length).toBe(2);
  });
});
