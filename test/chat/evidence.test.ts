// 佐证材料 end to end over the signed webhook against the fake Feishu, on SQLite and PostgreSQL: a
// liaison replies to the bot's 回执 with a file; it is stored with the report; the office's 销号审核
// card is updated to list it; the office gets the file back through the bot; someone of another
// unit cannot attach; with the setting on, 同意销号 waits for evidence. A card form has no file field
// (JSON 2.0 forms hold inputs, selects, pickers and checkers only), so the form's 回执 asks for a reply
// with the file, and that reply attaches it — whether the receipt replaced a private card in place or
// came privately after a click on a group card.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { putSetting } from '../../src/db/repos/settings.js';
import type { FakeFeishu, FakeMessage } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import { type ChatBed, cardText, headerOf, startChatBed, tasksLedBy } from './bed.js';

const LIAISON = 'ou_demo_chengguan_liaison';
const OTHER = 'ou_demo_shibao_liaison';
const OFFICE = 'ou_demo_office_zhou';

describeEachDatabase('佐证材料', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let tenantId: number;
  let codes: string[];

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, tenantId } = bed);
    codes = await tasksLedBy(ctx(), tenantId, '城关街道', 4);
  });
  afterAll(() => bed?.close());

  let n = 0;
  async function complete(code: string) {
    const messageId = `om_evidence_${n++}`;
    await fake.deliverMessageEvent({ senderOpenId: LIAISON, text: `完成 ${code} 已印发实施方案`, messageId });
    const receipt = await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000);
    const review = await waitFor(() => fake.botMessages().find((m) => headerOf(m) === '销号审核' && cardText(m).includes(code)), 8_000);
    return { receipt, review };
  }

  it('a file replying to the 回执 is attached, listed on the 销号审核 card, and the office gets it back', async () => {
    const { receipt, review } = await complete(codes[0]!);
    expect(cardText(review)).toContain('佐证材料：暂无');
    const bytes = Buffer.from('%PDF-1.4 实施方案');
    const sent = await fake.sendUserFile({ senderOpenId: LIAISON, fileName: '实施方案.pdf', bytes, parentId: receipt.messageId });
    const reply = await waitFor(() => fake.botMessages().find((m) => m.parentId === sent.messageId), 8_000);
    expect((reply.content as { text: string }).text).toContain(`佐证材料「实施方案.pdf」已附在 ${codes[0]}`);
    const ev = await ctx().prisma.evidence.findFirstOrThrow({ where: { tenantId, messageId: sent.messageId } });
    expect(ev).toMatchObject({ fileKey: sent.fileKey, fileName: '实施方案.pdf', kind: 'file' });
    // The office's card now lists it, with its button.
    await waitFor(() => cardText(fake.getMessage(review.messageId)).includes('实施方案.pdf'), 8_000);
    expect(cardText(fake.getMessage(review.messageId))).toContain('"a":"evidence_get"');

    // Re-delivered: nothing twice.
    await fake.redeliver(sent.eventId);
    expect(await ctx().prisma.evidence.count({ where: { messageId: sent.messageId } })).toBe(1);

    const got = await fake.clickCard({ messageId: review.messageId, operatorOpenId: OFFICE, value: { a: 'evidence_get', t: ev.id } });
    expect(got.toast).toMatchObject({ type: 'success' });
    const file = await waitFor(() => fake.botMessages({ openId: OFFICE }).find((m) => m.msgType === 'file'), 8_000);
    expect(fake.files.get((file.content as { file_key: string }).file_key)?.bytes.equals(bytes)).toBe(true);
    // Another unit's liaison may not fetch it.
    const forged = await fake.clickCard({ messageId: review.messageId, operatorOpenId: OTHER, value: { a: 'evidence_get', t: ev.id } });
    expect(forged.toast).toMatchObject({ type: 'error' });
  });

  it('another unit cannot attach; with requireEvidence on, 同意销号 waits for evidence', async () => {
    await putSetting(ctx().prisma, tenantId, 'review', { requireEvidence: true }, 'test');
    const { receipt, review } = await complete(codes[1]!);
    expect(cardText(review)).toContain('本县要求附佐证材料后才能销号');
    const task = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: codes[1]! } });
    const refusedClick = await fake.clickCard({ messageId: review.messageId, operatorOpenId: OFFICE, value: { a: 'approve', t: task.id } });
    expect(refusedClick.toast).toMatchObject({ type: 'error', content: expect.stringContaining('须附佐证材料') });
    expect((await ctx().prisma.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('待销号');

    const intruder = await fake.sendUserFile({ senderOpenId: OTHER, fileName: '别人的.pdf', bytes: Buffer.from('x'), parentId: receipt.messageId });
    const no = await waitFor(() => fake.botMessages().find((m) => m.parentId === intruder.messageId), 8_000);
    expect((no.content as { text: string }).text).toContain('只有报送单位的人员');
    expect(await ctx().prisma.evidence.count({ where: { taskId: task.id } })).toBe(0);

    await fake.sendUserFile({ senderOpenId: LIAISON, fileName: '印发文件.pdf', bytes: Buffer.from('y'), parentId: receipt.messageId });
    await waitFor(async () => (await ctx().prisma.evidence.count({ where: { taskId: task.id } })) === 1, 8_000);
    const ok = await fake.clickCard({ messageId: review.messageId, operatorOpenId: OFFICE, value: { a: 'approve', t: task.id } });
    expect(ok.toast).toMatchObject({ type: 'success', content: '已销号' });
  });

  it('a progress form\'s 回执 asks for 佐证材料 by reply, and a file replying to it is attached to that report', async () => {
    const ids = await Promise.all(codes.slice(2).map((code) => ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: code } }).then((t) => t.id)));
    // (1) In the private chat: 我的任务 → 填报进展 (the form replaces the card) → 提交 (the 回执 replaces the form).
    const ask = `om_evidence_${n++}`;
    await fake.deliverMessageEvent({ senderOpenId: LIAISON, text: '我的任务', messageId: ask });
    const list = await waitFor(() => fake.botMessages().find((m) => m.parentId === ask), 8_000);
    const opened = await fake.clickCard({ messageId: list.messageId, operatorOpenId: LIAISON, value: { a: 'progress_form', t: ids[0] } });
    expect(headerOf({ content: opened.card } as FakeMessage)).toBe('进展填报');
    const submitted = await fake.clickCard({ messageId: list.messageId, operatorOpenId: LIAISON, value: { a: 'submit_progress' }, formValue: { task: String(ids[0]), text: '方案已起草', percent: '40' } });
    expect(submitted.toast).toMatchObject({ type: 'success' });
    expect(cardText(fake.getMessage(list.messageId))).toContain('回复本消息附上佐证材料');
    const first = await fake.sendUserFile({ senderOpenId: LIAISON, fileName: '方案初稿.docx', bytes: Buffer.from('docx'), parentId: list.messageId });
    const said = await waitFor(() => fake.botMessages().find((m) => m.parentId === first.messageId), 8_000);
    expect((said.content as { text: string }).text).toContain(`佐证材料「方案初稿.docx」已附在 ${codes[2]}`);
    const report = await ctx().prisma.progressReport.findFirstOrThrow({ where: { taskId: ids[0], text: '方案已起草' } });
    expect(await ctx().prisma.evidence.findFirstOrThrow({ where: { messageId: first.messageId } })).toMatchObject({ reportId: report.id, fileName: '方案初稿.docx' });

    // (2) From a card in the unit's group: the form and then its 回执 come privately; a reply to that 回执 attaches too.
    const group = `om_evidence_${n++}`;
    await fake.deliverMessageEvent({ senderOpenId: LIAISON, text: '我的任务', chatId: 'oc_demo_chengguan', messageId: group });
    const groupList = await waitFor(() => fake.botMessages().find((m) => m.parentId === group), 8_000);
    const toForm = await fake.clickCard({ messageId: groupList.messageId, operatorOpenId: LIAISON, value: { a: 'progress_form', t: ids[1] } });
    expect(toForm.toast?.content).toContain('私信');
    const form = await waitFor(() => fake.botMessages({ openId: LIAISON }).filter((m) => headerOf(m) === '进展填报').at(-1), 8_000);
    const sent = await fake.clickCard({ messageId: form.messageId, operatorOpenId: LIAISON, value: { a: 'submit_progress' }, formValue: { task: String(ids[1]), text: '征求意见中', percent: '55' } });
    expect(sent.toast).toMatchObject({ type: 'success' });
    const receiptId = (await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => cardText(m).includes('征求意见中') && cardText(m).includes('回复本消息附上佐证材料')), 8_000)).messageId;
    const second = await fake.sendUserFile({ senderOpenId: LIAISON, fileName: '意见汇总.jpg', bytes: Buffer.from('jpg'), parentId: receiptId });
    await waitFor(() => fake.botMessages().find((m) => m.parentId === second.messageId), 8_000);
    const report2 = await ctx().prisma.progressReport.findFirstOrThrow({ where: { taskId: ids[1], text: '征求意见中' } });
    expect(await ctx().prisma.evidence.findFirstOrThrow({ where: { messageId: second.messageId } })).toMatchObject({ reportId: report2.id });
    // Nobody else's report got it.
    expect(await ctx().prisma.evidence.count({ where: { reportId: report.id } })).toBe(1);
  });
});
