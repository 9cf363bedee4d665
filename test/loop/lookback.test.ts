// 回头看 through the real bot: the lead unit answers by card (others may not, twice is once), the
// office sees the list and reopens a weak reform as a follow-up task (once) with its 任务交办单.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { putSetting } from '../../src/db/repos/settings.js';
import { runJob } from '../../src/jobs/run.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import { cardText, headerOf, LIAISON, OFFICE, OFFICE_GROUP, startLoopBot, waitFor, type LoopBot } from './helpers.js';

const SANCHA = 'ou_demo_sancha_liaison'; // 三岔乡 leads QY-2026-007, closed 2026-06-19

describeEachDatabase('reform loop: 回头看', (ctx) => {
  let bot: LoopBot;
  beforeAll(async () => {
    bot = await startLoopBot(ctx());
    await putSetting(ctx().prisma, bot.tenantId, 'lookback', { months: 6, byCategory: { 重点改革任务: 5 } }, 'test');
  });
  afterAll(async () => {
    await bot?.stop();
  });
  const db = () => ctx().prisma;

  it('asked by the job, answered by the lead unit once, reopened by the office once', async () => {
    const r = await runJob(bot.app, 'lookback', shanghaiInstant('2026-11-23', '09:50'));
    expect(r.messages.map((m) => m.title)).toEqual(['回头看：QY-2026-007（三岔乡）']);
    const ask = await waitFor(() => bot.fake.botMessages({ openId: SANCHA }).find((m) => headerOf(m) === '回头看：QY-2026-007'), 8_000);
    const task = await db().task.findFirstOrThrow({ where: { tenantId: bot.tenantId, code: 'QY-2026-007' } });
    const v = { a: 'lb_answer', t: task.id };
    const answer = { answer: '效果减弱', evidence: '五级联动例会由每月一次减为每季度一次', numbers: '群众诉求办结率 92%→81%' };
    expect((await bot.fake.clickCard({ messageId: ask.messageId, operatorOpenId: LIAISON, value: v, formValue: answer })).toast).toMatchObject({ type: 'error', content: expect.stringContaining('三岔乡') });
    expect((await bot.fake.clickCard({ messageId: ask.messageId, operatorOpenId: SANCHA, value: v, formValue: { answer: '很好', evidence: 'x' } })).toast).toMatchObject({ type: 'warning' });
    expect((await bot.fake.clickCard({ messageId: ask.messageId, operatorOpenId: SANCHA, value: v, formValue: answer })).toast).toMatchObject({ type: 'success' });
    expect((await bot.fake.clickCard({ messageId: ask.messageId, operatorOpenId: SANCHA, value: v, formValue: answer })).toast).toMatchObject({ type: 'info', content: expect.stringContaining('无需重复') });
    expect(await db().lookback.count({ where: { taskId: task.id } })).toBe(1);
    expect(await db().auditLog.count({ where: { tenantId: bot.tenantId, entity: 'lookback', action: 'create' } })).toBe(1);
    await waitFor(() => bot.fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '回头看：QY-2026-007 效果减弱'), 8_000);
    // Answered: the job asks no more.
    expect((await runJob(bot.app, 'lookback', shanghaiInstant('2026-11-24', '09:50'))).messages).toHaveLength(0);

    // The office's list and the reopen form; only the office reopens, once.
    const list = await bot.say(OFFICE, '回头看');
    expect(headerOf(list.reply)).toBe('改革事项回头看');
    expect(cardText(list.reply)).toContain('重新立项');
    const rv = { a: 'lb_reopen', t: task.id };
    expect((await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: SANCHA, value: rv, formValue: { deadline: '2027-06-30' } })).toast).toMatchObject({ type: 'error' });
    const reopened = await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: OFFICE, value: rv, formValue: { deadline: '2027-06-30' } });
    expect(reopened.toast).toMatchObject({ type: 'success', content: expect.stringMatching(/^已重新立项 QY-2026-\d{3}/) });
    expect((await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: OFFICE, value: rv, formValue: { deadline: '2027-06-30' } })).toast).toMatchObject({ type: 'info' });
    const follow = await db().task.findFirstOrThrow({ where: { tenantId: bot.tenantId, title: { endsWith: '（回头看整改）' } }, include: { leadUnit: true } });
    expect([follow.leadUnit.name, follow.status, follow.deadline]).toEqual(['三岔乡', '待签收', '2027-06-30']);
    expect((await db().taskOrigin.findUniqueOrThrow({ where: { taskId: follow.id } })).kind).toBe('回头看');
    expect((await db().lookback.findFirstOrThrow({ where: { taskId: task.id } })).followUpTaskId).toBe(follow.id);
    await waitFor(() => bot.fake.botMessages({ openId: SANCHA }).find((m) => headerOf(m) === '任务交办单' && cardText(m).includes(follow.code)), 8_000);
    // A unit sees only its own pending 回头看.
    expect(cardText((await bot.say(SANCHA, '回头看')).reply)).toContain('暂无到期的回头看事项');
  });
});
