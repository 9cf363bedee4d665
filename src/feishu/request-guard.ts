// What the webhook checks about a request before it trusts or parses it: how deep its JSON nests
// (scanned over the raw bytes, so a hostile body never reaches JSON.parse), and how old it may be.
//
// Time windows. Feishu re-pushes an event it did not get a 200 for after 15 s, 5 min, 1 h and 6 h
// ("约 7.1 小时", https://open.feishu.cn/document/server-docs/event-subscription-guide/overview,
// 接收事件时失败重发机制); whether a re-push keeps its original X-Lark-Request-Timestamp is not
// documented. A signed event (encrypt key) is therefore accepted for the whole re-push window:
// replay protection rests on the persistent event-id / message-id dedupe of the inbox, not on the
// clock. Card callbacks are never re-pushed ("不提供补推机制", …/callback-subscription/callback-overview),
// so they keep the short window. Unsigned requests (no encrypt key) prove nothing about their
// time, so they keep the short window on the event's own create_time too.

/** Feishu's re-push schedule (s): 15 s + 5 min + 1 h + 6 h after the first push. */
export const FEISHU_REPUSH_DELAYS_SECONDS = [15, 5 * 60, 60 * 60, 6 * 60 * 60] as const;
/** The oldest a re-pushed event can be: 25,515 s ≈ 7.1 h. */
export const FEISHU_REPUSH_WINDOW_SECONDS = FEISHU_REPUSH_DELAYS_SECONDS.reduce((a, b) => a + b, 0);

/** Deepest nesting a Feishu payload needs (envelope → event → message → mentions → id is 5). */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, scanned over its bytes (strings skipped, escapes honoured), or
 * Infinity as soon as it passes `limit`. Linear and allocation-free: 2 MB take a few ms, where
 * JSON.parse of 2 MB of "[[[[…" blocks the event loop for about a second.
 */
export function jsonDepth(raw: Buffer | string, limit = MAX_JSON_DEPTH): number {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return Infinity;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

/**
 * An event's own time in epoch seconds: schema 2.0 `header.create_time` (the docs show it in
 * milliseconds on some pages and microseconds on others: read by magnitude), or v1.0 `ts`
 * ("1502199207.7171419", seconds). Undefined when absent or not a number.
 */
export function eventTimeSeconds(payload: Record<string, unknown>): number | undefined {
  const header = payload['header'];
  const raw = payload['schema'] === '2.0' && typeof header === 'object' && header !== null ? (header as Record<string, unknown>)['create_time'] : payload['ts'];
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n > 1e14) return n / 1e6; // microseconds
  if (n > 1e11) return n / 1e3; // milliseconds
  return n;
}

/**
 * Whether a moment (epoch s) is acceptable now: at most `maxFutureSeconds` ahead (clock skew) and
 * at most `maxAgeSeconds` old.
 */
export function withinWindow(timeSeconds: number, nowSeconds: number, maxAgeSeconds: number, maxFutureSeconds: number): boolean {
  if (!Number.isFinite(timeSeconds)) return false;
  return timeSeconds - nowSeconds <= maxFutureSeconds && nowSeconds - timeSeconds <= maxAgeSeconds;
}
