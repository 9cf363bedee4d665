#!/usr/bin/env node
// Makes sure Debian's Chromium is installed at /usr/bin/chromium for the sandbox browser test
// (test/sandbox/browser.test.ts drives it with playwright-core; no browser is ever downloaded),
// with a Chinese font (fonts-noto-cjk) so its screenshots are readable.
// Runs before `npm test` (the "pretest" script). Fast when both are already there.
//
//   - found            → prints the version and exits 0
//   - missing and root → apt-get install -y --no-install-recommends chromium fonts-noto-cjk
//                        (apt-get update first, once, when the package lists are missing or stale)
//   - cannot install   → prints why and exits 0: the browser test then skips LOUDLY, naming the reason
//
// Set TAIZHANG_SKIP_BROWSER_SETUP=1 to skip this step entirely.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const say = (msg) => console.log(`[setup-browser] ${msg}`);

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function version(path) {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '(版本未知)';
  }
}

function run(cmd, args) {
  say(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.error) return `${cmd} 无法运行：${r.error.message}`;
  return r.status === 0 ? null : `${cmd} 退出码 ${r.status}`;
}

/** A font with Chinese glyphs (without one every 汉字 in a screenshot is a box). */
function hasChineseFont() {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8', timeout: 15_000 });
  if (r.error) return undefined; // no fontconfig: cannot tell
  return r.status === 0 && r.stdout.trim() !== '';
}

function main() {
  if (process.env.TAIZHANG_SKIP_BROWSER_SETUP === '1') {
    say('TAIZHANG_SKIP_BROWSER_SETUP=1：跳过 Chromium 检查');
    return;
  }
  const haveChromium = executable(CHROMIUM_PATH);
  const haveFont = hasChineseFont() !== false;
  if (haveChromium && haveFont) {
    say(`Chromium 已安装：${CHROMIUM_PATH} — ${version(CHROMIUM_PATH)}`);
    return;
  }
  const packages = [...(haveChromium ? [] : ['chromium']), ...(haveFont ? [] : ['fonts-noto-cjk'])];
  if (!haveChromium) say(`未找到 ${CHROMIUM_PATH}，浏览器测试需要 Debian 的 chromium 软件包`);
  if (!haveFont) say('没有中文字体，截图中的汉字会显示为方框，需要 fonts-noto-cjk');
  if (process.platform !== 'linux') {
    say(`当前系统为 ${process.platform}，不会自动安装；浏览器测试将跳过（可设置 CHROMIUM_PATH 指向本机的 Chromium/Chrome）`);
    return;
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    say('当前不是 root，无法自动安装。请运行：sudo apt-get install -y --no-install-recommends chromium；浏览器测试将跳过');
    return;
  }
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    say('没有 apt-get（不是 Debian/Ubuntu？），无法自动安装；浏览器测试将跳过');
    return;
  }
  // Try the install with the lists we have; refresh them (once) only if that fails.
  const install = ['install', '-y', '--no-install-recommends', ...packages];
  let problem = run('apt-get', install);
  if (problem) {
    say(`直接安装失败（${problem}），先更新软件包列表`);
    problem = run('apt-get', ['update']) ?? run('apt-get', install);
  }
  if (problem || !executable(CHROMIUM_PATH)) {
    say(`安装 ${packages.join(' ')} 失败（${problem ?? `安装后仍找不到 ${CHROMIUM_PATH}`}）；浏览器测试将跳过`);
    return;
  }
  say(`已安装 ${packages.join('、')}：${CHROMIUM_PATH} — ${version(CHROMIUM_PATH)}`);
}

try {
  main();
} catch (err) {
  say(`检查 Chromium 时出错：${err instanceof Error ? err.message : String(err)}；浏览器测试将跳过`);
}
process.exit(0);
