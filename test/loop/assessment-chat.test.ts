// 考核 (leaders and the office only), 前哨站 (the office designates), and the loop's Excel workbooks
// (议题清单, 年度考核) read back — also as they arrive in the chat: 议题清单 and 考核 send the sheet as a
// file message (and 考核 its bar chart as an image message), once per message.
import { afterAll, beforeAll, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { describeEachDatabase } from '../helpers/db.js';
import { loadLoopDemo } from '../../src/demo/loop.js';
import { listReserve } from '../../src/loop/reserve.js';
import { assessmentWorkbook, topicsWorkbook } from '../../src/loop/excel.js';
import { loadAssessment } from '../../src/jobs/loop-data.js';
import { assessUnits } from '../../src/core/loop/assessment.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import { cardText, headerOf, LEADER, LIAISON, OFFICE, OFFICE_GROUP, startLoopBot, waitFor, type LoopBot } from './helpers.js';
import type { FakeMessage } from '../../src/sandbox/fake-feishu.js';
import { runJob } from '../../src/jobs/run.js';
import { ALL_HANDS_CHAT_ID } from '../../src/demo/ledger.js';

/** 考核 draws its chart (ECharts SSR + resvg, which parses a 17 MB CJK font per render): CPU-heavy on a loaded machine. */
const CHART_TIMEOUT = 90_000;

describeEachDatabase('reform loop: 考核, 前哨站, workbooks', (ctx) => {
  let bot: LoopBot;
  beforeAll(async () => {
    bot = await startLoopBot(ctx());
    await loadLoopDemo(ctx().prisma, bot.tenantId, shanghaiInstant('2026-11-20', '08:00'));
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('考核 is for the leaders and the office; every score explained', async () => {
    expect(cardText((await bot.say(LIAISON, '考核')).reply)).toContain('只向县级领导和县委改革办提供');
    const preview = await bot.say(LEADER, '考核 2026');
    expect(headerOf(preview.reply)).toBe('2026 年度改革考核结果');
    expect(cardText(preview.reply)).toContain('截至 2026-11-23 的预览');
    expect(cardText(preview.reply)).toMatch(/得分率 [\d.]+% × 40\.0 分/);
    expect(cardText((await bot.say(OFFICE, '考核 2031')).reply)).toContain('年度应为 2000–2026');
  }, CHART_TIMEOUT);

  const sentTo = (messageId: string, type: 'file' | 'image') => bot.fake.botMessages().filter((m) => m.parentId === messageId && m.msgType === type);
  const arrives = (messageId: string, type: 'file' | 'image') => waitFor(() => sentTo(messageId, type)[0], 8_000);
  async function sheetOf(m: FakeMessage, name: string): Promise<{ fileName: string; ws: ExcelJS.Worksheet }> {
    const file = bot.fake.files.get((m.content as { file_key: string }).file_key)!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
    return { fileName: file.fileName, ws: wb.getWorksheet(name)! };
  }
  const settled = () => waitFor(async () => (await ctx().prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0, 8_000);

  it('议题清单 <会议> sends the list as an Excel file to the asker, once; a liaison gets neither card nor file', async () => {
    const meeting = '2026年第四次深改委会议';
    const asked = await bot.say(OFFICE, `议题清单 ${meeting}`);
    expect(headerOf(asked.reply)).toContain(`深改委议题清单：${meeting}`);
    const { fileName, ws } = await sheetOf(await arrives(asked.messageId, 'file'), '议题清单');
    expect(fileName).toBe(`${meeting}议题清单.xlsx`);
    expect(ws.getCell(1, 1).value).toBe(`${meeting}议题清单`);
    expect(ws.getCell(3, 2).value).toBe('CB-2026-001');
    // The same event delivered again (Feishu retries) sends nothing more.
    await bot.fake.redeliver(asked.eventId);
    const refused = await bot.say(LIAISON, `议题清单 ${meeting}`);
    expect(cardText(refused.reply)).toContain('议题清单只向县委改革办和县级领导提供');
    const empty = await bot.say(LEADER, '议题清单 第九十九次会议');
    await settled();
    expect(sentTo(asked.messageId, 'file')).toHaveLength(1);
    expect(sentTo(refused.messageId, 'file')).toHaveLength(0);
    expect(sentTo(empty.messageId, 'file')).toHaveLength(0);
  });

  it('考核 sends the bar chart as an image and the sheet as a file to the leader who asked, once', async () => {
    const asked = await bot.say(LEADER, '考核 2026');
    expect(cardText(asked.reply)).toContain('得分柱状图和 Excel 明细随后发出');
    const image = await arrives(asked.messageId, 'image');
    const png = bot.fake.images.get((image.content as { image_key: string }).image_key)!.bytes;
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(5_000);
    const { fileName, ws } = await sheetOf(await arrives(asked.messageId, 'file'), '年度考核');
    expect(fileName).toBe('2026年度改革考核结果（截至2026-11-23）.xlsx');
    const data = await loadAssessment(ctx().prisma, bot.tenantId, 2026);
    const ranked = assessUnits(data.units, data.weights, '2026-11-23');
    expect(ws.rowCount).toBe(2 + ranked.length);
    expect([ws.getCell(3, 2).value, ws.getCell(3, 3).value]).toEqual([ranked[0]!.unitName, ranked[0]!.total]);
    await bot.fake.redeliver(asked.eventId);
    const refused = await bot.say(LIAISON, '考核 2026');
    await settled();
    expect([sentTo(asked.messageId, 'image').length, sentTo(asked.messageId, 'file').length]).toEqual([1, 1]);
    expect([sentTo(refused.messageId, 'image').length, sentTo(refused.messageId, 'file').length]).toEqual([0, 0]);
    expect(bot.fake.requestsFor('im.image.create', { ok: true }).length).toBeGreaterThanOrEqual(1);
  }, CHART_TIMEOUT);

  it('the yearly assessment job: each leader and the office group get the card, the chart and the sheet, once; the all-hands group nothing', async () => {
    const at = shanghaiInstant('2027-01-04', '11:30');
    const run = await runJob(bot.app, 'assessment', at);
    expect(run.messages.every((m) => m.file?.fileName === '2026年度改革考核结果.xlsx' && m.image?.fileName === '2026年度改革考核得分.png')).toBe(true);
    const to = ['ou_demo_leader_li', 'ou_demo_leader_wang', 'ou_demo_leader_zhao', OFFICE_GROUP];
    const got = (id: string, type: string) => bot.fake.botMessages(id.startsWith('oc_') ? { chatId: id } : { openId: id }).filter((m) => m.msgType === type && !m.parentId);
    for (const id of to) {
      const file = await waitFor(() => got(id, 'file')[0], 8_000);
      const { fileName, ws } = await sheetOf(file, '年度考核');
      expect(fileName).toBe('2026年度改革考核结果.xlsx');
      expect(ws.rowCount).toBeGreaterThan(2);
      await waitFor(() => got(id, 'image')[0], 8_000);
    }
    // Run again (a second instance, a manual re-run): nothing more.
    expect((await runJob(bot.app, 'assessment', at)).enqueued).toBe(0);
    await settled();
    for (const id of to) expect([got(id, 'interactive').filter((m) => headerOf(m) === '2026 年度改革考核结果').length, got(id, 'image').length, got(id, 'file').length]).toEqual([1, 1, 1]);
    expect(bot.fake.botMessages({ chatId: ALL_HANDS_CHAT_ID }).filter((m) => m.msgType === 'file' || m.msgType === 'image')).toHaveLength(0);
  }, CHART_TIMEOUT);

  it('前哨站: only the office designates; the second time undoes it; audited', async () => {
    expect(cardText((await bot.say(LIAISON, '前哨站 城关街道')).reply)).toContain('只有县委改革办');
    expect(cardText((await bot.say(OFFICE, '前哨站 三岔乡')).reply)).toContain('已将三岔乡设为前哨站');
    expect(cardText((await bot.say(OFFICE, '前哨站')).reply)).toMatch(/前哨站.*三岔乡/);
    expect(cardText((await bot.say(OFFICE, '前哨站 三岔乡')).reply)).toContain('已取消三岔乡的前哨站');
    expect(cardText((await bot.say(OFFICE, '前哨站 火星镇')).reply)).toContain('没有名为「火星镇」的单位');
    expect(await ctx().prisma.auditLog.count({ where: { tenantId: bot.tenantId, entity: 'outpost' } })).toBe(2);
  });

  it('the 议题清单 and the assessment as Excel sheets', async () => {
    const meeting = '2026年第四次深改委会议';
    const items = await listReserve(ctx().prisma, bot.tenantId, { meeting });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await topicsWorkbook(meeting, items) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('议题清单')!;
    expect(ws.getCell(1, 1).value).toBe(`${meeting}议题清单`);
    expect([ws.getCell(3, 2).value, ws.getCell(3, 5).value]).toEqual(['CB-2026-001', '通过']);
    const data = await loadAssessment(ctx().prisma, bot.tenantId, 2026);
    const ranked = assessUnits(data.units, data.weights, '2026-12-31');
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(await assessmentWorkbook(2026, ranked) as unknown as ArrayBuffer);
    const ws2 = wb2.getWorksheet('年度考核')!;
    expect(ws2.rowCount).toBe(2 + ranked.length);
    expect(ws2.getCell(3, 2).value).toBe(ranked[0]!.unitName);
    expect(ws2.getCell(3, 3).value).toBe(ranked[0]!.total);
    expect(String(ws2.getCell(3, 11).value)).toContain('完成情况：');
  });
});
