// The sandbox page in a real browser (Debian's chromium, driven by playwright-core): a liaison
// reports progress from her group, a liaison signs for a task on its card, the office jumps the
// clock to 1 July and runs the half-year tally, a liaison asks for an extension and the office
// approves it on its 延期审批 card. Screenshots go to test-artifacts/sandbox/.
//
// Needs /usr/bin/chromium (or CHROMIUM_PATH), installed by `node scripts/setup-browser.mjs`, which
// `npm test` runs first. Without it the suite is skipped, loudly, with the reason (browser-harness.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { ALL_HANDS_CHAT_ID } from '../../src/demo/ledger.js';
import { columnIndex, editedDemoWorkbook } from '../helpers/workbooks.js';
import { browserSkipReason, openBrowserSession, type BrowserSession } from './browser-harness.js';

const LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇 改革联络员
const CG_LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道 改革联络员 (QY-2026-009 is 待签收)
const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办
const SHIBAO = 'oc_demo_shibao';
const CHENGGUAN = 'oc_demo_chengguan';
const OFFICE_GROUP = 'oc_demo_office';

const reason = browserSkipReason('沙箱浏览器测试');

describe.skipIf(Boolean(reason))('sandbox page in Chromium', () => {
  let s: BrowserSession;
  let h: BrowserSession['h'];
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    s = await openBrowserSession();
    ({ h, page, pageErrors } = s);
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  const becomeIn = (openId: string, chatId: string) => s.becomeIn(openId, chatId);
  const shot = (name: string) => s.shot(name);

  it('a liaison reports progress with @bot and gets the receipt card', async () => {
    // The page is open, ready and live (browser-harness.ts). The picker lists people by unit with their roles.
    expect(await page.locator('#who optgroup[label="石堡镇"] option', { hasText: '程功 · 改革联络员' }).count()).toBe(1);
    await becomeIn(LIAISON, SHIBAO);
    expect(await page.textContent('#chat-title')).toBe('石堡镇工作群');
    expect(await page.isChecked('#mention')).toBe(true);

    await page.fill('#input', '进展 QY-2026-018 已完成执法事项目录初稿 70%');
    await page.click('#send');
    const mine = page.locator('.msg.mine .bubble', { hasText: '进展 QY-2026-018 已完成执法事项目录初稿 70%' });
    await mine.waitFor();
    expect(await mine.textContent()).toContain('@台账机器人');

    const receipt = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '进展已记录' }) });
    await receipt.waitFor();
    expect(await receipt.locator('.card-header').getAttribute('data-template')).toBe('green');
    expect(await receipt.locator('.card-subtitle').textContent()).toContain('QY-2026-018 · 程功');
    expect(await receipt.locator('.card-body').textContent()).toContain('进度：70%');
    expect(await receipt.locator('.reply-to').textContent()).toContain('回复 程功');
    await shot('01-progress-receipt.png');
  });

  it('the lead unit liaison signs for a task on its 任务交办单 and the card changes in place', async () => {
    await becomeIn(CG_LIAISON, CHENGGUAN);
    const card = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '任务交办单' }) }).first();
    await card.waitFor();
    expect(await card.locator('.card-subtitle').textContent()).toContain('QY-2026-009');
    const messageId = await card.getAttribute('data-message-id');
    const before = await page.locator('.msg.from-bot').count();
    await shot('02-dispatch-before.png');

    await card.locator('button.card-btn', { hasText: '签收' }).click();
    await page.locator('#toast.show', { hasText: '已签收' }).waitFor();
    const same = page.locator(`.msg[data-message-id="${messageId}"]`);
    await same.locator('.card-body', { hasText: '已签收 · 袁媛' }).waitFor();
    expect(await same.getAttribute('data-version')).toBe('1');
    expect(await same.locator('button', { hasText: '签收' }).count()).toBe(0);
    expect(await same.locator('.card-header').getAttribute('data-template')).toBe('green');
    expect(await page.locator('.msg.from-bot').count()).toBe(before); // updated, not a new message
    await shot('03-dispatch-signed.png');
  });

  it('a submitted form goes back through the card callback', async () => {
    await page.fill('#input', '我的任务');
    await page.click('#send');
    const list = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '在办事项' }) }).last();
    await list.waitFor();
    const listId = await list.getAttribute('data-message-id');
    await list.locator('button.card-btn', { hasText: '填报进展' }).click();
    // The group's card is everyone's: the form comes to the clicker privately, the list stays.
    await page.locator('#toast.show', { hasText: '私信' }).waitFor();
    expect(await page.locator(`.msg[data-message-id="${listId}"]`).getAttribute('data-version')).toBe('0');
    await page.click('.chat-item[data-chat-type="p2p"]');
    const formCard = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '进展填报' }) }).last();
    await formCard.waitFor();
    const id = await formCard.getAttribute('data-message-id');
    const form = page.locator(`.msg[data-message-id="${id}"] .card-form`);
    await form.waitFor();
    // Required fields are checked before anything is sent.
    await form.locator('button', { hasText: '提交' }).click();
    await page.locator('#toast.show', { hasText: '请填写' }).waitFor();
    await form.locator('select[data-field="task"]').selectOption({ label: await form.locator('select[data-field="task"] option:not([disabled])').first().innerText() });
    await form.locator('[data-field="text"]').fill('社区协商议事规则已起草，正在征求居民代表意见');
    await form.locator('[data-field="percent"]').fill('30');
    await shot('04-progress-form.png');
    await form.locator('button', { hasText: '提交' }).click();
    await page.locator(`.msg[data-message-id="${id}"] .card-title`, { hasText: '进展已记录' }).waitFor();
    expect(await page.locator(`.msg[data-message-id="${id}"] .card-body`).textContent()).toContain('进度：30%');
    await becomeIn(CG_LIAISON, CHENGGUAN);
  });

  it('the office jumps to 2026-07-01 10:00, runs the half-year tally, and it arrives in the all-hands group', async () => {
    await becomeIn(OFFICE, ALL_HANDS_CHAT_ID);
    await page.fill('#clock-input', '2026-07-01T10:00');
    await page.click('#clock-jump');
    await page.locator('#clock-now', { hasText: '2026/07/01' }).waitFor();
    expect(await page.textContent('#clock-now')).toMatch(/10:0\d/);

    await page.selectOption('#job-select', 'half-year');
    await page.click('#job-run');
    const log = page.locator('#job-log li.ok', { hasText: '半年一通报' });
    await log.waitFor();
    expect(await log.textContent()).toMatch(/本次新发送 [1-9]\d* 条/);
    const tally = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '半年一通报' }) });
    await tally.waitFor({ timeout: 15_000 });
    const text = (await tally.textContent()) ?? '';
    expect(text).toMatch(/完成率/);
    // The chart and the table are drawn, not dumped as JSON.
    expect(await tally.locator('.el-chart, .el-table').count()).toBeGreaterThan(0);
    expect(text).not.toContain('chart_spec');
    await page.setViewportSize({ width: 1440, height: 1500 });
    await tally.scrollIntoViewIfNeeded();
    await shot('05-half-year-tally.png');
    await page.setViewportSize({ width: 1440, height: 1000 });
    expect(pageErrors).toEqual([]);
  });

  it('renders every other card the bot sends (help, ledger summary, my tasks) without unsupported parts', async () => {
    await becomeIn(LIAISON, h.sandbox.fake.p2pChatId(LIAISON));
    expect(await page.isHidden('#mention-wrap')).toBe(true); // no @ in a private chat
    for (const [command, title] of [['帮助', '使用说明'], ['台账', '改革台账'], ['我的任务', '在办事项']] as const) {
      await page.fill('#input', command);
      await page.click('#send');
      await page.locator('.msg.from-bot .card-title', { hasText: title }).last().waitFor().catch(async (err) => {
        await shot('debug.png');
        throw err;
      });
    }
    expect(await page.locator('.card-unsupported').count()).toBe(0);
    expect(await page.locator('.msg.from-bot .el-md b').count()).toBeGreaterThan(0); // **bold** rendered, not shown raw
    expect(await page.locator('.msg.from-bot .md-tag').count()).toBeGreaterThan(0); // <text_tag> rendered as tags
    expect((await page.locator('#messages').textContent()) ?? '').not.toMatch(/\*\*|<font|<text_tag|&#\d+;/);
    await page.setViewportSize({ width: 1440, height: 2200 });
    await page.locator('#messages').evaluate((el) => (el.scrollTop = 0));
    await shot('06-private-chat-cards.png');
    await page.setViewportSize({ width: 1440, height: 1000 });
    expect(pageErrors).toEqual([]);
  });

  it('at a phone\'s width (390 px) the office sends a workbook in its private chat: preview card → 确认导入', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await becomeIn(OFFICE, h.sandbox.fake.p2pChatId(OFFICE));
    // One column: nothing wider than the screen, the input on screen.
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    const input = await page.locator('#input').boundingBox();
    expect(input && input.y + input.height).toBeLessThanOrEqual(844);
    expect(input && input.x).toBeGreaterThanOrEqual(0);
    // The conversation takes most of the screen: people, chats and the sandbox tools stay compact.
    const conversation = await page.locator('.conversation').boundingBox();
    expect(conversation!.height).toBeGreaterThanOrEqual(0.55 * 844);
    expect(conversation!.y + conversation!.height).toBeLessThanOrEqual(844);

    const workbook = await readFile(await editedDemoWorkbook((wb) => {
      const ws = wb.getWorksheet('台账')!;
      const row = ws.addRow([]);
      row.getCell(columnIndex(wb, '台账', '编号')).value = 'QY-2026-088';
      row.getCell(columnIndex(wb, '台账', '改革事项')).value = '沙箱页面导入的新事项';
      row.getCell(columnIndex(wb, '台账', '牵头单位')).value = '城关街道';
      row.getCell(columnIndex(wb, '台账', '完成时限')).value = '2027-06-30';
    }));
    await page.setInputFiles('#file', { name: '清源县改革台账.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: workbook });
    // The file shows as a file message with its download link.
    const link = page.locator('.msg.mine .file-link', { hasText: '清源县改革台账.xlsx' }).last();
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(/^\/api\/files\/file_v3_/);
    const preview = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '导入预览' }) }).last();
    await preview.waitFor({ timeout: 15_000 });
    expect((await preview.textContent()) ?? '').toContain('QY-2026-088');
    // Cards as wide as the conversation.
    const cardBox = await preview.locator('.fcard').boundingBox();
    expect(cardBox!.width).toBeGreaterThan(300);
    await shot('07-phone-import-preview.png');
    await preview.locator('button.card-btn', { hasText: '确认导入' }).click();
    await page.locator('.msg.from-bot .card-title', { hasText: '已导入' }).last().waitFor({ timeout: 15_000 });
    await shot('08-phone-imported.png');
    await page.setViewportSize({ width: 1440, height: 1000 });
    expect(pageErrors).toEqual([]);
  });

  it('a liaison asks 延期 in her group, the office approves on its 延期审批 card, and the 完成时限 changes', async () => {
    const prisma = h.app.db.prisma;
    const code = 'QY-2026-018'; // 石堡镇, 推进中, 完成时限 2026-11-25
    const before = await prisma.task.findFirstOrThrow({ where: { tenantId: h.app.defaultTenant.id, codeKey: code } });
    expect(before.deadline).toBe('2026-11-25');
    await becomeIn(LIAISON, SHIBAO);
    await page.fill('#input', `延期 ${code} 2027-03-31 执法事项目录需待省级清单调整后定稿`);
    await page.click('#send');
    await page.locator('.msg.from-bot', { hasText: `由 2026-11-25 延至 2027-03-31` }).last().waitFor();
    await shot('09-extension-asked.png');

    await becomeIn(OFFICE, OFFICE_GROUP);
    const card = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '延期审批' }) }).filter({ hasText: code }).last();
    await card.waitFor();
    expect((await card.textContent()) ?? '').toContain('执法事项目录需待省级清单调整后定稿');
    const messageId = await card.getAttribute('data-message-id');
    await card.locator('button.card-btn', { hasText: '同意' }).click();
    await page.locator('#toast.show', { hasText: '已同意，完成时限改为 2027-03-31' }).waitFor();
    await page.locator(`.msg[data-message-id="${messageId}"] .card-title`, { hasText: '已同意' }).waitFor();
    expect(await page.locator(`.msg[data-message-id="${messageId}"] button`, { hasText: '同意' }).count()).toBe(0);
    await shot('10-extension-approved.png');

    const after = await prisma.task.findFirstOrThrow({ where: { id: before.id } });
    expect([after.deadline, after.originalDeadline]).toEqual(['2027-03-31', '2026-11-25']);
    // 查看 on the page shows the new time limit and the first one.
    await page.fill('#input', `查看 ${code}`);
    await page.click('#send');
    const view = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: code }) }).last();
    await view.locator('.card-body', { hasText: '2027-03-31' }).waitFor();
    expect((await view.textContent()) ?? '').toContain('原时限 2026-11-25');
    expect(pageErrors).toEqual([]);
  });
});
