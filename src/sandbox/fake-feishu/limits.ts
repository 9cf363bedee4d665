// Rate limits and fault injection. Feishu's documented limits, per app and per API, with their
// exact error shapes, plus test controls that make the platform fail on purpose (429 storms,
// 500 outages) and queries over the request log.
//
// Sources:
//  - Per-API limit (message create/reply, patch, card update, image upload, chat members,
//    batch_get_id: 1000/min & 50/s) and its answer, HTTP 429 + 99991400 + x-ogw-ratelimit-limit /
//    x-ogw-ratelimit-reset: https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control
//  - 5 QPS to one user and 5 QPS into one group (shared by all bots there) → 230020:
//    https://open.feishu.cn/document/server-docs/im-v1/message/create (and …/message/reply)
//  - 5 QPS of PATCH per message → 230020: https://open.feishu.cn/document/server-docs/im-v1/message-card/patch
import { fail } from './http.js';
import type { FakeRequestLog, FakeState } from './state.js';

export interface FakeFeishuLimits {
  /** Per API (create, reply, patch, card update, …): HTTP 429 + 99991400 beyond this. */
  appPerSecond: number;
  appPerMinute: number;
  /** Messages into one group per second (all bots): 230020 beyond this. */
  perChatPerSecond: number;
  /** Messages to one user per second: 230020 beyond this. */
  perUserPerSecond: number;
  /** PATCH of one message per second. */
  perMessageUpdatePerSecond: number;
}

/** The documented limits (sources at the top of this file). */
export const FEISHU_LIMITS: FakeFeishuLimits = {
  appPerSecond: 50,
  appPerMinute: 1000,
  perChatPerSecond: 5,
  perUserPerSecond: 5,
  perMessageUpdatePerSecond: 5,
};

