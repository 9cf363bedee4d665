// Files in: the office sends a workbook to the bot, over the signed webhook against the fake Feishu,
// on SQLite and PostgreSQL. The bot downloads it (message resource API), answers with a preview
// card (created, changed before → after, left alone) and imports exactly what it showed on
// 确认导入 — not the file as it is by then; problems come with sheet and row; others are refused
// without a download; an edit made after the preview stops the import; 取消 writes nothing.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/app.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { columnIndex, editedDemoWorkbook, rowByKey } from '../helpers/workbooks.js';
import { waitFor } from '../feishu/helpers.js';
import { type ChatBed, cardText, headerOf, startChatBed } from './bed.js';

const OFFICE = 'ou_demo_office_zhou';
const LIAISON = 'ou_demo_chengguan_liaison';
const OFFICE_GROUP = 'oc_demo_office';
const CODE = 'QY-2026-001';


/** The demo workbook with CODE's 完成时限 moved and one new task QY-2026-099 led by 城关街道. */
async function editedWorkbook(deadline = '2027-03-31'): Promise<Buffer> {
  const file = await editedDemoWorkbook((wb) => {
    rowByKey(wb, '台账', CODE).getCell(columnIndex(wb, '台账', '完成时限')).value = deadline;
    const ws = wb.getWorksheet('台账')!;
    const row = ws.addRow([]);
    row.getCell(columnIndex(wb, '台账', '编号')).value = 'QY-2026-099';
    row.getCell(columnIndex(wb, '台账', '改革事项')).value = '新增改革事项';
    row.getCell(columnIndex(wb, '台账', '牵头单位')).value = '城关街道';
    row.getCell(columnIndex(wb, '台账', '完成时限')).value = '2027-06-30';
  });
  return readFile(file);
}

