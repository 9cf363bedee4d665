// What every browser test of the sandbox page shares: Debian's Chromium (or CHROMIUM_PATH) driven
// by playwright-core, skipped LOUDLY with the reason when it is missing (`node scripts/setup-browser.mjs`
// installs it; `npm test` runs that first); the sandbox harness; a page that collects its errors;
// and the moves a test makes on it (be someone in a chat, type, find a bot card, wait for a toast,
// take a screenshot into test-artifacts/sandbox/).
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startSandboxHarness, type SandboxHarness } from './harness.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts/sandbox');

/** Why the browser tests cannot run here (undefined: they can); warns loudly, naming `what`. */
export function browserSkipReason(what: string): string | undefined {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    const reason = `找不到可执行的 Chromium：${CHROMIUM}（运行 node scripts/setup-browser.mjs 安装 Debian 的 chromium，或设置 CHROMIUM_PATH）`;
    const line = '!'.repeat(78);
    console.warn(`\n${line}\n  WARNING: ${what}已跳过 — ${reason}\n${line}\n`);
    return reason;
  }
}

export interface BrowserSession {
  h: SandboxHarness;
  context: BrowserContext;
  page: Page;
  /** Errors the page logged or threw: a test ends expecting none. */
  pageErrors: string[];
  /** Be `openId` in `chatId` (a group, or a private chat id). */
  becomeIn(openId: string, chatId: string): Promise<void>;
  /** Be `openId`, in their private chat with the bot. */
  privately(openId: string): Promise<void>;
  /** Type a message into the current chat and send it. */
  send(text: string): Promise<void>;
  /** The latest bot card whose title contains `title`. */
  botCard(title: string | RegExp): Locator;
  /** Wait for the toast saying `text`. */
  toast(text: string | RegExp): Promise<void>;
  shot(name: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The sandbox (jobs on unless `jobs: false`) and Chromium on its page, ready and live. */
export async function openBrowserSession(opts: { jobs?: boolean; timeoutMs?: number } = {}): Promise<BrowserSession> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const h = await startSandboxHarness(opts.jobs === false ? { jobs: false } : {});
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'taizhang-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=zh-CN'],
    viewport: { width: 1440, height: 1000 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(opts.timeoutMs ?? 10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  await page.goto(h.sandbox.url);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForSelector('#live.on');

  const becomeIn = async (openId: string, chatId: string) => {
    await page.selectOption('#who', openId);
    await page.click(`.chat-item[data-chat-id="${chatId}"]`);
    await page.waitForSelector(`.chat-item.active[data-chat-id="${chatId}"]`);
  };
  return {
    h,
    context,
    page,
    pageErrors,
    becomeIn,
    privately: (openId) => becomeIn(openId, h.sandbox.fake.p2pChatId(openId)),
    async send(text) {
      await page.fill('#input', text);
      await page.click('#send');
    },
    botCard: (title) => page.locator('.msg.from-bot', { has: page.locator('.card-title', { hasText: title }) }).last(),
    toast: (text) => page.locator('#toast.show', { hasText: text }).waitFor(),
    shot: (name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: false }),
    async close() {
      await context.close();
      await h.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
