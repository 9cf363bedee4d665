// The reform loop on the sandbox page in a real browser (Debian's chromium, driven by playwright-core):
// a liaison's 建议 → the office's 办理 card → 采纳入库 → 风控 form → 立项 form → the lead unit's liaison
// signs the 任务交办单; and a 揭榜挂帅 call from 发榜 through two units' 揭榜 to 比选 and 挂帅. Every step
// through the page: typed messages, card buttons, card forms.
// Screenshots go to test-artifacts/sandbox/loop-*.png. Skipped, loudly, without Chromium (browser-harness.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSkipReason, openBrowserSession, type BrowserSession } from './browser-harness.js';

const CG_LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道 改革联络员
const SB_LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇 改革联络员
const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办

const reason = browserSkipReason('改革闭环浏览器测试');

describe.skipIf(Boolean(reason))('the reform loop on the sandbox page in Chromium', () => {
  let s: BrowserSession;
  let page: Page;
  beforeAll(async () => {
    s = await openBrowserSession({ jobs: false, timeoutMs: 15_000 });
    page = s.page;
  }, 90_000);
  afterAll(async () => {
    await s?.close();
  });
  const privately = (openId: string) => s.privately(openId);
  const send = (text: string) => s.send(text);
  const botCard = (title: string) => s.botCard(title);
  const toast = (text: string | RegExp) => s.toast(text);
  const shot = (name: string) => s.shot(name);

  it('建议 → 办理 → 采纳入库 → 风控 → 立项 → 签收, all on the page', async () => {
    // 1. A liaison suggests a reform in her private chat and gets a numbered receipt.
    await privately(CG_LIAISON);
    await send('建议 推行社区养老服务“时间银行”。志愿者为老人服务的时长存入账户，将来兑换服务');
    const receipt = botCard('改革建议已收到');
    await receipt.waitFor();
    const number = /JY-\d{4}-\d{3}/.exec((await receipt.locator('.card-title').textContent()) ?? '')?.[0];
    expect(number).toBeTruthy();
    await shot('loop-01-suggestion-receipt.png');

    // 2. The office opens it from 建议处理 (办理 → the card privately) and adopts it into the 储备库.
    await privately(OFFICE);
    await send('建议处理');
    const list = botCard('待处理的改革建议');
    await list.waitFor();
    // The list's 办理 button right after the line naming this suggestion.
    const open = list.locator(`xpath=.//*[contains(@class,"el-md")][contains(., "${number}")]/following::button[contains(@class,"card-btn")][1]`);
    expect(await open.textContent()).toContain('办理');
    await open.click();
    await toast('办理卡片已私信');
    const handle = botCard(`改革建议 ${number}`);
    await handle.waitFor();
    await handle.locator('button.card-btn', { hasText: '采纳入库' }).click();
    await toast('已告知建议人');
    await handle.locator('.card-body', { hasText: '采纳入库' }).waitFor();
    expect(await handle.locator('button.card-btn', { hasText: '采纳入库' }).count()).toBe(0); // done: no more actions
    const suggestion = await s.h.app.db.prisma.suggestion.findFirstOrThrow({ where: { number: number! }, select: { id: true } });
    const item = await s.h.app.db.prisma.reserveItem.findFirstOrThrow({ where: { suggestionId: suggestion.id }, select: { number: true } });
    await shot('loop-02-adopted.png');

    // 3. 风控: the four dimensions in the form card; the verdict is the worst of the four.
    await send(`风控 ${item.number}`);
    const risk = botCard(`风控审查：${item.number}`);
    await risk.waitFor();
    const riskForm = risk.locator('.card-form');
    for (const [field, value] of [['feasibility', '通过'], ['legality', '通过'], ['social', '有条件通过'], ['opinion', '通过']] as const) {
      await riskForm.locator(`select[data-field="${field}"]`).selectOption(value);
    }
    await riskForm.locator('[data-field="socialNote"]').fill('先在两个社区试行');
    await shot('loop-03-risk-form.png');
    await riskForm.locator('button.card-btn', { hasText: '提交审查结论' }).click();
    await toast('审查结论：有条件通过');

    // 4. 立项: the form makes a 待签收 task led by 城关街道 and sends its 任务交办单.
    await send(`立项 ${item.number}`);
    const launch = botCard(`立项：${item.number}`);
    await launch.waitFor();
    const launchForm = launch.locator('.card-form');
    await launchForm.locator('[data-field="title"]').fill('推行社区养老服务“时间银行”');
    await launchForm.locator('select[data-field="category"]').selectOption({ index: 1 });
    await launchForm.locator('select[data-field="leadUnit"]').selectOption({ label: '城关街道' });
    await launchForm.locator('[data-field="deadline"]').fill('2027-06-30');
    await launchForm.locator('[data-field="milestones"]').fill('制定时间银行管理办法 2027-01-31\n两个社区试行 2027-03-31');
    await shot('loop-04-launch-form.png');
    await launchForm.locator('button.card-btn', { hasText: '立项并交办' }).click();
    const launched = page.locator('#toast.show', { hasText: /已立项 QY-2026-\d{3}/ });
    await launched.waitFor();
    const code = /QY-2026-\d{3}/.exec((await launched.textContent()) ?? '')![0];

    // 5. The lead unit's liaison signs the 任务交办单 on its card; the card changes in place.
    await privately(CG_LIAISON);
    const dispatch = page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '任务交办单' }) }).filter({ hasText: code }).last();
    await dispatch.waitFor();
    const messageId = await dispatch.getAttribute('data-message-id');
    await dispatch.locator('button.card-btn', { hasText: '签收' }).click();
    await toast('已签收');
    const same = page.locator(`.msg[data-message-id="${messageId}"]`);
    await same.locator('.card-body', { hasText: '已签收 · 袁媛' }).waitFor();
    // The suggester (the same liaison) was told each outcome privately.
    await botCard('您的改革建议已立项').waitFor();
    expect(await page.locator('.msg.from-bot .card-title', { hasText: '您的改革建议已被采纳' }).count()).toBeGreaterThan(0);
    await shot('loop-05-signed.png');
    const task = await s.h.app.db.prisma.task.findFirstOrThrow({ where: { code }, select: { status: true, id: true } });
    expect(task.status).toBe('推进中');
    expect((await s.h.app.db.prisma.taskOrigin.findUniqueOrThrow({ where: { taskId: task.id } })).kind).toBe('改革建议');
    expect(await page.locator('.card-unsupported').count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  }, 120_000);

  it('揭榜挂帅: 发榜 → two units 揭榜 (card and text) → 比选 side by side → 挂帅 → the winner\'s 任务交办单', async () => {
    // 1. The office publishes a call to two units.
    await privately(OFFICE);
    await send('发榜');
    const form = botCard('发布揭榜挂帅榜单');
    await form.waitFor();
    const f = form.locator('.card-form');
    await f.locator('[data-field="title"]').fill('破解农村集体经济“空壳村”难题');
    await f.locator('[data-field="requirements"]').fill('一年内消除空壳村，形成可复制做法');
    await f.locator('[data-field="support"]').fill('给予专项资金 50 万元');
    await f.locator('[data-field="deadline"]').fill('2026-12-15');
    await f.locator('[data-field="audience"]').fill('城关街道、石堡镇');
    await f.locator('button.card-btn', { hasText: '发布榜单' }).click();
    const published = page.locator('#toast.show', { hasText: /榜单 JB-2026-\d{2} 已发布/ });
    await published.waitFor();
    const number = /JB-2026-\d{2}/.exec((await published.textContent()) ?? '')![0];
    await shot('loop-06-call-published.png');

    // 2. 城关街道 applies from the call card it received (the form replaces it in the private chat).
    await privately(CG_LIAISON);
    const board = botCard(`揭榜挂帅榜单：${number}`);
    await board.waitFor();
    const boardId = await board.getAttribute('data-message-id');
    await board.locator('button.card-btn', { hasText: '我要揭榜' }).click();
    const apply = page.locator(`.msg[data-message-id="${boardId}"] .card-form`);
    await apply.waitFor();
    await apply.locator('[data-field="plan"]').fill('盘活闲置校舍发展乡村民宿');
    await apply.locator('[data-field="teamLead"]').fill('袁媛');
    await apply.locator('[data-field="expected"]').fill('村集体年增收 10 万元');
    await apply.locator('button.card-btn', { hasText: '提交揭榜' }).click();
    await toast('揭榜已提交');

    // 3. 石堡镇 by text.
    await privately(SB_LIAISON);
    await send(`揭榜 ${number}`);
    const textForm = botCard(`揭榜：${number}`).locator('.card-form');
    await textForm.waitFor();
    await textForm.locator('[data-field="plan"]').fill('组建强村公司统一运营');
    await textForm.locator('[data-field="teamLead"]').fill('程功');
    await textForm.locator('[data-field="expected"]').fill('三个村全部消除空壳');
    await textForm.locator('button.card-btn', { hasText: '提交揭榜' }).click();
    await toast('揭榜已提交');

    // 4. The office compares the two side by side and picks 石堡镇.
    await privately(OFFICE);
    await send('榜单');
    const list = botCard('揭榜挂帅');
    await list.waitFor();
    const compare = list.locator(`xpath=.//*[contains(@class,"el-md")][contains(., "${number}")]/following::button[contains(@class,"card-btn")][1]`);
    expect(await compare.textContent()).toContain('比选');
    const listId = await list.getAttribute('data-message-id');
    await compare.click();
    const pick = page.locator(`.msg[data-message-id="${listId}"]`).filter({ hasText: '盘活闲置校舍发展乡村民宿' });
    await pick.waitFor();
    expect(await pick.textContent()).toContain('组建强村公司统一运营');
    await shot('loop-07-call-compare.png');
    await pick.locator('select[data-field="application"]').selectOption({ label: '石堡镇' });
    await pick.locator('[data-field="deadline"]').fill('2027-12-31');
    await pick.locator('button.card-btn', { hasText: '确定挂帅' }).click();
    const picked = page.locator('#toast.show', { hasText: /已确定石堡镇挂帅，事项 QY-2026-\d{3} 已交办/ });
    await picked.waitFor();
    const code = /QY-2026-\d{3}/.exec((await picked.textContent()) ?? '')![0];

    // 5. The winner gets the 任务交办单 and the result; the other unit is told its plan is kept.
    await privately(SB_LIAISON);
    await page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: '任务交办单' }) }).filter({ hasText: code }).last().waitFor();
    await botCard(`揭榜成功：${number}`).waitFor();
    await shot('loop-08-call-won.png');
    await privately(CG_LIAISON);
    expect(await botCard(`揭榜结果：${number}`).textContent()).toContain('已留存');
    const call = await s.h.app.db.prisma.openCall.findFirstOrThrow({ where: { number }, select: { status: true } });
    expect(call.status).toBe('已挂帅');
    expect(await page.locator('.card-unsupported').count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  }, 120_000);
});
