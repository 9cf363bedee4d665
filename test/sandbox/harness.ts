// The sandbox as the tests start it: a temp SQLite file, the demo ledger (with its 任务交办单 sent),
// the real bot handlers and jobs, the fake Feishu and the web page on free ports.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApp, type AppContext } from '../../src/app.js';
import { createBotHandlers, dispatchTasks } from '../../src/chat/handlers.js';
import { OffsetClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { loadDemoLedger } from '../../src/demo/load.js';
import { runJob } from '../../src/jobs/index.js';
import { isJobName } from '../../src/jobs/settings.js';
import { silentLogger } from '../../src/log.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

export interface SandboxHarness {
  app: AppContext;
  clock: OffsetClock;
  sandbox: Sandbox;
  /** Base URL of the page without the trailing slash. */
  base: string;
  close(): Promise<void>;
}

export async function startSandboxHarness(opts: { jobs?: boolean } = {}): Promise<SandboxHarness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taizhang-sandbox-'));
  const config = loadConfig({ DATABASE_URL: `file:${path.join(dir, 'sandbox.db')}`, LOG_LEVEL: 'silent', SANDBOX_PORT: '0' });
  const clock = new OffsetClock();
  const app = await openApp(config, { clock, logger: silentLogger });
  let sandbox: Sandbox | undefined;
  try {
    const demo = await loadDemoLedger(app);
    if (!demo) throw new Error('示范台账没有载入（数据库不是空的？）');
    await dispatchTasks(app, app.defaultTenant.id, demo.taskIds);
    sandbox = await startSandbox(app, {
      handlers: createBotHandlers(app),
      clock,
      ...(opts.jobs === false
        ? {}
        : {
            runJob: (name: string, at: Date, o: { dryRun: boolean }) => {
              if (!isJobName(name)) throw new Error(`没有这个定时任务：${name}`);
              return runJob(app, name, at, o);
            },
          }),
    });
  } catch (err) {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const sb = sandbox;
  return {
    app,
    clock,
    sandbox: sb,
    base: sb.url.replace(/\/$/, ''),
    async close() {
      await sb.stop();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`等待超时（${timeoutMs} ms）：${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
