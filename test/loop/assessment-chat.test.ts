// 考核 (leaders and the office only), 前哨站 (the office designates), and the loop's Excel workbooks
// (议题清单, 年度考核) read back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { describeEachDatabase } from '../helpers/db.js';
import { loadLoopDemo } from '../../src/demo/loop.js';
import { listReserve } from '../../src/loop/reserve.js';
import { assessmentWorkbook, topicsWorkbook } from '../../src/loop/excel.js';
import { loadAssessment } from '../../src/jobs/loop-data.js';
import { assessUnits } from '../../src/core/loop/assessment.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import { cardText, headerOf, LEADER, LIAISON, OFFICE, startLoopBot, type LoopBot } from './helpers.js';

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
  });

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
