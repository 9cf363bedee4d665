// 导出台账 and 「获取逐项清单」 end to end over the signed webhook against the fake Feishu, on SQLite and
// PostgreSQL: the export is uploaded (im/v1/files) and sent as a file message; who may export what
// (the office anything, a liaison their own unit, others nothing); the half-year card's button sends
// the list privately, once per card and person.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/app.js';
import { runJob } from '../../src/jobs/run.js';
import type { FakeFeishu, FakeMessage } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import { type ChatBed, startChatBed } from './bed.js';

const OFFICE = 'ou_demo_office_zhou';
const CHENGGUAN = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道
const LEADER = 'ou_demo_leader_wang';

/** The 台账 sheet's task codes of a sent file. */
async function codesIn(fake: FakeFeishu, m: FakeMessage): Promise<string[]> {
  const file = fake.files.get((m.content as { file_key: string }).file_key)!;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
  const codes: string[] = [];
  wb.getWorksheet('台账')!.eachRow((row, n) => {
    if (n > 1) codes.push(String(row.getCell(1).value));
  });
  return codes;
}

describeEachDatabase('export files', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let app: AppContext;
  let tenantId: number;

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, app, tenantId } = bed);
  });
  afterAll(() => bed?.close());

  let n = 0;
  async function say(openId: string, text: string) {
    const messageId = `om_export_${n++}`;
    await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId });
    const reply = await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId && m.msgType === 'text'), 8_000);
    return { messageId, reply: (reply.content as { text: string }).text };
  }
  const fileReply = (messageId: string) => waitFor(() => fake.botMessages().find((m) => m.parentId === messageId && m.msgType === 'file'), 8_000);
  const taskCount = (where: object = {}) => ctx().prisma.task.count({ where: { tenantId, ...where } });

  it('the office exports the whole ledger: a file message whose workbook holds every task', async () => {
    const { messageId, reply } = await say(OFFICE, '导出台账');
    expect(reply).toContain(`已导出全县台账：事项 ${await taskCount()} 项`);
    const file = await fileReply(messageId);
    expect(fake.files.get((file.content as { file_key: string }).file_key)?.fileName).toMatch(/^全县改革台账_2026-11-23\.xlsx$/);
    expect((await codesIn(fake, file)).length).toBe(await taskCount());
    expect(fake.requestsFor('im.file.create', { ok: true }).length).toBeGreaterThanOrEqual(1);
  });

  it('导出台账 石堡镇: only the tasks the unit leads or co-operates on', async () => {
    const unit = await ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name: '石堡镇' } });
    const expected = await taskCount({ OR: [{ leadUnitId: unit.id }, { coUnits: { some: { unitId: unit.id } } }] });
    const { messageId, reply } = await say(OFFICE, '导出台账 石堡镇');
    expect(reply).toContain(`已导出石堡镇台账：事项 ${expected} 项`);
    expect(await codesIn(fake, await fileReply(messageId))).toHaveLength(expected);
  });

  it('a liaison exports their own unit, not another; a leader may not use the command', async () => {
    const own = await say(CHENGGUAN, '导出台账');
    expect(own.reply).toContain('已导出城关街道台账');
    await fileReply(own.messageId);
    const other = await say(CHENGGUAN, '导出台账 石堡镇');
    expect(other.reply).toContain('您只能导出本单位（城关街道）的台账');
    const leader = await say(LEADER, '导出台账');
    expect(leader.reply).toContain('只有县委改革办和各单位改革联络员可以导出台账');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.botMessages().filter((m) => (m.parentId === other.messageId || m.parentId === leader.messageId) && m.msgType === 'file')).toHaveLength(0);
  });

  it('the half-year card offers 「获取逐项清单」: the clicker gets the file privately, once', async () => {
    await runJob(app, 'half-year', new Date('2026-07-01T03:00:00Z'));
    const card = await waitFor(() => fake.botMessages().find((m) => m.msgType === 'interactive' && JSON.stringify(m.content).includes('获取逐项清单')), 8_000);
    expect(JSON.stringify(card.content)).not.toMatch(/taizhang|命令行/);
    const first = await fake.clickCard({ messageId: card.messageId, operatorOpenId: LEADER, value: { a: 'export_list' } });
    expect(first.toast).toMatchObject({ type: 'success', content: expect.stringContaining('私聊') });
    const file = await waitFor(() => fake.botMessages({ openId: LEADER }).find((m) => m.msgType === 'file'), 8_000);
    expect((await codesIn(fake, file)).length).toBe(await taskCount());
    const again = await fake.clickCard({ messageId: card.messageId, operatorOpenId: LEADER, value: { a: 'export_list' } });
    expect(again.toast).toMatchObject({ type: 'info', content: expect.stringContaining('已发送过') });
    // A liaison gets their own unit's list.
    await fake.clickCard({ messageId: card.messageId, operatorOpenId: CHENGGUAN, value: { a: 'export_list' } });
    const own = await waitFor(() => fake.botMessages({ openId: CHENGGUAN }).find((m) => m.msgType === 'file' && !m.parentId), 8_000);
    const unit = await ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name: '城关街道' } });
    expect(await codesIn(fake, own)).toHaveLength(await taskCount({ OR: [{ leadUnitId: unit.id }, { coUnits: { some: { unitId: unit.id } } }] }));
    await waitFor(async () => (await ctx().prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0, 8_000);
    expect(fake.botMessages({ openId: LEADER }).filter((m) => m.msgType === 'file')).toHaveLength(1);
  });
});
