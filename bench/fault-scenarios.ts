// Fault scenarios with real processes, shared by the benchmark (bench/faults.ts, full length) and
// the test suite (test/scale/*.test.ts, short versions): bot instances as child processes
// (bench/bot-instance.ts), the fake Feishu re-delivering every event until it is answered 200,
// and a fault in the middle — Feishu answering 500s or a 429 storm, kill -9 of one instance in the
// middle of a drain, a real PostgreSQL restart (a private cluster, see test/helpers/private-postgres.ts).
// Each returns figures: events sent / recorded / answered, duplicates, time to recover, messages
// sent vs attempted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { FakeFeishu, type FakeFeishuOptions, type FakeMessage } from '../src/sandbox/fake-feishu.js';
import { demoDirectory } from '../src/demo/directory.js';
import { demoPeople, demoTasks } from '../src/demo/ledger.js';
import { openDatabase, type Database } from '../src/db/client.js';
import { botEnv, freshDatabase, seedDemo, startInstance, stopInstance, type Instance } from './lib.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/helpers/private-postgres.js';

/** Compressed Feishu re-delivery (Feishu: 15 s, 5 min, 1 h, 6 h): every fault here is shorter than the sum. */
export const FAULT_REDELIVERY_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 60_000];

const reporters = demoPeople.filter((p) => p.roles.includes('改革联络员') && demoTasks.some((t) => t.leadUnit === p.unit && t.status === '推进中'));

export interface FeedEvent {
  i: number;
  messageId: string;
  /** ms since the feed started (performance.now() based). */
  sentAt: number;
  ackedAt?: number;
  acked?: boolean;
  deliveries: number;
  answers: number;
  answeredAt?: number;
}

/**
 * Users reporting progress in their private chat with the bot, one event at a time or at a rate;
 * Feishu (the fake) re-delivers each until the bot answers 200. Watches the bot's replies.
 */
export class EventFeed {
  readonly events: FeedEvent[] = [];
  readonly t0 = performance.now();
  private readonly byMessage = new Map<string, FeedEvent>();
  private readonly pending: Promise<void>[] = [];
  private readonly onMessage = (m: FakeMessage) => {
    if (m.sender.type !== 'bot' || !m.parentId) return;
    const e = this.byMessage.get(m.parentId);
    if (!e) return;
    e.answers += 1;
    e.answeredAt ??= this.now();
  };

  constructor(
    readonly fake: FakeFeishu,
    private readonly tag = randomBytes(3).toString('hex'),
  ) {
    fake.on('message', this.onMessage);
  }

  now(): number {
    return performance.now() - this.t0;
  }

  send(): FeedEvent {
    const i = this.events.length;
    const p = reporters[i % reporters.length]!;
    const task = demoTasks.find((t) => t.leadUnit === p.unit && t.status === '推进中')!;
    const messageId = `om_f${this.tag}_${i}`;
    // Each feed's texts are its own: the same report by the same person moments later is one report.
    const e: FeedEvent = { i, messageId, sentAt: this.now(), deliveries: 0, answers: 0 };
    this.events.push(e);
    this.byMessage.set(messageId, e);
    this.pending.push(
      this.fake.deliverMessageEvent({ senderOpenId: p.openId, text: `进展 ${task.code} 故障演练${this.tag}第${i}条`, messageId }).then(
        (r) => {
          e.acked = r.acked;
          e.deliveries = r.attempts.length;
          e.ackedAt = this.now();
        },
        () => {
          e.acked = false;
        },
      ),
    );
    return e;
  }

  /** Sends `count` events at once. */
  burst(count: number): void {
    for (let n = 0; n < count; n++) this.send();
  }

