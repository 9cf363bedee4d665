// Event delivery: how Feishu pushes events to the bot. Schema 2.0 envelopes, AES-256-CBC
// encryption and X-Lark-* signatures when an Encrypt Key is set, an HTTP 200 within 3 s as the
// only acknowledgement, and re-delivery on Feishu's schedule; over the webhook (POST to the
// event URL) or the long connection (longconn.ts).
//
// Sources:
//  - Envelope, at-least-once delivery, 3 s deadline, re-push after 15 s, 5 min, 1 h, 6 h (at
//    most 4 retries): https://open.feishu.cn/document/server-docs/event-subscription-guide/overview
//  - Encryption (key = sha256(EncryptKey), base64(iv + ciphertext)) and the signature
//    sha256(timestamp + nonce + encryptKey + raw body) in X-Lark-Request-Timestamp/-Nonce/-Signature:
//    https://open.feishu.cn/document/event-subscription-guide/event-subscriptions/event-subscription-configure-/choose-a-subscription-mode/send-notifications-to-developers-server
//  - url_verification challenge ({challenge, token, type}, encrypted when a key is set):
//    same page.
import { randomBytes } from 'node:crypto';
import { sendOverWs } from './longconn.js';
import { encryptForBot, signatureHeaders } from './payloads.js';
import type { FakeState } from './state.js';

/** Feishu's re-delivery intervals after an unacknowledged event: 15 s, 5 min, 1 h, 6 h. */
export const FEISHU_REDELIVERY_SCHEDULE_MS = [15_000, 300_000, 3_600_000, 21_600_000];

export interface DeliveryAttempt {
  at: Date;
  status?: number;
  error?: string;
  ms: number;
}

export interface DeliveryResult {
  eventId: string;
  acked: boolean;
  attempts: DeliveryAttempt[];
  /** The bot's reply body to the acknowledged attempt. */
  response?: unknown;
}

/** One attempt's outcome and the bot's reply body. */
export interface SendOutcome {
  attempt: DeliveryAttempt;
  body?: unknown;
}

/** The schema 2.0 header fields of an event from this app (see payloads.ts `envelope`). */
export function eventHeader(f: FakeState, eventId: string, eventType: string, now: Date, tenantKey = f.tenantKey) {
  return { eventId, eventType, token: f.verificationToken, appId: f.appId, tenantKey, createTime: String(now.getTime()) };
}

export function eventIdOf(env: Record<string, unknown>): string {
  return (env['header'] as { event_id: string }).event_id;
}

/**
 * Sends an event until the bot acknowledges it with 200, retrying on the re-delivery schedule
 * (none with retry: false); stops when the fake closes. Every attempt is reported as 'delivery'.
 */
export async function deliverWithRetries(
  f: FakeState,
  eventId: string,
  send: () => Promise<SendOutcome>,
  opts: { retry?: boolean } = {},
): Promise<DeliveryResult> {
  const result: DeliveryResult = { eventId, acked: false, attempts: [] };
  const schedule = opts.retry === false ? [] : f.redeliveryScheduleMs;
  for (let attempt = 0; attempt <= schedule.length; attempt++) {
    if (attempt > 0) await f.sleep(schedule[attempt - 1]!);
    if (f.closed) break;
    const outcome = await send();
    result.attempts.push(outcome.attempt);
    f.emit('delivery', { eventId, ...outcome.attempt });
    if (outcome.attempt.status === 200) {
      result.acked = true;
      result.response = outcome.body;
      break;
    }
  }
  return result;
}

/** Pushes an arbitrary (already built) envelope over the configured transport. */
export async function pushEvent(f: FakeState, env: Record<string, unknown>, opts: { retry?: boolean } = {}): Promise<DeliveryResult> {
  const eventId = eventIdOf(env);
  f.pushedEvents.set(eventId, env);
  return deliverWithRetries(f, eventId, () => sendEvent(f, env, f.eventUrl), opts);
}

/** One attempt over the configured transport: the long connection, or a POST to `url`. */
export function sendEvent(f: FakeState, env: Record<string, unknown>, url: string | undefined): Promise<SendOutcome> {
  return f.eventTransport === 'ws' ? sendOverWs(f, env) : postToBot(f, url, env);
}

/** Pushes the exact same event again (same event_id), as Feishu sometimes does. */
export async function redeliver(f: FakeState, eventId: string, opts: { retry?: boolean } = {}): Promise<DeliveryResult> {
  const env = f.pushedEvents.get(eventId);
  if (!env) throw new Error(`unknown event ${eventId}`);
  return pushEvent(f, env, opts);
}

/** One POST to the bot, encrypted and signed when an encrypt key is set. */
export async function postToBot(
  f: FakeState,
  url: string | undefined,
  payload: Record<string, unknown>,
  opts: { sign?: boolean } = {},
): Promise<SendOutcome> {
  const at = f.clock.now();
  const started = performance.now();
  if (!url) return { attempt: { at, error: 'no url configured', ms: 0 } };
  const raw = f.encryptKey ? JSON.stringify({ encrypt: encryptForBot(f.encryptKey, JSON.stringify(payload)) }) : JSON.stringify(payload);
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Go-http-client/1.1 (fake-feishu)' };
  if (f.encryptKey && opts.sign !== false) {
    Object.assign(headers, signatureHeaders(f.encryptKey, raw, Math.floor(f.clock.now().getTime() / 1000)));
  }
  try {
    const res = await fetch(url, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(f.ackTimeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { attempt: { at, status: res.status, ms: Math.round(performance.now() - started) }, body };
  } catch (err) {
    const timeout = (err as { name?: string }).name === 'TimeoutError' || (err as { name?: string }).name === 'AbortError';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { attempt: { at, error: timeout ? 'timeout' : `${String((err as Error).message)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`, ms: Math.round(performance.now() - started) } };
  }
}

/**
 * Sends the url_verification challenge the console sends when the URL is saved (unsigned: only a
 * user comment in larksuite/node-sdk#67 says these carry no X-Lark-* headers; the docs are silent).
 */
export async function sendChallenge(
  f: FakeState,
  url = f.eventUrl,
  opts: { token?: string } = {},
): Promise<{ status?: number; body?: unknown; challenge: string }> {
  const challenge = randomBytes(12).toString('hex');
  const plain = { challenge, token: opts.token ?? f.verificationToken, type: 'url_verification' };
  const outcome = await postToBot(f, url, plain, { sign: false });
  return { ...(outcome.attempt.status !== undefined ? { status: outcome.attempt.status } : {}), body: outcome.body, challenge };
}
