// Dates the office and units type: a 完成时限 already past is refused by 新增事项 and 调整 (as 延期
// refuses it); a date that does not exist says so; 同意延期 on a task revoked meanwhile speaks of 审批.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { cardText, OFFICE, OFFICE_GROUP, OTHER_LIAISON, startLoopBot, type LoopBot } from '../loop/helpers.js';

describeEachDatabase('office dates', (ctx) => {
  let bot: LoopBot;
  beforeAll(async () => { bot = await startLoopBot(ctx()); });
  afterAll(async () => { await bot?.stop(); });
  const task = (code: string) => ctx().prisma.task.findFirstOrThrow({ where: { tenantId: bot.tenantId, codeKey: code } });

  it('新增事项 with a 完成时限 in the past is refused with the reason', async () => {
    const blank = await bot.say(OFFICE, '新增事项', OFFICE_GROUP);
    const r = await bot.fake.clickCard({ messageId: blank.reply.messageId, operatorOpenId: OFFICE, value: { a: 'submit_new_task' }, formValue: { code: 'QY-2026-506', title: '过去的时限', category: '改革试点', deadline: '2020-01-01', leadUnit: '石堡镇' } });
    expect(JSON.stringify(r.toast)).toContain('早于今天');
    expect(await ctx().prisma.task.count({ where: { tenantId: bot.tenantId, codeKey: 'QY-2026-506' } })).toBe(0);
  });

  it('调整 to a 完成时限 in the past is refused; the deadline stays', async () => {
    const form = await bot.say(OFFICE, '调整 QY-2026-013', OFFICE_GROUP);
    const t = await task('QY-2026-013');
    const r = await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: OFFICE, value: { a: 'submit_edit', t: t.id }, formValue: { deadline: '2020-01-01', leadUnit: '白马滩镇', reason: '手误' } });
    expect(JSON.stringify(r.toast)).toContain('早于今天');
    expect((await task('QY-2026-013')).deadline).toBe(t.deadline);
  });

  it('调整 submitted from a form opened before the task was revoked changes nothing', async () => {
    const form = await bot.say(OFFICE, '调整 QY-2026-018', OFFICE_GROUP);
    const t = await task('QY-2026-018');
    expect(cardText((await bot.say(OFFICE, '撤销 QY-2026-018 县委深改委决定不再实施')).reply)).toContain('已撤销');
    const r = await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: OFFICE, value: { a: 'submit_edit', t: t.id }, formValue: { deadline: '2027-06-30', leadUnit: '石堡镇', reason: '会议决定' } });
    expect(JSON.stringify(r.toast)).toContain('已撤销');
    const after = await task('QY-2026-018');
    expect(after.status).toBe('已撤销');
    expect(after.deadline).toBe(t.deadline);
  });

  it('延期 to 2027-02-30 says the day does not exist', async () => {
    const r = cardText((await bot.say(OTHER_LIAISON, '延期 QY-2026-011 2027-02-30 用地报批未完成')).reply);
    expect(r).toContain('2027 年 2 月没有 30 日');
    expect(r).not.toContain('请先写新的完成时限');
  });

  it('同意延期 on a task revoked meanwhile says it cannot be approved', async () => {
    expect(cardText((await bot.say(OTHER_LIAISON, '延期 QY-2026-011 2027-06-30 用地报批未完成')).reply)).toContain('已向改革办申请');
    expect(cardText((await bot.say(OFFICE, '撤销 QY-2026-011 县委深改委决定不再实施')).reply)).toContain('已撤销');
    const r = cardText((await bot.say(OFFICE, '同意延期 QY-2026-011')).reply);
    expect(r).toContain('不能审批延期');
    expect(r).not.toContain('申请延期');
    expect((await task('QY-2026-011')).deadline).not.toBe('2027-06-30');
  });
});
