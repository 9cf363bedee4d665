// 揭榜挂帅 from publication to 挂帅 through the real bot: office-only publication to chosen units, one
// application per unit while open and within the audience, side-by-side comparison, one pick making
// one task led by that unit, the others told and kept.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { cardText, headerOf, LIAISON, OFFICE, OFFICE_GROUP, OTHER_LIAISON, startLoopBot, waitFor, type LoopBot } from './helpers.js';

const THIRD = 'ou_demo_nongye_liaison'; // 县农业农村局: not in the audience

describeEachDatabase('reform loop: 揭榜挂帅', (ctx) => {
  let bot: LoopBot;
  beforeAll(async () => {
    bot = await startLoopBot(ctx());
  });
  afterAll(async () => {
    await bot?.stop();
  });
  const db = () => ctx().prisma;

  it('publish → apply (once, audience only) → compare → 挂帅 (once) → task and 任务交办单; the others told, kept', async () => {
    expect(cardText((await bot.say(LIAISON, '发榜')).reply)).toContain('只有县委改革办可以发布榜单');
    const form = await bot.say(OFFICE, '发榜');
    expect(headerOf(form.reply)).toBe('发布揭榜挂帅榜单');
    const fv = { title: '破解农村集体经济“空壳村”难题', requirements: '一年内消除空壳村，形成可复制做法', support: '给予专项资金 50 万元', deadline: '2026-12-04', audience: '城关街道、石堡镇' };
    expect((await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: LIAISON, value: { a: 'call_publish' }, formValue: fv })).toast).toMatchObject({ type: 'error' });
    expect((await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: OFFICE, value: { a: 'call_publish' }, formValue: { ...fv, audience: '火星镇' } })).toast).toMatchObject({ type: 'warning', content: '没有这些单位：火星镇' });
    const published = await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: OFFICE, value: { a: 'call_publish' }, formValue: fv });
    expect(published.toast).toMatchObject({ type: 'success', content: '榜单 JB-2026-01 已发布' });
    const call = await db().openCall.findFirstOrThrow({ where: { tenantId: bot.tenantId, number: 'JB-2026-01' } });
    expect(await db().auditLog.count({ where: { tenantId: bot.tenantId, entity: 'call', entityId: String(call.id), action: 'create' } })).toBe(1);
    const board = await waitFor(() => bot.fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '揭榜挂帅榜单：JB-2026-01'), 8_000);
    await waitFor(() => bot.fake.botMessages({ openId: OTHER_LIAISON }).find((m) => headerOf(m) === '揭榜挂帅榜单：JB-2026-01'), 8_000);
    expect(bot.fake.botMessages({ openId: THIRD }).find((m) => headerOf(m).startsWith('揭榜挂帅榜单'))).toBeUndefined();

    // 城关街道 applies from the card (in its private chat the form replaces it), once.
    const opened = await bot.fake.clickCard({ messageId: board.messageId, operatorOpenId: LIAISON, value: { a: 'call_apply_form', id: call.id } });
    expect(headerOf({ content: opened.card } as never)).toBe('揭榜：JB-2026-01');
    const app = { plan: '盘活闲置校舍发展乡村民宿', teamLead: '袁媛', expected: '村集体年增收 10 万元' };
    expect((await bot.fake.clickCard({ messageId: board.messageId, operatorOpenId: LIAISON, value: { a: 'call_apply', id: call.id }, formValue: { plan: '' } })).toast).toMatchObject({ type: 'warning' });
    expect((await bot.fake.clickCard({ messageId: board.messageId, operatorOpenId: LIAISON, value: { a: 'call_apply', id: call.id }, formValue: app })).toast).toMatchObject({ type: 'success', content: '揭榜已提交' });
    expect((await bot.fake.clickCard({ messageId: board.messageId, operatorOpenId: LIAISON, value: { a: 'call_apply', id: call.id }, formValue: app })).toast).toMatchObject({ type: 'info', content: expect.stringContaining('已揭榜') });
    // 石堡镇 by text; 农业农村局 is outside the audience.
    const textForm = await bot.say(OTHER_LIAISON, '揭榜 JB-2026-01');
    expect(headerOf(textForm.reply)).toBe('揭榜：JB-2026-01');
    expect((await bot.fake.clickCard({ messageId: textForm.reply.messageId, operatorOpenId: OTHER_LIAISON, value: { a: 'call_apply', id: call.id }, formValue: { plan: '组建强村公司统一运营', teamLead: '程功', expected: '三个村全部消除空壳' } })).toast).toMatchObject({ type: 'success' });
    expect(cardText((await bot.say(THIRD, '揭榜 JB-2026-01')).reply)).toContain('不在发布范围内');
    expect(await db().callApplication.count({ where: { callId: call.id } })).toBe(2);
    await waitFor(() => bot.fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => headerOf(m) === '新的揭榜：JB-2026-01').length === 2, 8_000);

    // The office compares side by side and picks 石堡镇; a second pick changes nothing.
    const list = await bot.say(OFFICE, '榜单');
    expect(cardText(list.reply)).toContain('揭榜 2 个单位');
    const cmp = await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: OFFICE, value: { a: 'call_compare', id: call.id } });
    expect(cmp.card).toBeDefined(); // the office's private chat: in place
    const compare = JSON.stringify(cmp.card);
    expect(compare).toContain('盘活闲置校舍发展乡村民宿');
    expect(compare).toContain('组建强村公司统一运营');
    const shibaoApp = await db().callApplication.findFirstOrThrow({ where: { callId: call.id, teamLead: '程功' } });
    expect((await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: LIAISON, value: { a: 'call_pick', id: call.id }, formValue: { application: String(shibaoApp.id), deadline: '2027-12-31' } })).toast).toMatchObject({ type: 'error' });
    const picked = await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: OFFICE, value: { a: 'call_pick', id: call.id }, formValue: { application: String(shibaoApp.id), deadline: '2027-12-31' } });
    expect(picked.toast).toMatchObject({ type: 'success', content: expect.stringMatching(/^已确定石堡镇挂帅，事项 QY-2026-\d{3} 已交办$/) });
    const again = await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: OFFICE, value: { a: 'call_pick', id: call.id }, formValue: { application: String(shibaoApp.id), deadline: '2027-12-31' } });
    expect(again.toast).toMatchObject({ type: 'info', content: expect.stringContaining('已确定挂帅单位') });
    const after = await db().openCall.findUniqueOrThrow({ where: { id: call.id } });
    expect([after.status, after.winnerId]).toEqual(['已挂帅', shibaoApp.id]);
    const task = await db().task.findUniqueOrThrow({ where: { id: after.taskId! }, include: { leadUnit: true } });
    expect([task.leadUnit.name, task.status, task.deadline, task.title]).toEqual(['石堡镇', '待签收', '2027-12-31', fv.title]);
    expect((await db().taskOrigin.findUniqueOrThrow({ where: { taskId: task.id } })).kind).toBe('揭榜挂帅');
    expect(await db().task.count({ where: { tenantId: bot.tenantId, title: fv.title } })).toBe(1);
    expect((await db().callApplication.findMany({ where: { callId: call.id }, orderBy: { id: 'asc' } })).map((a) => a.status)).toEqual(['未选中', '已挂帅']);
    await waitFor(() => bot.fake.botMessages({ openId: OTHER_LIAISON }).find((m) => headerOf(m) === '任务交办单' && cardText(m).includes(task.code)), 8_000);
    await waitFor(() => bot.fake.botMessages({ openId: OTHER_LIAISON }).find((m) => headerOf(m) === '揭榜成功：JB-2026-01'), 8_000);
    const lost = await waitFor(() => bot.fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '揭榜结果：JB-2026-01'), 8_000);
    expect(cardText(lost)).toContain('已留存');
    expect(cardText((await bot.say(LIAISON, '揭榜 JB-2026-01')).reply)).toContain('已确定挂帅单位');
  });
});
