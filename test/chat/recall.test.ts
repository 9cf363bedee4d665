// Issue 11: a recalled message no longer stands. Over the fake Feishu (which pushes
// im.message.recalled_v1 as its doc page shows), on both databases: a 完成 sent by mistake and
// recalled puts the task back and turns the office's 销号审核 card grey in place; a recalled 进展
// leaves the last percent as it was before; a completion already closed out stands; a 催办 and a
// several-command message are withdrawn whole; a card not sent yet never goes out; the sender is
// told once, and a re-delivered recall changes nothing more.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import type { FakeFeishu, FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { type ChatBed, startChatBed } from './bed.js';

const SHIBAO = 'ou_demo_shibao_liaison'; // 程功, 石堡镇: QY-2026-011, QY-2026-018
const SHIBAO_GROUP = 'oc_demo_shibao';
const SHIBAO_HEAD = 'ou_demo_shibao_head'; // 潘强
const NONGYE = 'ou_demo_nongye_liaison'; // 张晓燕, 县农业农村局: QY-2026-001
const GONGAN = 'ou_demo_gongan_liaison'; // 郭磊, 县公安局: QY-2026-002
const OFFICE = 'ou_demo_office_zhou';
const OFFICE_GROUP = 'oc_demo_office';

// Not bed.ts's readers: json takes any value (a card update's content too), header is the whole
// header (title and template).
const json = (v: unknown) => JSON.stringify(v ?? null);
const header = (m: FakeMessage | undefined) => ((m?.content as { header?: { title?: { content?: string }; template?: string } })?.header) ?? {};
const latest = (m: FakeMessage) => m.updates.at(-1)?.content ?? m.content;

