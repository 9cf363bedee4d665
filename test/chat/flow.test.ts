// Issue 3 end to end, over real HTTP: the fake Feishu delivers signed and encrypted events to the
// bot's webhook, the real handlers act on the real ledger (SQLite and PostgreSQL), replies go out
// through the outbox and the sender, and card clicks update the cards in place.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { dispatchTasks } from '../../src/chat/handlers.js';
import type { AppContext } from '../../src/app.js';
import { type ChatBed, cardText, headerOf, startChatBed } from './bed.js';

const LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道
const OTHER_LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办
const GROUP = 'oc_demo_chengguan';
const OFFICE_GROUP = 'oc_demo_office';

describeEachDatabase('chat flow', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let app: AppContext;
  let tenantId: number;

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, app, tenantId } = bed);
  });
  afterAll(() => bed?.close());

  /** Sends a message as a user and waits for the bot's reply to it. */
  let counter = 0;
  async function say(openId: string, text: string, chatId: string | undefined = GROUP) {
    const messageId = `om_flow_${Date.now()}_${counter++}`;
    const r = await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) });
    expect(r.acked).toBe(true);
    return { delivery: r, messageId, reply: await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000) };
  }
  const task = (code: string) => ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: code } });

  it('dispatch → sign (others refused, second click harmless) → progress (3 deliveries, 1 report) → complete → close out', async () => {
    // 交办: the liaison and the unit group get the 任务交办单.
    const t = await task('QY-2026-009');
    expect(t.status).toBe('待签收');
    expect(await dispatchTasks(app, tenantId, [t.id])).toBe(2);
    const dispatch = await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '任务交办单'), 8_000);
    await waitFor(() => fake.botMessages({ chatId: GROUP }).find((m) => headerOf(m) === '任务交办单'), 8_000);
    expect(await dispatchTasks(app, tenantId, [t.id])).toBe(0);

    // A liaison of another unit cannot sign for it.
    const forged = await fake.clickCard({ messageId: dispatch!.messageId, operatorOpenId: OTHER_LIAISON, value: { a: 'sign', t: t.id } });
    expect(forged.toast).toMatchObject({ type: 'error', content: expect.stringContaining('城关街道') });
    expect((await task('QY-2026-009')).status).toBe('待签收');

    // 签收: the card changes in place.
    const signed = await fake.clickCard({ messageId: dispatch!.messageId, operatorOpenId: LIAISON, value: { a: 'sign', t: t.id } });
    expect(signed.toast).toMatchObject({ type: 'success' });
    expect((await task('QY-2026-009')).status).toBe('推进中');
    expect(cardText(fake.getMessage(dispatch!.messageId))).toMatch(/已签收 · 袁媛 · 11-23 09:30/);
    expect(cardText(fake.getMessage(dispatch!.messageId))).not.toMatch(/"name":"sign"/);
    const again = await fake.clickCard({ messageId: dispatch!.messageId, operatorOpenId: LIAISON, value: { a: 'sign', t: t.id } });
    expect(again.toast).toMatchObject({ type: 'info', content: expect.stringContaining('无需重复') });
    expect(await ctx().prisma.auditLog.count({ where: { tenantId, entity: 'task', entityId: String(t.id), action: 'update' } })).toBe(1);

    // 进展, delivered three times (Feishu re-delivers): one report, one receipt.
    const progress = await say(LIAISON, '@_user_1 进展 009 已召开社区议事会，形成规则初稿 30%');
    await fake.redeliver(progress.delivery.eventId);
    await fake.redeliver(progress.delivery.eventId);
    expect(headerOf(progress.reply)).toBe('进展已记录');
    expect(cardText(progress.reply)).toContain('30%');
    await new Promise((r) => setTimeout(r, 300));
    expect(await ctx().prisma.progressReport.count({ where: { taskId: t.id } })).toBe(1);
    expect(fake.botMessages().filter((m) => m.parentId === progress.messageId)).toHaveLength(1);
    expect((await task('QY-2026-009')).lastPercent).toBe(30);

    // 完成 → 待销号, and the office gets a 销号审核 card.
    const done = await say(LIAISON, '完成 qy-2026-009 已出台社区协商议事规则');
    expect(headerOf(done.reply)).toBe('完成情况已提交');
    expect((await task('QY-2026-009')).status).toBe('待销号');
    const review = await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '销号审核'), 8_000);

    // Only the office closes out; then the card shows who did it.
    const notOffice = await fake.clickCard({ messageId: review!.messageId, operatorOpenId: LIAISON, value: { a: 'approve', t: t.id } });
    expect(notOffice.toast).toMatchObject({ type: 'error', content: '只有改革办可以审核销号。' });
    const approved = await fake.clickCard({ messageId: review!.messageId, operatorOpenId: OFFICE, value: { a: 'approve', t: t.id } });
    expect(approved.toast).toMatchObject({ type: 'success', content: '已销号' });
    const closed = await task('QY-2026-009');
    expect([closed.status, closed.closedOn]).toEqual(['已销号', '2026-11-23']);
    expect(cardText(fake.getMessage(review!.messageId))).toMatch(/已同意销号 · 周敏/);
    await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m).startsWith('已销号')), 8_000);
  });

  it('a dispute needs a reason and reaches the office', async () => {
    const t = await task('QY-2026-016');
    await dispatchTasks(app, tenantId, [t.id]);
    const liaison = 'ou_demo_shenpi_liaison';
    const card = await waitFor(() => fake.botMessages({ openId: liaison }).find((m) => headerOf(m) === '任务交办单'), 8_000);
    const empty = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: liaison, value: { a: 'dispute', t: t.id }, formValue: { reason: '' } });
    expect(empty.toast).toMatchObject({ type: 'warning', content: expect.stringContaining('理由') });
    const disputed = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: liaison, value: { a: 'dispute', t: t.id }, formValue: { reason: '应由县大数据中心牵头' } });
    expect(disputed.toast).toMatchObject({ type: 'success' });
    expect((await task('QY-2026-016')).status).toBe('有异议');
    const notice = await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '交办异议：QY-2026-016'), 8_000);
    expect(cardText(notice)).toContain('应由县大数据中心牵头');
    const resolved = await fake.clickCard({ messageId: notice!.messageId, operatorOpenId: OFFICE, value: { a: 'resolve', t: t.id, to: '推进中' } });
    expect(resolved.toast).toMatchObject({ type: 'success' });
    expect((await task('QY-2026-016')).status).toBe('推进中');
  });

  it('answers malformed input, unknown codes, forbidden actions and unknown people in Chinese', async () => {
    // The example uses a real code of the caller's own unit, never a placeholder no ledger has.
    const example = /缺少事项编号和内容.*示例：进展 (QY-2026-\d{3}) /.exec(cardText((await say(LIAISON, '进展')).reply));
    expect(example).not.toBeNull();
    expect((await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, code: example![1]! }, include: { leadUnit: true } })).leadUnit.name).toBe('城关街道');
    expect(cardText((await say(LIAISON, '进展 QY-2026-999 推进中')).reply)).toContain('没有找到编号为「QY-2026-999」的事项');
    expect(cardText((await say(LIAISON, '你好')).reply)).toContain('没有看懂');
    // 石堡镇's task, reported by 城关街道's liaison: refused, nothing recorded.
    const before = await ctx().prisma.progressReport.count();
    expect(cardText((await say(LIAISON, '进展 QY-2026-018 帮他们报一下')).reply)).toContain('不能报送');
    expect(await ctx().prisma.progressReport.count()).toBe(before);
    expect(cardText((await say(LIAISON, '催办 QY-2026-018 请尽快')).reply)).toContain('只有改革办可以催办');

    // Unknown sender: told how to register; the office is told once.
    fake.addUser({ openId: 'ou_stranger_0001', name: '陌生人' });
    expect(cardText((await say('ou_stranger_0001', '我的任务', undefined)).reply)).toContain('还没有登记');
    await say('ou_stranger_0001', '帮助', undefined);
    await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '有未登记人员使用台账机器人'), 8_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => headerOf(m) === '有未登记人员使用台账机器人')).toHaveLength(1);
  });

  it('urges (office), lists my tasks, shows the ledger and help', async () => {
    const urge = await say(OFFICE, '催办 QY-2026-018 请于本周五前报送执法事项目录', OFFICE_GROUP);
    expect(cardText(urge.reply)).toContain('已向石堡镇（潘强、程功）发出催办通知');
    await waitFor(() => fake.botMessages({ openId: OTHER_LIAISON }).find((m) => headerOf(m) === '催办通知：QY-2026-018'), 8_000);

    const mine = await say(OTHER_LIAISON, '我的任务', 'oc_demo_shibao');
    expect(headerOf(mine.reply)).toBe('石堡镇 · 在办事项');
    expect(cardText(mine.reply)).toContain('QY-2026-011');
    const ledger = await say(OFFICE, '台账', OFFICE_GROUP);
    expect(headerOf(ledger.reply)).toBe('全县改革台账');
    expect(cardText(ledger.reply)).toContain('"tag":"chart"');
    expect(headerOf((await say(OFFICE, '台账 石堡', OFFICE_GROUP)).reply)).toBe('石堡镇改革台账');
    expect(headerOf((await say(LIAISON, '帮助')).reply)).toBe('台账机器人 · 使用说明');
  });

  it('takes progress from the card form, once per click; in a group the form comes privately and the shared card stays', async () => {
    const mine = await say(OTHER_LIAISON, '我的任务', 'oc_demo_shibao');
    const shared = cardText(fake.getMessage(mine.reply!.messageId));
    // 填报进展 on a card the whole group sees: a toast, the form in the clicker's private chat.
    const click = await fake.clickCard({ messageId: mine.reply!.messageId, operatorOpenId: OTHER_LIAISON, value: { a: 'progress_form' } });
    expect(click.card).toBeUndefined();
    expect(click.toast).toMatchObject({ content: expect.stringContaining('私信') });
    const form = await waitFor(() => fake.botMessages({ openId: OTHER_LIAISON }).find((m) => headerOf(m) === '进展填报'), 8_000);
    expect(cardText(form)).toContain('"select_static"');
    expect(cardText(fake.getMessage(mine.reply!.messageId))).toBe(shared);
    const t = await task('QY-2026-018');
    const bad = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: OTHER_LIAISON, value: { a: 'submit_progress' }, formValue: { task: String(t.id), text: '', percent: '50' } });
    expect(bad.toast).toMatchObject({ type: 'warning', content: '请填写工作进展' });
    // The private form turns into the receipt in place.
    const ok = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: OTHER_LIAISON, value: { a: 'submit_progress' }, formValue: { task: String(t.id), text: '目录初稿已完成', percent: '80', problems: '', next: '征求司法局意见' } });
    expect(ok.toast).toMatchObject({ type: 'success', content: '进展已记录' });
    expect(JSON.stringify(ok.card)).toContain('进展已记录');
    expect((await task('QY-2026-018')).lastPercent).toBe(80);
    const forged = await fake.clickCard({ messageId: mine.reply!.messageId, operatorOpenId: LIAISON, value: { a: 'submit_progress' }, formValue: { task: String(t.id), text: '冒名报送' } });
    expect(forged.toast).toMatchObject({ type: 'error' });
    const junk = await fake.clickCard({ messageId: mine.reply!.messageId, operatorOpenId: LIAISON, value: { a: 'drop_table', t: "1; DROP TABLE \"Task\"" } });
    expect(junk.toast).toMatchObject({ type: 'error', content: expect.stringContaining('无法识别') });
    expect(cardText(fake.getMessage(mine.reply!.messageId))).toBe(shared);
  });
});
