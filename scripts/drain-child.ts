// A separate process that drains the outbox: what the bot's Sender does, on its own, so tests can
// kill it with SIGKILL mid-drain and start another (test/jobs/crash.test.ts).
// Usage: node --import tsx scripts/drain-child.ts [--rate 5] [--lock-ms 1500] [--concurrency 10]
//        [--instance name] [--exit-when-idle]
// Reads DATABASE_URL and FEISHU_APP_ID / FEISHU_APP_SECRET / FEISHU_DOMAIN like the bot (src/config.ts).
// Prints "ready" once draining, one "sent <dedupeKey>" per delivery, and "idle" before exiting.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createFeishuClient } from '../src/feishu/client.js';
import { Sender } from '../src/feishu/sender.js';
import { silentLogger } from '../src/log.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    'lock-ms': { type: 'string', default: '60000' },
    concurrency: { type: 'string', default: '10' },
    instance: { type: 'string' },
    'exit-when-idle': { type: 'boolean', default: false },
  },
});

const config = loadConfig();
const db = await openDatabase(config.database, { migrate: false });
const client = createFeishuClient(config.feishu);
const sender = new Sender({
  db,
  client,
  logger: silentLogger,
  limits: { appPerSecond: Number(values.rate) },
  lockMs: Number(values['lock-ms']),
  concurrency: Number(values.concurrency),
  pollIntervalMs: 100,
  retryBaseMs: 200,
  ...(values.instance ? { instanceId: values.instance } : {}),
  onSent: (row) => {
    process.stdout.write(`sent ${row.dedupeKey}\n`);
  },
});
sender.start();
process.stdout.write('ready\n');

if (values['exit-when-idle']) {
  await sender.waitUntilIdle(120_000);
  await sender.stop();
  await db.close();
  process.stdout.write('idle\n');
  process.exit(0);
}
process.on('SIGTERM', () => {
  void sender.stop().then(() => db.close()).then(() => process.exit(0));
});