  /** Sends at `perSecond` for `ms`; `at(elapsedMs)` runs between sends (faults are injected there). */
  async stream(perSecond: number, ms: number, at?: (elapsedMs: number) => void | Promise<void>): Promise<void> {
    const start = performance.now();
    let sent = 0;
    for (;;) {
      const elapsed = performance.now() - start;
      if (elapsed >= ms) break;
      await at?.(elapsed);
      while (sent < (elapsed / 1000) * perSecond) {
        this.send();
        sent += 1;
      }
      await sleep(20);
    }
  }

  answered(): number {
    return this.events.filter((e) => e.answers > 0).length;
  }

  /** Waits until every event is acknowledged (or given up by Feishu) and answered, or the timeout. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && this.answered() < this.events.length) await sleep(100);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.pending), new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - performance.now()))))]);
    clearTimeout(timer);
    // Late duplicates would show up now.
    await sleep(1_500);
  }

  /** Seconds from `faultEndMs` (feed time) until every event sent before it was answered. */
  recoverySeconds(faultEndMs: number): number {
    const before = this.events.filter((e) => e.sentAt <= faultEndMs);
    if (before.some((e) => e.answeredAt === undefined)) return NaN;
    const last = Math.max(faultEndMs, ...before.map((e) => e.answeredAt!));
    return (last - faultEndMs) / 1000;
  }

  close(): void {
    this.fake.off('message', this.onMessage);
  }
}

export interface Figures {
  scenario: string;
  fault: string;
  sent: number;
  acked: number;
  deliveries: number;
  recorded: number;
  answered: number;
  duplicates: number;
  lost: number;
  /** Seconds after the fault ended until everything sent before its end was answered. */
  recoverySeconds: number;
  /** Further recovery times, by name (e.g. "first ack after restart"). */
  extra: Record<string, string | number>;
  /** Message API requests the bot made / of them accepted / repeats Feishu dropped by uuid. */
  attempted: number;
  accepted: number;
  uuidRepeats: number;
  failedInbox: number;
  failedOutbox: number;
  botsAlive: string;
}

async function collect(
  scenario: string,
  fault: string,
  feed: EventFeed,
  check: Database,
  faultEndMs: number,
  bots: Instance[],
  uuidRepeats: number,
  extra: Record<string, string | number> = {},
): Promise<Figures> {
  const refs = feed.events.map((e) => `msg:${e.messageId}`);
  const recorded = await check.prisma.progressReport.count({ where: { sourceRef: { in: refs } } });
  const requests = feed.fake.requests.filter((r) => /^im\.message\.(create|reply)$/.test(r.api));
  const answered = feed.answered();
  return {
    scenario,
    fault,
    sent: feed.events.length,
    acked: feed.events.filter((e) => e.acked).length,
    deliveries: feed.events.reduce((n, e) => n + e.deliveries, 0),
    recorded,
    answered,
    duplicates: feed.events.reduce((n, e) => n + Math.max(0, e.answers - 1), 0),
    lost: feed.events.length - answered,
    recoverySeconds: feed.recoverySeconds(faultEndMs),
    extra,
    attempted: requests.length,
    accepted: requests.filter((r) => r.code === 0).length,
    uuidRepeats,
    failedInbox: await check.prisma.inboxEvent.count({ where: { status: 'failed' } }),
    failedOutbox: await check.prisma.outboxMessage.count({ where: { status: 'failed' } }),
    botsAlive: bots.map((b) => `${b.name}:${b.child.exitCode === null && b.child.signalCode === null ? 'alive' : `exited(${b.child.exitCode ?? b.child.signalCode})`}`).join(' '),
  };
}

export function formatFigures(f: Figures): string {
  const extra = Object.entries(f.extra).map(([k, v]) => `${k} ${v}`).join('; ');
  return [
    `${f.scenario} — ${f.fault}`,
    `  events sent ${f.sent}, acked ${f.acked} (${f.deliveries} deliveries), recorded ${f.recorded}, answered ${f.answered}, duplicates ${f.duplicates}, lost ${f.lost}`,
    `  recovered ${Number.isNaN(f.recoverySeconds) ? 'NEVER' : `${f.recoverySeconds.toFixed(1)} s`} after the fault${extra ? `; ${extra}` : ''}`,
    `  message sends: ${f.accepted} accepted of ${f.attempted} attempted; ${f.uuidRepeats} repeats dropped by uuid; failed rows: inbox ${f.failedInbox}, outbox ${f.failedOutbox}; ${f.botsAlive}`,
  ].join('\n');
}

