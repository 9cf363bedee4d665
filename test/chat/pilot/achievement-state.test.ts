// 成果 and 试点 against the task's state: a revoked (已撤销) task takes no achievement and no pilot,
// and achievements of a task revoked after confirmation leave the 光荣榜; the same 成果 typed twice is one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/db.js';
import { cardText, headerOf, OFFICE, OTHER_LIAISON, startLoopBot, waitFor, type LoopBot } from '../../loop/helpers.js';
import { loadConfirmedAchievements } from '../../../src/pilot/achievements.js';
import { addDays, shanghaiDate } from '../../../src/core/dates.js';

describeEachDatabase('成果 and 试点 on the task state', (ctx) => {
  let bot: LoopBot;
  beforeAll(async () => { bot = await startLoopBot(ctx()); });
  afterAll(async () => { await bot?.stop(); });
  // What the 光荣榜 job scores: the confirmed achievements of the period around now.
  const scored = async () => {
    const today = shanghaiDate(bot.app.clock.now());
    return (await loadConfirmedAchievements(ctx().prisma, bot.tenantId, { start: addDays(today, -30), end: addDays(today, 30) })).map((a) => a.description);
  };

  it('the same 成果 sent twice is recorded once; the second answer says 此前已记录', async () => {
    const a = await bot.say(OTHER_LIAISON, '成果 QY-2026-011 批示 经验做法获市委主要领导批示肯定');
    const b = await bot.say(OTHER_LIAISON, '成果 QY-2026-011 批示 经验做法获市委主要领导批示肯定');
    expect(cardText(a.reply)).not.toContain('此前已记录');
    expect(cardText(b.reply)).toContain('此前已记录');
    expect(JSON.stringify(b.reply)).toContain('"template":"grey"');
    const rows = await ctx().prisma.achievement.findMany({ where: { tenantId: bot.tenantId, description: '经验做法获市委主要领导批示肯定' } });
    expect(rows).toHaveLength(1);
  });

  it('a confirmed 成果 scores; once its task is revoked it leaves the roll and no new 成果 or 试点 is taken', async () => {
    const row = await ctx().prisma.achievement.findFirstOrThrow({ where: { tenantId: bot.tenantId, description: '经验做法获市委主要领导批示肯定' } });
    const review = await waitFor(() => bot.fake.botMessages().find((m) => headerOf(m) === '成果待确认' && cardText(m).includes('经验做法获市委')), 8000);
    await bot.fake.clickCard({ messageId: review.messageId, operatorOpenId: OFFICE, value: { a: 'achievement_confirm', t: row.id } });
    expect((await ctx().prisma.achievement.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('已确认');
    expect(await scored()).toEqual(['经验做法获市委主要领导批示肯定']);

    expect(cardText((await bot.say(OFFICE, '撤销 QY-2026-011 县委深改委决定不再实施')).reply)).toContain('已撤销');
    expect(await scored()).toEqual([]);

    const late = cardText((await bot.say(OTHER_LIAISON, '成果 QY-2026-011 批示 撤销后的成果获市委批示')).reply);
    expect(late).toContain('已被改革办撤销');
    expect(await ctx().prisma.achievement.count({ where: { tenantId: bot.tenantId, description: { contains: '撤销后的成果' } } })).toBe(0);

    const pilot = cardText((await bot.say(OFFICE, '试点 QY-2026-011 省级 省民政厅')).reply);
    expect(pilot).toContain('已撤销，不能登记为试点');
    const task = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId: bot.tenantId, codeKey: 'QY-2026-011' } });
    expect(await ctx().prisma.pilot.count({ where: { tenantId: bot.tenantId, taskId: task.id } })).toBe(0);
  });
});
