// Issue 11, Chat input: messages as officials write them, end to end over the fake Feishu on both
// databases — several commands in one message, a rich-text post with a title and list numbers, the
// progress form submitted twice, percents written loosely, a sharp fall in percent, requests on
// tasks in the wrong state, and examples that name a real code of the caller's unit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import type { FakeFeishu, FakeMessage } from '../../src/sandbox/fake-feishu.js';
import { type ChatBed, cardText, headerOf, startChatBed } from './bed.js';

const SHIBAO = 'ou_demo_shibao_liaison'; // 程功, 石堡镇 (leads QY-2026-011, QY-2026-018)
const SHIBAO_GROUP = 'oc_demo_shibao';
const SANCHA = 'ou_demo_sancha_liaison'; // 吕洋, 三岔乡 (QY-2026-007, 已销号)
const OFFICE = 'ou_demo_office_zhou';
const OFFICE_GROUP = 'oc_demo_office';

describeEachDatabase('chat input as officials write it', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let tenantId: number;

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, tenantId } = bed);
  });
  afterAll(() => bed?.close());

  let n = 0;
  async function say(openId: string, text: string, opts: { chatId?: string | null; post?: string } = {}) {
    const messageId = `om_input_${Date.now()}_${n++}`;
    const chatId = opts.chatId === undefined ? SHIBAO_GROUP : opts.chatId;
    const delivery = await fake.deliverMessageEvent({
      senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}), ...(opts.post !== undefined ? { messageType: 'post' as const, postTitle: opts.post } : {}),
    });
    expect(delivery.acked).toBe(true);
    return { delivery, messageId, reply: await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000) };
  }
  const task = (code: string) => ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: code } });
  const reports = async (code: string) => ctx().prisma.progressReport.findMany({ where: { taskId: (await task(code)).id }, orderBy: { id: 'asc' } });

  it('several commands in one message: each its own report, one reply, each once however often delivered', async () => {
    const sent = await say(SHIBAO, '进展 QY-2026-011 召开推进会 60%\n进展 QY-2026-018 目录已报审 75%');
    expect(headerOf(sent.reply)).toBe('这条消息共 2 条，均已办理');
    expect(cardText(sent.reply)).toMatch(/QY-2026-011 已记录（60%）[\s\S]*QY-2026-018 已记录（75%）/);
    expect((await reports('QY-2026-011')).map((r) => [r.text, r.percent, r.sourceRef])).toEqual([['召开推进会', 60, `msg:${sent.messageId}`]]);
    expect((await reports('QY-2026-018')).map((r) => [r.text, r.percent, r.sourceRef])).toEqual([['目录已报审', 75, `msg:${sent.messageId}#1`]]);
    expect([(await task('QY-2026-011')).lastPercent, (await task('QY-2026-018')).lastPercent]).toEqual([60, 75]);
    // Feishu re-delivers: nothing more recorded, no second reply.
    await fake.redeliver(sent.delivery.eventId);
    await new Promise((r) => setTimeout(r, 300));
    expect((await reports('QY-2026-011')).length + (await reports('QY-2026-018')).length).toBe(2);
    expect(fake.botMessages().filter((m) => m.parentId === sent.messageId)).toHaveLength(1);
  });

  it('a rich-text post with a title and list numbers is understood line by line', async () => {
    const sent = await say(SHIBAO, '1. 进展 QY-2026-011 完成田间测产 65%\n2. 问题 QY-2026-018 执法人员编制不足', { post: '本周进展' });
    expect(headerOf(sent.reply)).toBe('这条消息共 2 条，均已办理');
    expect((await reports('QY-2026-011')).at(-1)).toMatchObject({ text: '完成田间测产', percent: 65 });
    expect((await reports('QY-2026-018')).at(-1)).toMatchObject({ kind: '问题', text: '执法人员编制不足' });
    await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '问题反映：QY-2026-018'), 8_000);
  });

  it('one command of several refused: the others are recorded and the reply says which is which', async () => {
    const sent = await say(SHIBAO, '进展 QY-2026-011 完成验收准备 70%\n进展 QY-2026-099 无此事项');
    expect(headerOf(sent.reply)).toBe('这条消息共 2 条：1 条已办理，1 条未办理');
    expect(cardText(sent.reply)).toContain('没有找到编号为「QY-2026-099」的事项');
    expect((await reports('QY-2026-011')).at(-1)).toMatchObject({ text: '完成验收准备', percent: 70 });
  });

  it('the same report sent twice within minutes is one report (text and form), even two clicks at once', async () => {
    const before = (await reports('QY-2026-011')).length;
    const first = await say(SHIBAO, '进展 QY-2026-011 组织农机手培训 72%');
    const again = await say(SHIBAO, '进展 QY-2026-011 组织农机手培训 72%');
    expect(headerOf(first.reply)).toBe('进展已记录');
    expect(headerOf(again.reply)).toBe('进展此前已记录');
    expect((await reports('QY-2026-011')).length).toBe(before + 1);

    // The form: two clicks of 提交 at the same moment, then a third after 「处理中」.
    const form = await openForm(SHIBAO);
    const t = await task('QY-2026-018');
    const submit = () => fake.clickCard({ messageId: form.messageId, operatorOpenId: SHIBAO, value: { a: 'submit_progress' }, formValue: { task: String(t.id), text: '目录送司法局审核', percent: '80' } });
    const count = (await reports('QY-2026-018')).length;
    const [a, b] = await Promise.all([submit(), submit()]);
    const c = await submit();
    expect([a, b, c].map((r) => r.toast?.content).sort()).toEqual(['进展已记录', '这条进展此前已记录，未重复登记', '这条进展此前已记录，未重复登记'].sort());
    expect((await reports('QY-2026-018')).length).toBe(count + 1);
  });

  async function openForm(openId: string): Promise<FakeMessage> {
    const mine = await say(openId, '我的任务', { chatId: null });
    const before = fake.botMessages({ openId }).length;
    const clicked = await fake.clickCard({ messageId: mine.reply.messageId, operatorOpenId: openId, value: { a: 'progress_form' } });
    // A private card of this person: the form replaces it in place.
    expect(clicked.card).toBeDefined();
    expect(fake.botMessages({ openId })).toHaveLength(before);
    return mine.reply;
  }

  it('percents: only 0–100 in digits; a sharp fall is recorded and flagged to the office', async () => {
    const form = await openForm(SHIBAO);
    const t = await task('QY-2026-018');
    const count = (await reports('QY-2026-018')).length;
    for (const percent of ['0x10', '1e2', '-5%', ['50'], '101']) {
      const r = await fake.clickCard({ messageId: form.messageId, operatorOpenId: SHIBAO, value: { a: 'submit_progress' }, formValue: { task: String(t.id), text: '推进', percent } });
      expect(r.toast?.type, JSON.stringify(percent)).toBe('warning');
      expect(r.toast?.content).toMatch(/进度/);
    }
    expect(cardText((await say(SHIBAO, '进展 QY-2026-018 推进 -5%')).reply)).toContain('进度不能为负数');
    expect((await reports('QY-2026-018')).length).toBe(count);

    // 80% → 30%: recorded, the receipt says so, the office is told.
    const fell = await say(SHIBAO, '进展 QY-2026-018 目录退回重做 30%');
    expect(cardText(fell.reply)).toContain('进度较上次（80%）回落 50 个百分点，已提示改革办核实');
    expect((await task('QY-2026-018')).lastPercent).toBe(30);
    const notice = await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '进度回落：QY-2026-018'), 8_000);
    expect(cardText(notice)).toContain('较上次（80%）回落 50 个百分点');
  });

  it('every request checks the task\'s state: no 延期申请 on a task closed out, no 催办 while it waits for review', async () => {
    const closed = await task('QY-2026-007');
    expect(closed.status).toBe('已销号');
    const mine = await say(SANCHA, '我的任务', { chatId: null });
    const officeBefore = fake.botMessages({ chatId: OFFICE_GROUP }).length;
    const ext = await fake.clickCard({ messageId: mine.reply.messageId, operatorOpenId: SANCHA, value: { a: 'extension', t: closed.id } });
    expect(ext.toast).toMatchObject({ type: 'error', content: expect.stringContaining('已销号') });
    const form = await fake.clickCard({ messageId: mine.reply.messageId, operatorOpenId: SANCHA, value: { a: 'progress_form', t: closed.id } });
    expect(form.toast).toMatchObject({ type: 'error', content: expect.stringContaining('不再接收进展') });
    const pending = await task('QY-2026-005');
    expect(pending.status).toBe('待销号');
    expect(cardText((await say(OFFICE, '催办 QY-2026-005 请尽快', { chatId: OFFICE_GROUP })).reply)).toContain('等待改革办审核销号，无需催办');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => headerOf(m).startsWith('延期申请'))).toHaveLength(0);
    expect(fake.botMessages({ chatId: OFFICE_GROUP }).length).toBe(officeBefore + 1); // only the reply to the office's own 催办
  });

  it('examples name a real code of the caller\'s own unit, never LY-012', async () => {
    const help = await say(SHIBAO, '帮助');
    expect(cardText(help.reply)).not.toContain('LY-012');
    expect(cardText(help.reply)).toMatch(/进展 QY-2026-01[18] 完成方案起草/);
    const unknown = await say(SHIBAO, '报一下本周的情况');
    expect(cardText(unknown.reply)).not.toContain('LY-012');
    expect(cardText(unknown.reply)).toMatch(/进展 QY-2026-01[18] /);
    const office = await say(OFFICE, '完成', { chatId: OFFICE_GROUP });
    expect(cardText(office.reply)).toMatch(/示例：完成 QY-2026-\d{3} 已印发实施方案/);
  });
});