export interface Fault {
  api?: string | RegExp;
  /** How many requests get it (Infinity with `forMs`: every request for a while). */
  count: number;
  /** Only for this long after injection (real time), e.g. a one-minute storm. */
  forMs?: number;
  status: number;
  code: number;
  msg?: string;
  headers?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Admission (called by the router for every authenticated API call)

/** Per-app, per-API limits and injected faults. */
export function admit(f: FakeState, api: string): void {
  const t = performance.now();
  for (let i = f.faults.length - 1; i >= 0; i--) if (f.faults[i]!.until !== undefined && f.faults[i]!.until! <= t) f.faults.splice(i, 1);
  const idx = f.faults.findIndex((x) => x.count > 0 && matches(x.api, api));
  if (idx >= 0) {
    const fault = f.faults[idx]!;
    fault.count -= 1;
    if (fault.count <= 0) f.faults.splice(idx, 1);
    fail(fault.status, fault.code, fault.msg ?? 'injected fault', fault.headers);
  }
  const now = performance.now();
  for (const [suffix, limit, windowMs] of [
    ['s', f.limits.appPerSecond, 1_000],
    ['m', f.limits.appPerMinute, 60_000],
  ] as const) {
    const reset = windowReset(f, `app:${api}:${suffix}`, limit, windowMs, now);
    if (reset !== undefined) {
      fail(429, 99991400, 'request trigger frequency limit', {
        'x-ogw-ratelimit-limit': String(limit),
        'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(reset / 1000))),
      });
    }
  }
  hit(f, `app:${api}:s`, now);
  hit(f, `app:${api}:m`, now);
}

/** undefined if a request fits the window now; else ms until it would. */
export function windowReset(f: FakeState, key: string, limit: number, windowMs: number, now: number): number | undefined {
  const log = f.windows.get(key) ?? [];
  while (log.length && log[0]! <= now - windowMs) log.shift();
  f.windows.set(key, log);
  if (log.length < limit) return undefined;
  return log[log.length - limit]! + windowMs - now;
}

export function hit(f: FakeState, key: string, now: number): void {
  const log = f.windows.get(key) ?? [];
  log.push(now);
  f.windows.set(key, log);
}

/** 5/s into one group or to one user (230020; message/create and message/reply pages). */
export function recipientLimit(f: FakeState, chatId: string, chatType: 'p2p' | 'group', peer?: string): void {
  const now = performance.now();
  const key = chatType === 'group' ? `chat:${chatId}` : `user:${peer ?? chatId}`;
  const limit = chatType === 'group' ? f.limits.perChatPerSecond : f.limits.perUserPerSecond;
  if (windowReset(f, key, limit, 1_000, now) !== undefined) fail(400, 230020, 'This operation triggers the frequency limit.');
  hit(f, key, now);
}

/** 5 updates per second of one message (230020; message-card/patch page). */
export function messageUpdateLimit(f: FakeState, messageId: string): void {
  const now = performance.now();
  if (windowReset(f, `patch:${messageId}`, f.limits.perMessageUpdatePerSecond, 1_000, now) !== undefined) {
    fail(400, 230020, 'This operation triggers the frequency limit.');
  }
  hit(f, `patch:${messageId}`, now);
}

function matches(pattern: string | RegExp | undefined, api: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? pattern === api : pattern.test(api);
}

// ---------------------------------------------------------------------------------------------
// Test controls

/** The next `count` matching requests (after the token check) get this error. */
export function injectFault(f: FakeState, fault: Fault): void {
  f.faults.push({ ...fault, ...(fault.forMs !== undefined ? { until: performance.now() + fault.forMs } : {}) });
}

const SEND_APIS = /^im\.message\.(create|reply)$/;

function rateLimitFault(f: FakeState, api: string | RegExp, resetSeconds: number): Omit<Fault, 'count'> {
  // The frequency-control page's answer: HTTP 429 + 99991400 + the x-ogw-ratelimit-* headers.
  return {
    api,
    status: 429,
    code: 99991400,
    msg: 'request trigger frequency limit',
    headers: { 'x-ogw-ratelimit-limit': String(f.limits.appPerSecond), 'x-ogw-ratelimit-reset': String(resetSeconds) },
  };
}

/** Every matching request gets HTTP 500 for `ms` (a Feishu outage); default every admitted API. */
export function serverErrorsFor(f: FakeState, ms: number, api?: string | RegExp): void {
  injectFault(f, { ...(api ? { api } : {}), count: Infinity, forMs: ms, status: 500, code: 1, msg: 'internal error' });
}

/** A 429 storm lasting `ms`: every message send/reply gets HTTP 429 + 99991400 + x-ogw-ratelimit-reset. */
export function rateLimitStormFor(f: FakeState, ms: number, resetSeconds = 1, api: string | RegExp = SEND_APIS): void {
  injectFault(f, { ...rateLimitFault(f, api, resetSeconds), count: Infinity, forMs: ms });
}

/** A "429 storm": the next `count` message sends/replies get HTTP 429 + 99991400 with a reset header. */
export function rateLimitStorm(f: FakeState, count: number, resetSeconds = 1, api: string | RegExp = SEND_APIS): void {
  injectFault(f, { ...rateLimitFault(f, api, resetSeconds), count });
}

/** The next `count` matching requests get HTTP 500. */
export function serverErrors(f: FakeState, count: number, api?: string | RegExp): void {
  injectFault(f, { ...(api ? { api } : {}), count, status: 500, code: 1, msg: 'internal error' });
}

/** Ends every injected fault now (an outage is over); counters and the request log stay. */
export function endFaults(f: FakeState): void {
  f.faults.length = 0;
}

/** Forgets injected faults, rate-limit counters and the request log (between test cases). */
export function resetTraffic(f: FakeState): void {
  f.faults.length = 0;
  f.windows.clear();
  f.requests.length = 0;
}

// ---------------------------------------------------------------------------------------------
// Queries over the request log

/** Accepted requests for an API (e.g. 'im.message.create'), optionally only successful ones. */
export function requestsFor(f: FakeState, api: string, opts: { ok?: boolean } = {}): FakeRequestLog[] {
  return f.requests.filter((r) => r.api === api && (opts.ok === undefined || (r.code === 0) === opts.ok));
}

/** The most requests of `api` that arrived within any window of `windowMs` (sliding). */
export function maxInWindow(f: FakeState, api: string | ((r: FakeRequestLog) => boolean), windowMs = 1_000): number {
  const ts = f.requests.filter((r) => (typeof api === 'string' ? r.api === api : api(r))).map((r) => r.t);
  let max = 0;
  let start = 0;
  for (let end = 0; end < ts.length; end++) {
    while (ts[end]! - ts[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
