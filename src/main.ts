// `npm start`: the main job. With Feishu credentials it serves the real platform (webhook or long
// connection) and runs the scheduled jobs; without them it starts the built-in sandbox (a local
// Feishu with a web chat page) on the embedded SQLite database, with the demo ledger.
import { loadConfig, ConfigError } from './config.js';
import { openApp } from './app.js';
import { OffsetClock, systemClock } from './clock.js';
import { createBotHandlers, dispatchTasks } from './chat/handlers.js';
import { startBot } from './bot.js';
import { startLevelsRefresh } from './jobs/levels-refresh.js';
import { startScheduler, runJob } from './jobs/index.js';
import { isJobName } from './jobs/settings.js';
// The sandbox (a fake Feishu, its web page) and the demo loader (the xlsx importer, exceljs) are
// imported only when there are no Feishu credentials: a production process never loads them.

async function main(): Promise<void> {
  const config = loadConfig();
  const sandbox = !config.feishu.hasCredentials;
  // The sandbox's clock can be moved from its page (to preview July's tally in November).
  const clock = sandbox ? new OffsetClock() : systemClock;
  const app = await openApp(config, { clock });
  const handlers = createBotHandlers(app);
  const stops: (() => Promise<void>)[] = [];
  let sender: { wake(): void } | undefined;

  if (sandbox) {
    const [{ loadDemoLedger }, { startSandbox, assertSandboxDatabase }] = await Promise.all([import('./demo/load.js'), import('./sandbox/index.js')]);
    await assertSandboxDatabase(app);
    const demo = await loadDemoLedger(app);
    if (demo) {
      app.logger.info({ office: demo.officeName, ...demo.counts }, '数据库为空，已载入示范台账（清源县）');
      await dispatchTasks(app, app.defaultTenant.id, demo.taskIds);
    }
    const sb = await startSandbox(app, {
      handlers,
      clock: clock as OffsetClock,
      runJob: (name, at, opts) => {
        if (!isJobName(name)) throw new Error(`没有这个定时任务：${name}`);
        return runJob(app, name, at, opts);
      },
    });
    sender = sb.runtime.sender;
    stops.push(() => sb.stop());
    console.log(`\n  台账机器人已启动（本地飞书沙箱，无需飞书账号）\n  打开沙箱页面：${sb.url}\n  数据库：${config.database.provider === 'sqlite' ? config.database.file : 'PostgreSQL'}\n  按 Ctrl+C 退出\n`);
  } else {
    const rt = await startBot(app, handlers);
    sender = rt.sender;
    stops.push(() => rt.stop());
    app.logger.info({ mode: config.feishu.eventMode, appType: config.feishu.appType }, config.feishu.appType === 'isv' ? '台账机器人已连接飞书（商店应用，多租户）' : '台账机器人已连接飞书');
  }
  const scheduler = startScheduler(app, sender ? { sender } : {});
  stops.unshift(() => scheduler.stop());
  // Today's 三色督办 colours, computed at start and shortly after midnight, not while someone waits.
  const levels = startLevelsRefresh(app);
  stops.unshift(() => levels.stop());
  if (clock instanceof OffsetClock) {
    clock.onJump(() => void scheduler.tick().catch((err) => app.logger.error({ err }, '跳转后检查定时任务失败')));
    clock.onJump(() => void levels.runNow().catch((err) => app.logger.error({ err }, '跳转后计算督办颜色失败')));
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, '正在退出');
    for (const stop of stops) await stop().catch((err) => app.logger.error({ err }, '退出时出错'));
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(`配置错误：${err.message}`);
  else console.error('启动失败：', err);
  process.exit(1);
});
