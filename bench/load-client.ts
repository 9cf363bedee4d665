// The load generator of bench/webhook.ts, in its own process so its work does not queue behind the
// fake platform's. Reads {ports, rate, events:[{body, headers}]} from the JSON file in argv[2];
// prints {latencies, statuses, sentMs} as JSON.
//
// Like wrk, it keeps its own cost out of the figures: every request is serialised to bytes before
// the clock starts and written on an already-open keep-alive socket, and responses are read with a
// minimal HTTP/1.1 parser. (node:http's client costs ~0.15 ms of CPU per request; with 200 requests
// fired at once that queueing inside the sender — on the same 2 cores as the bot — showed up as
// ~30 ms of "ack latency" the bot had nothing to do with. Feishu sends from many machines.)
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { ports: number[]; rate: number; events: { body: string; headers: Record<string, string> }[] };

/** One keep-alive connection carrying one request at a time. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;
  busy = false;

  private constructor(
    readonly port: number,
    private readonly socket: net.Socket,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.fail());
    socket.on('close', () => this.fail());
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new Connection(port, socket)));
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<number> {
    this.busy = true;
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(request);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    this.buffer = this.buffer.subarray(end + 4 + length);
    this.finish(status);
  }

  private finish(status: number): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    this.busy = false;
    waiting?.(status);
  }

  private fail(): void {
    this.dead = true;
    this.finish(0);
  }

  dead = false;

  close(): void {
    this.socket.destroy();
  }
}

function serialise(port: number, e: { body: string; headers: Record<string, string> }): Buffer {
  const body = Buffer.from(e.body);
  const headers = Object.entries({ ...e.headers, host: `127.0.0.1:${port}`, 'content-length': String(body.length), connection: 'keep-alive' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`POST /feishu/events HTTP/1.1\r\n${headers}\r\n`), body]);
}

// As a busy sender has them: enough open connections for the burst (or for a second of the rate).
const perPort = Math.ceil(Math.min(job.events.length, job.rate > 0 ? Math.max(64, job.rate) : job.events.length) / job.ports.length) + 8;
const pools = new Map<number, Connection[]>();
for (const port of job.ports) {
  const conns: Connection[] = [];
  for (let i = 0; i < perPort; i += 32) {
    conns.push(...(await Promise.all(Array.from({ length: Math.min(32, perPort - i) }, () => Connection.open(port)))));
  }
  pools.set(port, conns);
}

const requests = job.events.map((e, i) => serialise(job.ports[i % job.ports.length]!, e));
const latencies: number[] = [];
const statuses: Record<string, number> = {};

/** An idle connection, taken (busy) before this returns so two senders never share one. */
async function connectionFor(port: number): Promise<Connection> {
  const pool = pools.get(port)!;
  const idle = pool.find((c) => !c.busy && !c.dead);
  if (idle) {
    idle.busy = true;
    return idle;
  }
  const fresh = await Connection.open(port);
  fresh.busy = true;
  pool.push(fresh);
  return fresh;
}

// Warm the connections (and the bot's per-socket state) with a health check each.
for (const [port, pool] of pools) {
  const probe = Buffer.from(`GET /healthz HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\n\r\n`);
  await Promise.all(pool.map((c) => c.send(probe)));
}
await new Promise((r) => setTimeout(r, 200));

const t0 = performance.now();
const send = async (i: number) => {
  const port = job.ports[i % job.ports.length]!;
  const start = performance.now();
  const conn = await connectionFor(port);
  const status = await conn.send(requests[i]!);
  latencies.push(performance.now() - start);
  statuses[status] = (statuses[status] ?? 0) + 1;
};
const pending: Promise<void>[] = [];
for (let i = 0; i < requests.length; i++) {
  if (job.rate > 0) {
    const wait = t0 + (i * 1000) / job.rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  }
  pending.push(send(i));
}
await Promise.all(pending);
process.stdout.write(JSON.stringify({ latencies, statuses, sentMs: performance.now() - t0 }));
for (const pool of pools.values()) for (const c of pool) c.close();
