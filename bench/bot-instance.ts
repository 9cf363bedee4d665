// One bot instance as its own process, for the load and fault benchmarks: the real app, handlers,
// transport (webhook or long connection), inbox processor and sender — configured by environment
// like production. Prints "READY <port>" when it listens.
import { loadConfig } from '../src/config.js';
import { openApp } from '../src/app.js';
import { createBotHandlers } from '../src/chat/handlers.js';
import { startBot } from '../src/bot.js';
import { createLogger } from '../src/log.js';

const config = loadConfig();
const app = await openApp(config, { logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
// For scripts/bench-jobs.ts: the sender's rows in flight, and 'local' to show what per-process limits do.
const sender = {
  ...(process.env.BENCH_SENDER_CONCURRENCY ? { concurrency: Number(process.env.BENCH_SENDER_CONCURRENCY) } : {}),
  ...(process.env.BENCH_RATE_LIMIT === 'local' || process.env.BENCH_RATE_LIMIT === 'shared' ? { rateLimit: process.env.BENCH_RATE_LIMIT as 'local' | 'shared' } : {}),
};
const rt = await startBot(app, createBotHandlers(app), config, { port: config.port, host: '127.0.0.1' }, { sender });
if (process.env.BENCH_STOP_PROCESSOR) await rt.processor.stop();
const port = rt.server ? (rt.server.address() as { port: number }).port : 0;
if (rt.longConnection) await rt.longConnection.ready(15_000);
process.stdout.write(`READY ${port}\n`);
const stop = async () => {
  await rt.stop();
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
