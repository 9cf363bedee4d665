// The load generator of bench/webhook.ts, in its own process so its work does not queue behind the
// fake platform's. Reads {ports, rate, events:[{body, headers}]} from the JSON file in argv[2];
// prints {latencies, statuses, sentMs} as JSON.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { ports: number[]; rate: number; events: { body: string; headers: Record<string, string> }[] };
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const latencies: number[] = [];
const statuses: Record<string, number> = {};

function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/feishu/events', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

// Warm up the client itself (JIT, and keep-alive connections as a busy sender has them).
for (let round = 0; round < 3; round++) {
  await Promise.all(Array.from({ length: Math.min(job.events.length, 256) }, (_, i) => new Promise<void>((resolve) => {
    http.get({ host: '127.0.0.1', port: job.ports[i % job.ports.length]!, path: '/healthz', agent }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', () => resolve());
  })));
}
await new Promise((r) => setTimeout(r, 200));

const t0 = performance.now();
const send = async (i: number) => {
  const e = job.events[i]!;
  const start = performance.now();
  const status = await post(job.ports[i % job.ports.length]!, e.body, e.headers);
  latencies.push(performance.now() - start);
  statuses[status] = (statuses[status] ?? 0) + 1;
};
const pending: Promise<void>[] = [];
for (let i = 0; i < job.events.length; i++) {
  if (job.rate > 0) {
    const wait = t0 + (i * 1000) / job.rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  }
  pending.push(send(i));
}
await Promise.all(pending);
process.stdout.write(JSON.stringify({ latencies, statuses, sentMs: performance.now() - t0 }));
agent.destroy();
