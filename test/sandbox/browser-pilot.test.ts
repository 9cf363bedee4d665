// From pilot to promotion on the sandbox page in a real browser (issue 16): a unit's liaison submits
// a case for the quarter's theme by card (linked to its task), the office comments, rates and
// selects it on the review card, compiles the 案例汇编 in chat and the case is in the card and in
// the Word file downloaded from the page; a promoting unit's liaison reports progress, problems and
// its 适应性调整 by card, the office compiles the 推广动态简报 and the report is in the card and the
// Word file. Screenshots go to test-artifacts/sandbox/pilot-*.png. Skipped, loudly, without Chromium.
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserSkipReason, openBrowserSession, type BrowserSession } from './browser-harness.js';

const CG_LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道 改革联络员 (leads QY-2026-009; a promoting unit)
const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办
const OFFICE_GROUP = 'oc_demo_office';

const reason = browserSkipReason('试点与复制推广浏览器测试');

/** The text of a .docx: the runs of word/document.xml joined. */
async function docxText(bytes: Buffer): Promise<string> {
  const xml = await (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}

describe.skipIf(Boolean(reason))('from pilot to promotion on the sandbox page in Chromium', () => {
  let s: BrowserSession;
  let page: Page;
  beforeAll(async () => {
    s = await openBrowserSession({ jobs: false, timeoutMs: 15_000 });
    page = s.page;
  }, 90_000);
  afterAll(async () => {
    await s?.close();
  });

  /** Click the file message's link on the page and read what the browser downloaded. */
  async function download(link: Locator): Promise<{ name: string; bytes: Buffer }> {
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
  }
  /** The bot's file reply named like `prefix` (the latest). */
  const fileLink = (prefix: string) => page.locator('.msg.from-bot .file-link', { hasText: prefix }).last();

  it('a case from the liaison\'s card to the 案例汇编: submitted, commented, rated, selected, compiled, in the Word file', async () => {
    const prisma = s.h.app.db.prisma;
    const title = '“网格吹哨、部门报到”让群众诉求一站办结';
    // 1. The liaison asks for the form naming the task the case comes from; it arrives privately with 关联事项 filled in.
    await s.privately(CG_LIAISON);
    await s.send('案例 QY-2026-009');
    const formCard = s.botCard('典型案例报送');
    await formCard.waitFor();
    expect(await formCard.locator('.card-subtitle').textContent()).toContain('主题：基层治理与便民服务创新');
    const form = formCard.locator('.card-form');
    expect(await form.locator('[data-field="tasks"]').inputValue()).toBe('QY-2026-009');
    await form.locator('[data-field="title"]').fill(title);
    await form.locator('[data-field="background"]').fill('群众诉求涉及多个部门，来回跑、多头找');
    await form.locator('[data-field="actions"]').fill('社区网格员发现问题即“吹哨”，职能部门 2 小时内到场会商');
    await form.locator('[data-field="results"]').fill('诉求平均办结时间由 6 天缩短到 1.5 天，满意率 97.2%');
    await form.locator('[data-field="evidence"]').fill('《城关街道网格吹哨工作办法》');
    await form.locator('[data-field="contact"]').fill('袁媛 13900000000');
    await s.shot('pilot-01-case-form.png');
    await form.locator('button.card-btn', { hasText: '提交案例' }).click();
    await s.toast('案例已提交');
    const row = await prisma.typicalCase.findFirstOrThrow({ where: { title } });
    expect([row.stage, row.selected]).toEqual(['挖掘提升', false]);

    // 2. The office comments, rates and selects it on the review card in its group; the card changes in place.
    await s.becomeIn(OFFICE, OFFICE_GROUP);
    const review = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '典型案例 · 待点评' }) }).filter({ hasText: title }).last();
    await review.waitFor();
    expect(await review.textContent()).toContain('关联事项：QY-2026-009');
    const reviewId = await review.getAttribute('data-message-id');
    const reviewForm = review.locator('.card-form');
    await reviewForm.locator('[data-field="highlights"]').fill('吹哨报到、限时会商');
    await reviewForm.locator('[data-field="value"]').fill('适合在城区各街道推广');
    await reviewForm.locator('[data-field="rating"]').fill('A');
    await s.shot('pilot-02-case-review.png');
    await reviewForm.locator('button.card-btn', { hasText: '点评并入选汇编' }).click();
    await s.toast('案例入选本季度汇编');
    const selected = page.locator(`.msg[data-message-id="${reviewId}"]`);
    await selected.locator('.card-title', { hasText: '典型案例 · 已入选汇编' }).waitFor();
    expect(await selected.textContent()).toContain('已入选 · 评级 A');
    expect(await selected.locator('.card-subtitle').textContent()).toMatch(/^城关街道 · \d{4}年第[一二三四]季度 · 培育推广$/);
    expect(await selected.locator('button.card-btn', { hasText: '点评并入选汇编' }).count()).toBe(0);

    // 3. The office compiles the 案例汇编 in its private chat: a card naming the case and the Word file.
    await s.privately(OFFICE);
    await s.send('案例汇编');
    const book = s.botCard('典型案例汇编');
    await book.waitFor();
    const bookText = (await book.textContent()) ?? '';
    expect(bookText).toContain(title);
    expect(bookText).toContain('评级 A，关联 QY-2026-009');
    const link = fileLink('典型案例汇编-');
    await link.waitFor();
    await s.shot('pilot-03-case-book.png');
    const file = await download(link);
    expect(file.name).toMatch(/^典型案例汇编-\d{4}-Q[1-4]\.docx$/);
    const doc = await docxText(file.bytes);
    expect(doc).toMatch(/\d{4}年第[一二三四]季度全面深化改革典型案例汇编/);
    expect(doc).toContain('主题：基层治理与便民服务创新');
    expect(doc).toContain(`${title}（城关街道）`);
    expect(doc).toContain('诉求平均办结时间由 6 天缩短到 1.5 天，满意率 97.2%');
    expect(doc).toContain('亮点：吹哨报到、限时会商');
    expect(doc).toContain('推广价值：适合在城区各街道推广');
    expect(doc).toMatch(/关联事项与成果1\.关联事项：QY-2026-009/);
    expect(await page.locator('.card-unsupported').count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  }, 120_000);

  it('a promotion report from the unit\'s card into the 推广动态简报: progress, problems and 适应性调整, in the card and the Word file', async () => {
    const progress = '已在 4 个社区开设庭院经济点，带动 23 户增收';
    const problems = '冷链仓储设施不足';
    const adaptations = '城区无成片土地，改“农创园”为社区共享菜园，因地制宜';
    // 1. The promoting unit's liaison asks for the report form (privately) and submits it.
    await s.privately(CG_LIAISON);
    await s.send('推广');
    const formCard = s.botCard('推广进展报送');
    await formCard.waitFor();
    expect(await formCard.textContent()).toContain('底线要求（不得改变）：不改变土地用途');
    const form = formCard.locator('.card-form');
    await form.locator('[data-field="progress"]').fill(progress);
    await form.locator('[data-field="problems"]').fill(problems);
    await form.locator('[data-field="adaptations"]').fill(adaptations);
    await s.shot('pilot-04-promotion-form.png');
    await form.locator('button.card-btn', { hasText: '提交' }).click();
    await s.toast('推广进展已报送');

    // 2. The office compiles the 简报: the card carries the adjustment and the problem, the file all three.
    await s.privately(OFFICE);
    await s.send('简报');
    const brief = s.botCard('推广动态简报');
    await brief.waitFor();
    const briefText = (await brief.textContent()) ?? '';
    expect(briefText).toContain(`城关街道：${adaptations}`);
    expect(briefText).toContain(`城关街道：${problems}`);
    const link = fileLink('推广动态简报-');
    await link.waitFor();
    await s.shot('pilot-05-brief.png');
    const file = await download(link);
    expect(file.name).toMatch(/^推广动态简报-\d{4}-\d{2}\.docx$/);
    const doc = await docxText(file.bytes);
    expect(doc).toContain('改革试点经验复制推广动态简报');
    expect(doc).toContain(`城关街道（`); // the unit under its batch
    expect(doc).toContain(progress);
    expect(doc).toContain(`城关街道：${adaptations}（家庭农场培育提升经验复制推广）`);
    expect(doc).toContain(`城关街道：${problems}（家庭农场培育提升经验复制推广）`);
    expect(await page.locator('.card-unsupported').count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  }, 120_000);
});
