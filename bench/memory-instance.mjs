// One bot instance for bench/memory.ts, configured by environment like production: the app, the
// chat handlers, the transport, the inbox processor and the sender (what src/main.ts starts when
// Feishu credentials are set). Plain JavaScript so it can run the compiled build without tsx:
//   node bench/memory-instance.mjs                 → dist/ (npm run build), the production setting
//   node --import tsx bench/memory-instance.mjs --src   → src/ through tsx (what `npm start` runs)
// Prints "READY <port>" when it listens. Reads commands on stdin, one a line, and answers each with
// "DONE <json>" — `job <name> <ISO instant>` runs a scheduled job as the scheduler would (runJob);
// `mem` reports process.memoryUsage() in MB (`mem gc` after a full GC, with --expose-gc).
import readline from 'node:readline';

const base = new URL(process.argv.includes('--src') ? '../src/' : '../dist/', import.meta.url);
const load = (p) => import(new URL(p, base).href);
const { loadConfig } = await load('config.js');
const { openApp } = await load('app.js');
const { createBotHandlers } = await load('chat/handlers.js');
const { startBot } = await load('bot.js');
const { createLogger } = await load('log.js');
const { runJob } = await load('jobs/run.js');

const config = loadConfig();
const app = await openApp(config, { logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
const rt = await startBot(app, createBotHandlers(app), config, { port: config.port, host: '127.0.0.1' });
process.stdout.write(`READY ${rt.server.address().port}\n`);

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, ...args] = line.trim().split(/\s+/);
  const run = async () => {
    if (cmd === 'job') {
      const report = await runJob(app, args[0], new Date(args[1]), { mode: 'manual', sender: rt.sender });
      return { messages: report.messages.length, enqueued: report.enqueued };
    }
    if (cmd === 'mem') {
      if (args[0] === 'gc') globalThis.gc?.();
      const mb = (n) => Math.round(n / 1048576);
      const m = process.memoryUsage();
      return { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
    }
    throw new Error(`unknown command ${cmd}`);
  };
  run().then(
    (r) => process.stdout.write(`DONE ${JSON.stringify(r)}\n`),
    (err) => process.stdout.write(`DONE ${JSON.stringify({ error: String(err?.stack ?? err) })}\n`),
  );
});

const stop = async () => {
  await rt.stop();
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