describeEachDatabase('importing a workbook sent in the chat', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let app: AppContext;
  let tenantId: number;

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, app, tenantId } = bed);
  });
  afterAll(() => bed?.close());

  const task = (code: string) => ctx().prisma.task.findFirst({ where: { tenantId, codeKey: code } });
  async function send(openId: string, fileName: string, bytes: Buffer, chatId?: string) {
    const sent = await fake.sendUserFile({ senderOpenId: openId, fileName, bytes, ...(chatId ? { chatId } : {}) });
    expect(sent.acked).toBe(true);
    const reply = await waitFor(() => fake.botMessages().find((m) => m.parentId === sent.messageId), 10_000);
    return { ...sent, reply };
  }

  it('preview → 确认导入 imports what was previewed (not the file changed since), once; dispatch cards follow', async () => {
    const before = await task(CODE);
    const { reply, fileKey } = await send(OFFICE, '清源县改革台账.xlsx', await editedWorkbook());
    expect(headerOf(reply)).toBe('导入预览：清源县改革台账.xlsx');
    const text = cardText(reply);
    expect(text).toContain('QY-2026-099');
    expect(text).toContain(`完成时限 ${before!.deadline} → 2027-03-31`);
    expect(text).toContain('确认导入');
    expect(fake.requestsFor('im.message.resource.get', { ok: true }).length).toBeGreaterThanOrEqual(1);
    // Nothing written yet.
    expect((await task(CODE))!.deadline).toBe(before!.deadline);
    expect(await task('QY-2026-099')).toBeNull();

    // The file in Feishu changes after the preview: the stored plan is what counts.
    fake.files.get(fileKey)!.bytes = await editedWorkbook('2028-01-01');
    const id = await ctx().prisma.importPreview.findFirstOrThrow({ where: { tenantId, messageId: reply.parentId! } });
    const confirm = await fake.clickCard({ messageId: reply.messageId, operatorOpenId: OFFICE, value: { a: 'import_confirm', t: id.id } });
    expect(confirm.toast).toMatchObject({ type: 'success', content: expect.stringContaining('新增事项 1 项，修改 1 项') });
    expect((await task(CODE))!.deadline).toBe('2027-03-31');
    const created = await task('QY-2026-099');
    expect(created?.status).toBe('待签收');
    expect(headerOf(fake.getMessage(reply.messageId))).toBe('已导入：清源县改革台账.xlsx');
    await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => cardText(m).includes('QY-2026-099')), 10_000);
    // Audited as the office's person.
    expect(await ctx().prisma.auditLog.count({ where: { tenantId, entity: 'task', entityId: String(created!.id), actor: { startsWith: 'person:' } } })).toBe(1);

    const again = await fake.clickCard({ messageId: reply.messageId, operatorOpenId: OFFICE, value: { a: 'import_confirm', t: id.id } });
    expect(again.toast).toMatchObject({ type: 'info', content: expect.stringContaining('无需重复') });
    expect(await ctx().prisma.task.count({ where: { tenantId, codeKey: 'QY-2026-099' } })).toBe(1);
  });

  it('a liaison is refused in Chinese and nothing is downloaded; a liaison cannot click 确认导入', async () => {
    const downloads = fake.requestsFor('im.message.resource.get').length;
    const { reply } = await send(LIAISON, '台账.xlsx', await editedWorkbook('2027-04-30'));
    expect((reply.content as { text: string }).text).toContain('只有县委改革办可以通过发送文件导入台账');
    expect(fake.requestsFor('im.message.resource.get').length).toBe(downloads);

    const office = await send(OFFICE, '台账.xlsx', await editedWorkbook('2027-04-30'));
    const row = await ctx().prisma.importPreview.findFirstOrThrow({ where: { tenantId, messageId: office.messageId } });
    const forged = await fake.clickCard({ messageId: office.reply.messageId, operatorOpenId: LIAISON, value: { a: 'import_confirm', t: row.id } });
    expect(forged.toast).toMatchObject({ type: 'error', content: expect.stringContaining('只有县委改革办') });
    // 取消 writes nothing.
    const cancel = await fake.clickCard({ messageId: office.reply.messageId, operatorOpenId: OFFICE, value: { a: 'import_cancel', t: row.id } });
    expect(cancel.toast).toMatchObject({ type: 'info', content: expect.stringContaining('已取消') });
    expect((await task(CODE))!.deadline).toBe('2027-03-31');
  });

  it('problems come with sheet and row; nothing is stored', async () => {
    const file = await editedDemoWorkbook((wb) => {
      rowByKey(wb, '台账', 'QY-2026-002').getCell(columnIndex(wb, '台账', '牵头单位')).value = '不存在的单位';
    });
    const { reply, messageId } = await send(OFFICE, '有错的台账.xlsx', await readFile(file));
    expect(headerOf(reply)).toMatch(/^导入检查未通过：有错的台账\.xlsx（\d+ 处问题）$/);
    expect(cardText(reply)).toMatch(/「台账」第 \d+ 行「牵头单位」列/);
    expect(await ctx().prisma.importPreview.count({ where: { messageId } })).toBe(0);
  });

  it('in the office group too; an edit after the preview stops the import (nothing written)', async () => {
    const { reply, messageId } = await send(OFFICE, '台账.xlsx', await editedWorkbook('2027-05-31'), OFFICE_GROUP);
    expect(headerOf(reply)).toBe('导入预览：台账.xlsx');
    await ctx().prisma.task.updateMany({ where: { tenantId, codeKey: 'QY-2026-002' }, data: { title: '别人刚改过的标题' } });
    const row = await ctx().prisma.importPreview.findFirstOrThrow({ where: { tenantId, messageId } });
    const res = await fake.clickCard({ messageId: reply.messageId, operatorOpenId: OFFICE, value: { a: 'import_confirm', t: row.id } });
    expect(res.toast).toMatchObject({ type: 'warning', content: expect.stringContaining('重新发送文件') });
    expect((await task(CODE))!.deadline).toBe('2027-03-31');
    expect((await ctx().prisma.importPreview.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('stale');
  });

  it('a file in a unit group is left alone; an unrelated file in a private chat gets a short answer', async () => {
    const inGroup = await fake.sendUserFile({ senderOpenId: LIAISON, chatId: 'oc_demo_chengguan', fileName: '照片说明.xlsx', bytes: Buffer.from('x') });
    expect(inGroup.acked).toBe(true);
    const other = await send(LIAISON, '会议纪要.pdf', Buffer.from('%PDF'));
    expect((other.reply.content as { text: string }).text).toContain('机器人只接收两类文件');
    expect(fake.botMessages().filter((m) => m.parentId === inGroup.messageId)).toHaveLength(0);
  });
});