function countUuidRepeats(fake: FakeFeishu): () => number {
  let n = 0;
  const on = () => (n += 1);
  fake.on('uuid-dedupe', on);
  return () => {
    fake.off('uuid-dedupe', on);
    return n;
  };
}

/**
 * A tiny load balancer in front of webhook instances: round robin over the backends that are up;
 * a backend that refuses or drops a request is taken out for `downMs` and the request gets 502
 * (Feishu then re-delivers, and the next try lands on another instance).
 */
export async function startBalancer(ports: () => number[], downMs = 10_000): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const downUntil = new Map<number, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      const up = ports().filter((p) => (downUntil.get(p) ?? 0) <= now);
      const port = up[next++ % Math.max(1, up.length)];
      if (port === undefined) {
        res.writeHead(502).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
      fetch(`http://127.0.0.1:${port}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, body: Buffer.concat(chunks) }).then(
        async (r) => {
          const body = Buffer.from(await r.arrayBuffer());
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(body);
        },
        () => {
          downUntil.set(port, performance.now() + downMs);
          res.writeHead(502).end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Rig {
  fake: FakeFeishu;
  db: Awaited<ReturnType<typeof freshDatabase>>;
  check: Database;
  bots: Instance[];
  close(): Promise<void>;
}

async function rig(opts: { instances: number; databaseUrl?: string; fake?: FakeFeishuOptions; env?: Record<string, string> }): Promise<Rig> {
  const fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: FAULT_REDELIVERY_MS, ...opts.fake });
  const db = await freshDatabase('postgresql', opts.databaseUrl);
  await seedDemo(db.target, fake.tenantKey);
  const env = botEnv(fake, db.url, opts.env);
  const tag = randomBytes(2).toString('hex');
  const bots = await Promise.all(Array.from({ length: opts.instances }, (_, n) => startInstance(`fault-${tag}-${n + 1}`, env)));
  if (bots[0]?.port) fake.eventUrl = `http://127.0.0.1:${bots[0].port}/feishu/events`;
  const check = await openDatabase(db.target, { migrate: false });
  return {
    fake, db, check, bots,
    async close() {
      await Promise.all(bots.filter((b) => b.child.exitCode === null && b.child.signalCode === null).map((b) => stopInstance(b)));
      await check.close().catch(() => undefined);
      await fake.close();
      await db.drop().catch(() => undefined);
    },
  };
}

export interface StormOptions {
  /** Seconds of HTTP 500s from every OpenAPI, then as long a 429 storm on message sends. */
  seconds: number;
  /** x-ogw-ratelimit-reset of the 429s. */
  resetSeconds?: number;
  perSecond?: number;
  log?: (line: string) => void;
}

/** Feishu answers 500s for a while, then a 429 storm for as long; events keep coming throughout. */
export async function stormScenario(opts: StormOptions): Promise<Figures[]> {
  const r = await rig({ instances: 1 });
  const log = opts.log ?? (() => undefined);
  const ms = opts.seconds * 1000;
  const perSecond = opts.perSecond ?? 5;
  try {
    const out: Figures[] = [];
    for (const phase of ['500', '429'] as const) {
      r.fake.resetTraffic();
      const repeats = countUuidRepeats(r.fake);
      const feed = new EventFeed(r.fake);
      const lead = 2_000;
      let faultStart = 0;
      await feed.stream(perSecond, lead + ms + 2_000, (elapsed) => {
        if (faultStart === 0 && elapsed >= lead) {
          faultStart = feed.now();
          if (phase === '500') r.fake.serverErrorsFor(ms);
          else r.fake.rateLimitStormFor(ms, opts.resetSeconds ?? 2);
          log(`  ${phase === '500' ? 'HTTP 500s' : '429 storm'} for ${opts.seconds} s…`);
        }
      });
      const faultEnd = faultStart + ms;
      await feed.settle(Math.max(60_000, 2 * ms));
      feed.close();
      const f = await collect(
        'Feishu storm',
        phase === '500' ? `HTTP 500 from every OpenAPI for ${opts.seconds} s` : `429 + x-ogw-ratelimit-reset ${opts.resetSeconds ?? 2} s on every send for ${opts.seconds} s`,
        feed, r.check, faultEnd, r.bots, repeats(),
      );
      out.push(f);
      log(formatFigures(f));
    }
    return out;
  } finally {
    await r.close();
  }
}

export interface KillOptions {
  /** Events queued at once (the drain). */
  events: number;
  log?: (line: string) => void;
}

/** Two instances behind a balancer drain a burst; one is killed with SIGKILL in the middle. */
export async function killScenario(opts: KillOptions): Promise<Figures> {
  const r = await rig({ instances: 2 });
  const log = opts.log ?? (() => undefined);
  const [victim, survivor] = r.bots as [Instance, Instance];
  const lb = await startBalancer(() => [victim.port, survivor.port]);
  r.fake.eventUrl = `${lb.url}/feishu/events`;
  try {
    const repeats = countUuidRepeats(r.fake);
    const feed = new EventFeed(r.fake);
    feed.burst(opts.events);
    // In the middle of the drain: a third answered, and the victim holding claimed work.
    const deadline = performance.now() + 60_000;
    while (performance.now() < deadline && feed.answered() < opts.events / 3) await sleep(10);
    const exited = new Promise((resolve) => victim.child.once('exit', resolve));
    victim.child.kill('SIGKILL');
    const killAt = feed.now();
    await exited;
    const [inboxHeld, outboxHeld] = await Promise.all([
      r.check.prisma.inboxEvent.count({ where: { status: 'pending', lockedBy: { startsWith: victim.name } } }),
      r.check.prisma.outboxMessage.count({ where: { status: 'sending', lockedBy: { startsWith: victim.name } } }),
    ]);
    log(`  killed ${victim.name} (SIGKILL) after ${feed.answered()} of ${opts.events} answered; it held ${inboxHeld} inbox and ${outboxHeld} outbox rows`);
    await feed.settle(90_000);
    feed.close();
    const f = await collect('kill -9 mid-drain', `2 instances, ${opts.events} events queued, one killed with SIGKILL`, feed, r.check, killAt, r.bots, repeats(), {
      'held by the killed instance': `${inboxHeld} inbox + ${outboxHeld} outbox rows`,
      'answered before the kill': feed.events.filter((e) => e.answeredAt !== undefined && e.answeredAt <= killAt).length,
    });
    log(formatFigures(f));
    return f;
  } finally {
    await lb.close();
    await r.close();
  }
}

export interface RestartOptions {
  /** How long PostgreSQL stays down. */
  downSeconds: number;
  /** Events per second, before, during and after. */
  perSecond?: number;
  /** Stream length before the stop and after the start. */
  aroundSeconds?: number;
  log?: (line: string) => void;
  /** Events sent at once just before the stop, so that work is claimed when it happens (default 30). */
  burst?: number;
  /** Use this running private cluster (default: start one and remove it afterwards). */
  cluster?: PrivatePostgres;
}

/** A bot instance on a private PostgreSQL cluster that is stopped (fast) and started again while events flow. */
export async function postgresRestartScenario(opts: RestartOptions): Promise<Figures> {
  const log = opts.log ?? (() => undefined);
  const cluster = opts.cluster ?? (await startPrivatePostgres());
  const r = await rig({ instances: 1, databaseUrl: cluster.url });
  try {
    const repeats = countUuidRepeats(r.fake);
    const feed = new EventFeed(r.fake);
    const around = (opts.aroundSeconds ?? 3) * 1000;
    const down = opts.downSeconds * 1000;
    let stopAt = 0;
    let startedAt = 0;
    let firstAckAfter: number | undefined;
    let heldAtStop = 'none seen';
    let restart: Promise<void> | undefined;
    const onDelivery = (d: { status?: number }) => {
      if (startedAt && firstAckAfter === undefined && d.status === 200) firstAckAfter = feed.now();
    };
    r.fake.on('delivery', onDelivery);
    await feed.stream(opts.perSecond ?? 5, around + down + around, (elapsed) => {
      if (!restart && elapsed >= around) {
        restart = (async () => {
          // Stop while the bot is in the middle of work: a burst, then the moment rows are claimed.
          feed.burst(opts.burst ?? 30);
          const until = performance.now() + 3_000;
          while (performance.now() < until) {
            const [inbox, outbox] = await Promise.all([
              r.check.prisma.inboxEvent.count({ where: { status: 'pending', lockedBy: { not: null } } }),
              r.check.prisma.outboxMessage.count({ where: { status: 'sending' } }),
            ]);
            if (inbox > 0 && outbox > 0) {
              heldAtStop = `${inbox} inbox + ${outbox} outbox rows`;
              break;
            }
            await sleep(5);
          }
          await cluster.stop('fast');
          stopAt = feed.now();
          log(`  PostgreSQL stopped (pg_ctl stop -m fast); down for ${opts.downSeconds} s…`);
          await sleep(down);
          await cluster.start();
          startedAt = feed.now();
          log(`  PostgreSQL started again after ${((startedAt - stopAt) / 1000).toFixed(1)} s`);
        })();
      }
    });
    await restart;
    await feed.settle(90_000);
    r.fake.off('delivery', onDelivery);
    feed.close();
    const f = await collect('PostgreSQL restart', `private cluster stopped (fast) for ${opts.downSeconds} s and started, 1 instance`, feed, r.check, startedAt, r.bots, repeats(), {
      'down': `${((startedAt - stopAt) / 1000).toFixed(1)} s`,
      'claimed when stopped': heldAtStop,
      'first ack after the start': firstAckAfter === undefined ? 'none' : `${((firstAckAfter - startedAt) / 1000).toFixed(1)} s`,
      // The bot's own part: events it had stored before the stop (the rest waits for Feishu's re-delivery).
      'stored before the stop, all answered after the start': (() => {
        const stored = feed.events.filter((e) => e.ackedAt !== undefined && e.ackedAt <= stopAt);
        if (stored.some((e) => e.answeredAt === undefined)) return 'never';
        return `${(Math.max(0, ...stored.map((e) => e.answeredAt! - startedAt)) / 1000).toFixed(1)} s`;
      })(),
      'events sent while down': feed.events.filter((e) => e.sentAt >= stopAt && e.sentAt <= startedAt).length,
    });
    log(formatFigures(f));
    return f;
  } finally {
    await r.close();
    if (!opts.cluster) await cluster.remove();
  }
}

export interface LongConnOptions {
  /** Bot processes, each with its own long connection (default 3). */
  instances?: number;
  perSecond?: number;
  /** Seconds of traffic before the drop, between the drop and the silence, and after it. */
  phaseSeconds?: number;
  /** The bots' watchdog: connected but silent this long → rebuild (FEISHU_WS_SILENT_AFTER_SECONDS). */
  silentAfterSeconds?: number;
  log?: (line: string) => void;
}

/**
 * Several instances in long-connection mode on one PostgreSQL: Feishu hands each event to one
 * random open connection. One connection is dropped (the SDK reconnects), later another goes
 * silent without closing (the watchdog notices and rebuilds it); events sent to a connection that
 * dies or is mute are re-pushed by Feishu to a random connection again.
 */
export async function longConnectionScenario(opts: LongConnOptions = {}): Promise<Figures> {
  const instances = opts.instances ?? 3;
  const log = opts.log ?? (() => undefined);
  const r = await rig({
    instances,
    fake: {
      eventTransport: 'ws',
      // Pings every second, so a silent connection is noticed within seconds (Feishu: 120 s).
      wsClientConfig: { PingInterval: 1, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 },
    },
    env: {
      FEISHU_EVENT_MODE: 'longconn',
      FEISHU_WS_SILENT_AFTER_SECONDS: String(opts.silentAfterSeconds ?? 3),
      // Our watchdog, not the SDK's pong timer, is what this exercises.
      FEISHU_WS_PING_TIMEOUT_SECONDS: '0',
    },
  });
  try {
    const deadline = performance.now() + 20_000;
    while (r.fake.wsConnections < instances && performance.now() < deadline) await sleep(50);
    if (r.fake.wsConnections < instances) throw new Error(`只有 ${r.fake.wsConnections} 条长连接（应有 ${instances} 条）`);
    const repeats = countUuidRepeats(r.fake);
    const feed = new EventFeed(r.fake);
    const phase = (opts.phaseSeconds ?? 3) * 1000;
    const eventsPerConnection = new Map<string, number>();
    const tally = () => {
      for (const [id, n] of Object.entries(r.fake.wsEventsByConnection())) eventsPerConnection.set(id, n);
    };
    let dropped: string | undefined;
    let droppedAt = 0;
    let restoredAt = 0;
    let silenced: string | undefined;
    let silencedAt = 0;
    let rebuiltAt = 0;
    const watchers: Promise<void>[] = [];
    const waitFor = async (cond: () => boolean, ms: number) => {
      const until = performance.now() + ms;
      while (!cond() && performance.now() < until) await sleep(25);
    };
    await feed.stream(opts.perSecond ?? 10, 3 * phase, (elapsed) => {
      tally();
      if (!dropped && elapsed >= phase) {
        dropped = r.fake.wsConnectionIds[0]!;
        r.fake.dropWs(dropped);
        droppedAt = feed.now();
        log(`  long connection ${dropped} dropped`);
        const gone = dropped;
        watchers.push(waitFor(() => !r.fake.wsConnectionIds.includes(gone) && r.fake.wsConnections === instances, 30_000).then(() => void (restoredAt = feed.now())));
      }
      if (!silenced && elapsed >= 2 * phase) {
        silenced = r.fake.wsConnectionIds.find((id) => id !== dropped)!;
        r.fake.silenceWs(silenced);
        silencedAt = feed.now();
        log(`  long connection ${silenced} silenced (open, but no pong, no events, no acks)`);
        watchers.push(
          waitFor(() => !r.fake.wsConnectionIds.includes(silenced!) && r.fake.wsConnections === instances, 60_000).then(() => void (rebuiltAt = feed.now())),
        );
      }
    });
    await Promise.all(watchers);
    tally();
    await feed.settle(60_000);
    feed.close();
    const lastFault = Math.max(restoredAt, rebuiltAt);
    const f = await collect('long connection, several instances', `${instances} instances in longconn mode; one connection dropped, another silenced`, feed, r.check, lastFault, r.bots, repeats(), {
      'events per connection': [...eventsPerConnection.values()].join('/'),
      'dropped connection back after': restoredAt ? `${((restoredAt - droppedAt) / 1000).toFixed(2)} s` : 'never',
      'silent connection rebuilt after': rebuiltAt ? `${((rebuiltAt - silencedAt) / 1000).toFixed(2)} s` : 'never',
      'connections at the end': r.fake.wsConnections,
    });
    log(formatFigures(f));
    return f;
  } finally {
    await r.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