describeEachDatabase('recalled messages', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let tenantId: number;

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook', sender: { retryBaseMs: 100 } });
    ({ fake, rt, tenantId } = bed);
  });
  afterAll(() => bed?.close());

  let n = 0;
  async function say(openId: string, text: string, chatId: string | null = SHIBAO_GROUP) {
    const messageId = `om_recall_${Date.now()}_${n++}`;
    expect((await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) })).acked).toBe(true);
    return { messageId, reply: await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000) };
  }
  const task = (code: string) => ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: code } });
  const told = (openId: string) => fake.botMessages({ openId }).filter((m) => m.msgType === 'text' && json(m.content).includes('撤回'));
  const officeCard = (title: string) => waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => header(m).title?.content === title), 8_000);

  it('a 完成 sent by mistake and recalled: back to 推进中, the 销号审核 card says so in place, the sender is told', async () => {
    const done = await say(SHIBAO, '完成 QY-2026-018 已印发综合执法事项目录');
    expect((await task('QY-2026-018')).status).toBe('待销号');
    const review = await officeCard('销号审核');
    await rt.sender.waitUntilIdle(5_000);

    const recall = await fake.recallMessage(done.messageId);
    expect(recall.acked).toBe(true);
    await waitFor(() => told(SHIBAO).length > 0, 8_000);
    const t = await task('QY-2026-018');
    expect([t.status, t.completedOn]).toEqual(['推进中', null]);
    const report = await ctx().prisma.progressReport.findFirstOrThrow({ where: { taskId: t.id, kind: '完成' } });
    expect(report.withdrawnAt).not.toBeNull(); // marked, not deleted
    const audit = await ctx().prisma.auditLog.findMany({ where: { tenantId, OR: [{ entity: 'report', entityId: String(report.id) }, { entity: 'task', entityId: String(t.id) }] }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.after).join('\n')).toMatch(/withdrawnAt[\s\S]*"status":"推进中"/);

    // The office's card: updated in place (patch), grey, no 同意销号 left to click.
    await waitFor(() => review.updates.length > 0, 8_000);
    expect((latest(review) as { header: { template: string; title: { content: string } } }).header).toMatchObject({ template: 'grey', title: { content: '销号审核 · 已撤回' } });
    expect(json(latest(review))).toContain('报送人已撤回这条消息');
    expect(json(latest(review))).not.toContain('"name":"approve"');
    expect(fake.requestsFor('im.message.patch', { ok: true }).length).toBeGreaterThan(0);
    // The receipt in the group says it too; the sender hears in private what happened.
    await waitFor(() => done.reply.updates.length > 0, 8_000);
    expect((latest(done.reply) as { header: { title: { content: string } } }).header.title.content).toBe('完成报告已撤回');
    expect(json(told(SHIBAO)[0]!.content)).toMatch(/您撤回了一条消息[\s\S]*完成 QY-2026-018：已撤销登记，事项恢复为「推进中」[\s\S]*销号审核卡片已同步更新/);

    // An old card clicked anyway: the state is checked, nothing is closed out.
    const late = await fake.clickCard({ messageId: review.messageId, operatorOpenId: OFFICE, value: { a: 'approve', t: t.id } });
    expect(late.toast?.type).toBe('error');
    expect((await task('QY-2026-018')).status).toBe('推进中');

    // Feishu re-delivers the recall: nothing more happens, nothing is said twice.
    const patches = fake.requestsFor('im.message.patch').length;
    await fake.redeliver(recall.eventId);
    await fake.recallMessage(done.messageId, { eventId: 'recall-again-1' });
    await new Promise((r) => setTimeout(r, 500));
    await rt.sender.waitUntilIdle(5_000);
    expect(told(SHIBAO)).toHaveLength(1);
    expect(fake.requestsFor('im.message.patch').length).toBe(patches);
  });

  it('a recalled 进展: the last percent and report date are those of the report before it', async () => {
    await say(SHIBAO, '进展 QY-2026-011 完成测产 40%');
    const first = await ctx().prisma.progressReport.findFirstOrThrow({ where: { taskId: (await task('QY-2026-011')).id }, orderBy: { id: 'desc' } });
    const wrong = await say(SHIBAO, '进展 QY-2026-011 报错了 90%');
    expect((await task('QY-2026-011')).lastPercent).toBe(90);
    await fake.recallMessage(wrong.messageId, { recallType: 'group_manager' });
    await waitFor(async () => (await task('QY-2026-011')).lastPercent === 40, 8_000);
    expect((await task('QY-2026-011')).lastReportAt?.getTime()).toBe(first.reportedAt.getTime());
    await waitFor(() => told(SHIBAO).some((m) => json(m.content).includes('被群管理员撤回')), 8_000);
  });

  it('a completion the office already closed out stands; the sender is told whom to ask', async () => {
    const done = await say(NONGYE, '完成 QY-2026-001 托管服务覆盖两镇', 'oc_demo_nongye');
    const t = await task('QY-2026-001');
    const review = await officeCard('销号审核');
    expect((await fake.clickCard({ messageId: review.messageId, operatorOpenId: OFFICE, value: { a: 'approve', t: t.id } })).toast?.type).toBe('success');
    await fake.recallMessage(done.messageId);
    await waitFor(() => told(NONGYE).length > 0, 8_000);
    expect((await task('QY-2026-001')).status).toBe('已销号');
    expect(json(told(NONGYE)[0]!.content)).toContain('改革办已审核销号，撤回消息不改变台账；如需更正，请联系县委改革办');
    expect((await ctx().prisma.progressReport.findFirstOrThrow({ where: { taskId: t.id, kind: '完成' } })).withdrawnAt).toBeNull();
  });

  it('a recalled 催办 and a recalled several-command message are withdrawn whole', async () => {
    const urge = await say(OFFICE, '催办 QY-2026-011 请于周五前报送', OFFICE_GROUP);
    const notice = await waitFor(() => fake.botMessages({ openId: SHIBAO_HEAD }).find((m) => header(m).title?.content === '催办通知：QY-2026-011'), 8_000);
    await rt.sender.waitUntilIdle(5_000);
    await fake.recallMessage(urge.messageId);
    await waitFor(() => notice.updates.length > 0, 8_000);
    expect((latest(notice) as { header: { template: string; title: { content: string } } }).header).toMatchObject({ template: 'grey', title: { content: '催办通知（已撤回）：QY-2026-011' } });
    expect(await ctx().prisma.auditLog.count({ where: { tenantId, entity: 'task', entityId: String((await task('QY-2026-011')).id), after: { contains: 'urgeWithdrawn' } } })).toBe(1);

    const before = [(await task('QY-2026-011')).lastPercent, (await task('QY-2026-018')).lastPercent];
    const both = await say(SHIBAO, '进展 QY-2026-011 第一条 55%\n进展 QY-2026-018 第二条 66%');
    await fake.recallMessage(both.messageId);
    await waitFor(async () => (await ctx().prisma.progressReport.count({ where: { sourceRef: { startsWith: `msg:${both.messageId}` }, withdrawnAt: { not: null } } })) === 2, 8_000);
    expect([(await task('QY-2026-011')).lastPercent, (await task('QY-2026-018')).lastPercent]).toEqual(before);
    await waitFor(() => both.reply.updates.length > 0, 8_000);
    expect(json(latest(both.reply))).toMatch(/这条消息已撤回[\s\S]*已撤销：进展 QY-2026-011（55%）[\s\S]*已撤销：进展 QY-2026-018（66%）/);
  });

  it('a recall withdraws only its own message, whatever the ids look like to SQL LIKE ("_" is a wildcard there)', async () => {
    const send = async (messageId: string, text: string) => {
      await fake.deliverMessageEvent({ senderOpenId: SHIBAO, text, messageId, chatId: SHIBAO_GROUP });
      return waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000);
    };
    await send('om_like_a1', '进展 QY-2026-011 甲\n进展 QY-2026-018 乙');
    await send('om_likeXa1', '进展 QY-2026-011 丙\n进展 QY-2026-018 丁');
    await send('OM_LIKE_A1', '进展 QY-2026-011 戊');
    await fake.recallMessage('om_like_a1');
    await waitFor(async () => (await ctx().prisma.progressReport.count({ where: { withdrawnAt: { not: null }, text: { in: ['甲', '乙'] } } })) === 2, 8_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await ctx().prisma.progressReport.count({ where: { withdrawnAt: { not: null }, text: { in: ['丙', '丁', '戊'] } } })).toBe(0);
  });

  it('recalled before its cards went out: they never go out as if it stood', async () => {
    // Feishu refuses sends for a while: the problem notice and the receipt wait in the outbox.
    // (A card caught in flight at the recall instead is sent, then updated: the first test.)
    fake.serverErrorsFor(60_000, /im\.message\.(create|reply)/);
    const messageId = `om_recall_early_${n++}`;
    await fake.deliverMessageEvent({ senderOpenId: GONGAN, text: '问题 QY-2026-002 场所改造资金缺口', messageId, chatId: 'oc_demo_gongan' });
    const report = await waitFor(() => ctx().prisma.progressReport.findFirst({ where: { sourceRef: `msg:${messageId}` } }), 8_000);
    // Both wait, backing off (as after an outage): not due for an hour.
    const waiting = { OR: [{ dedupeKey: `reply:${messageId}` }, { dedupeKey: { startsWith: `problem:${report.id}:` } }] };
    await waitFor(async () => {
      await ctx().prisma.outboxMessage.updateMany({ where: { ...waiting, status: 'pending' }, data: { nextAttemptAt: new Date(Date.now() + 3_600_000) } });
      return (await ctx().prisma.outboxMessage.count({ where: { ...waiting, status: 'pending', nextAttemptAt: { gt: new Date() } } })) === 2;
    }, 8_000);
    const recall = await fake.recallMessage(messageId);
    await waitFor(async () => (await ctx().prisma.progressReport.count({ where: { sourceRef: `msg:${messageId}`, withdrawnAt: { not: null } } })) === 1, 8_000);
    fake.endFaults();
    // A card in flight at the recall makes the recall wait for it (retried); then all is settled.
    await waitFor(async () => (await ctx().prisma.inboxEvent.findUnique({ where: { eventId: recall.eventId } }))?.status === 'done', 15_000);
    await rt.sender.waitUntilIdle(10_000);
    expect(fake.botMessages().filter((m) => m.parentId === messageId)).toHaveLength(0);
    expect(fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => json(m.content).includes('场所改造资金缺口'))).toHaveLength(0);
    expect(await ctx().prisma.outboxMessage.count({ where: { ...waiting, status: 'cancelled' } })).toBe(2);
    await waitFor(() => told(GONGAN).length > 0, 8_000);
  });
});
