// Webhook transport: express app receiving Feishu events and card callbacks over HTTP.
//
// Per request, in this order: raw body read (413 over the limit) → X-Lark-Signature checked over the
// RAW bytes with the encrypt key, before anything is parsed (an unsigned request may only be the
// small url_verification challenge), timestamp not older than Feishu's re-push window (≈ 7.1 h;
// card callbacks: webhookMaxSkewSeconds) → nesting depth scanned, then JSON parsed (400) →
// decrypted with the SDK's AESCipher → url_verification answered (token must match) → verification
// token checked → handed to the shared EventDispatcher (src/feishu/dispatch.ts). Without an encrypt
// key the webhook refuses to start unless FEISHU_ALLOW_UNSIGNED_WEBHOOK=true, and then accepts
// only events created within webhookMaxSkewSeconds (request-guard.ts). Anything that fails
// verification gets 401 {"msg": …} and nothing is recorded. Events are stored in the inbox
// and acknowledged at once (200 {}); card callbacks are answered with the handler's {toast, card}.
//
// The two callback routes are answered on node's own request and response, before express: with
// 200 events arriving at once express's app and router, its body parser and res.json cost a third
// of the bot's CPU on the ack path (issue 3's p99 target). Everything else (/healthz, unknown
// paths, other methods) goes to the express app.
import { performance } from 'node:perf_hooks';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import type * as lark from '@larksuiteoapi/node-sdk';
import { systemClock } from '../clock.js';
import { UNSIGNED_WEBHOOK_REFUSAL, type Config } from '../config.js';
import { EventRouter, isAppTicketEvent, routeEnvelope, type EventRouterOptions } from './dispatch.js';
import { EVENT_CARD_ACTION, parseEnvelope, FeishuPayloadError, type FeishuEnvelope } from './normalize.js';
import { eventTimeSeconds, FEISHU_REPUSH_WINDOW_SECONDS, jsonDepth, MAX_JSON_DEPTH, withinWindow } from './request-guard.js';
import { decryptPayload, safeEqual, verifySignature } from './signature.js';

/** The event path's options (EventRouterOptions) plus what the webhook itself needs. */
export interface WebhookAppOptions extends EventRouterOptions {
  config: Pick<Config, 'feishu' | 'webhookMaxSkewSeconds'>;
  /** An SDK EventDispatcher to use instead of the router (tests); normally absent. */
  dispatcher?: lark.EventDispatcher;
  /** Max request body in bytes (default 2 MB). */
  bodyLimitBytes?: number;
}

/** An unsigned request with an encrypt key configured can only be the url_verification challenge (a few hundred bytes). */
const UNSIGNED_CHALLENGE_MAX_BYTES = 4 * 1024;

class Rejected extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** How long an idle keep-alive connection stays open: longer than Go's 90-s client default. */
const KEEP_ALIVE_MS = 95_000;

/** The webhook's request listener, and listen() to serve it on a new HTTP server. */
export type WebhookApp = RequestListener & { listen(port: number, host: string, onListening?: () => void): Server };

export function createWebhookApp(opts: WebhookAppOptions): WebhookApp {
  const { config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const encryptKey = config.feishu.encryptKey;
  const verificationToken = config.feishu.verificationToken;
  if (!verificationToken) {
    throw new Error('webhook 模式需要配置 FEISHU_VERIFICATION_TOKEN（飞书开发者后台 → 事件与回调 → 加密策略）');
  }
  if (!encryptKey) {
    if (!config.feishu.allowUnsignedWebhook) throw new Error(`webhook 模式未配置 FEISHU_ENCRYPT_KEY：${UNSIGNED_WEBHOOK_REFUSAL}`);
    const maxSkewText = `${config.webhookMaxSkewSeconds} 秒`;
    logger.warn(`未配置 FEISHU_ENCRYPT_KEY（已用 FEISHU_ALLOW_UNSIGNED_WEBHOOK=true 允许）：webhook 只能校验 Verification Token，无法校验签名；只接受 ${maxSkewText} 内产生的事件，飞书稍后的重推会被拒绝。强烈建议配置 Encrypt Key`);
  }
  const maxSkew = config.webhookMaxSkewSeconds;
  const router = new EventRouter({ ...opts, clock });

  const app = express();
  app.disable('x-powered-by');
  // Feishu ignores the body of an ack; hashing it for an ETag is wasted time on the ack path.
  app.set('etag', false);
  // How long acks take inside the bot (request parsed → response written), for /healthz and the
  // load benchmark: the last 10,000 event and card requests.
  const ACK_RING = 10_000;
  const ackMs: number[] = [];
  let ackNext = 0;
  let ackTotal = 0;
  const bodyLimit = opts.bodyLimitBytes ?? 2 * 1024 * 1024;

  /** Verifies and decrypts; returns the plaintext payload or throws Rejected. */
  const authenticate = (req: IncomingMessage, rawBody: Buffer): { payload: Record<string, unknown>; challenge?: string } => {
    const timestamp = requestHeader(req, 'x-lark-request-timestamp');
    const nonce = requestHeader(req, 'x-lark-request-nonce');
    const signature = requestHeader(req, 'x-lark-signature');
    const signed = Boolean(timestamp && nonce && signature);
    const nowSec = clock.now().getTime() / 1000;
    // With an encrypt key nothing is parsed before it is authenticated: the signature is checked
    // over the raw bytes first, and an unsigned request can only be the small url_verification
    // challenge (Feishu does not document signature headers on it).
    if (encryptKey) {
      if (signed) {
        if (!verifySignature({ timestamp: timestamp!, nonce: nonce!, signature: signature! }, encryptKey, rawBody)) {
          throw new Rejected(401, '签名校验失败');
        }
        // Not from the future, and not older than Feishu's re-push window plus clock skew (card callbacks: below).
        if (!withinWindow(Number(timestamp), nowSec, FEISHU_REPUSH_WINDOW_SECONDS + maxSkew, maxSkew)) {
          throw new Rejected(401, '请求时间戳超出允许范围');
        }
      } else if (rawBody.length > UNSIGNED_CHALLENGE_MAX_BYTES) {
        throw new Rejected(401, '缺少签名请求头');
      }
    }
    const body = parseBounded(rawBody);

    let payload: Record<string, unknown> = body;
    if (typeof body['encrypt'] === 'string') {
      if (!encryptKey) throw new Rejected(401, '收到加密请求，但未配置 Encrypt Key');
      let plain: string;
      try {
        plain = decryptPayload(encryptKey, body['encrypt']);
      } catch {
        throw new Rejected(401, '解密失败');
      }
      try {
        payload = parseBounded(Buffer.from(plain, 'utf8'));
      } catch {
        throw new Rejected(401, '解密失败');
      }
    }

    if (payload['type'] === 'url_verification') {
      // Signature headers are not documented for the challenge; decrypting it already proves the
      // encrypt key, and the token must match in any case.
      if (!safeEqual(stringOr(payload['token']), verificationToken)) throw new Rejected(401, 'Verification Token 不匹配');
      return { payload, challenge: stringOr(payload['challenge']) ?? '' };
    }
    if (encryptKey && !signed) throw new Rejected(401, '缺少签名请求头');
    const header = isRecord(payload['header']) ? payload['header'] : undefined;
    const token = payload['schema'] === '2.0' ? stringOr(header?.['token']) : stringOr(payload['token']);
    if (!safeEqual(token, verificationToken)) throw new Rejected(401, 'Verification Token 不匹配');
    if (encryptKey) {
      // Callbacks are answered synchronously and never re-pushed: an old one is a replay.
      if (header?.['event_type'] === EVENT_CARD_ACTION && !withinWindow(Number(timestamp), nowSec, maxSkew, maxSkew)) {
        throw new Rejected(401, '请求时间戳超出允许范围');
      }
    } else {
      // Unsigned (FEISHU_ALLOW_UNSIGNED_WEBHOOK): anyone holding the token can write this request,
      // so at least a captured one cannot be replayed later — the event's own time and the
      // timestamp header (when sent) must both be recent. Re-pushes after the window are refused.
      const eventTime = eventTimeSeconds(payload);
      if (eventTime === undefined) throw new Rejected(401, '未签名的请求缺少事件时间（create_time）');
      if (!withinWindow(eventTime, nowSec, maxSkew, maxSkew) || (timestamp !== undefined && !withinWindow(Number(timestamp), nowSec, maxSkew, maxSkew))) {
        throw new Rejected(401, '请求时间戳超出允许范围');
      }
    }
    return { payload };
  };

  const handle = async (req: IncomingMessage, rawBody: Buffer, res: ServerResponse): Promise<void> => {
    const path = req.url;
    let auth: ReturnType<typeof authenticate>;
    try {
      auth = authenticate(req, rawBody);
    } catch (err) {
      if (err instanceof Rejected) {
        logger.warn({ path, status: err.status, reason: err.message }, '拒绝飞书回调请求');
        reply(res, err.status, { msg: err.message });
        return;
      }
      throw err;
    }
    if (auth.challenge !== undefined) {
      logger.info({ path }, '已应答飞书 URL 校验（challenge）');
      reply(res, 200, { challenge: auth.challenge });
      return;
    }
    const { payload } = auth;
    if (payload['schema'] !== '2.0') {
      // Store apps: the app_ticket push (a v1.0 event) goes to the SDK's token cache, then 200.
      if (isAppTicketEvent(payload)) {
        await router.handleAppTicket(payload);
        reply(res, 200, {});
        return;
      }
      // Other v1.0 events and the legacy card.action.trigger_v1 are not subscribed to.
      logger.info({ path, type: payload['type'] }, '忽略非 2.0 格式的回调');
      reply(res, 200, {});
      return;
    }
    let envelope: FeishuEnvelope;
    try {
      envelope = parseEnvelope(payload);
    } catch (err) {
      if (err instanceof FeishuPayloadError) {
        logger.warn({ reason: err.message }, '飞书事件信封格式不正确');
        reply(res, 400, { msg: '事件格式不正确' });
        return;
      }
      throw err;
    }
    // The same router the long connection's EventDispatcher calls: one path for both transports.
    // (opts.dispatcher: an SDK EventDispatcher given by the caller is used as is.)
    const result: unknown = opts.dispatcher ? await opts.dispatcher.invoke(payload, { needCheck: false }) : await routeEnvelope(router, envelope);
    reply(res, 200, isRecord(result) ? result : {});
  };

  const callback = (req: IncomingMessage, res: ServerResponse): void => {
    const start = performance.now();
    res.once('finish', () => {
      ackMs[ackNext] = performance.now() - start;
      ackNext = (ackNext + 1) % ACK_RING;
      ackTotal++;
    });
    readBody(req, bodyLimit)
      .then((rawBody) => handle(req, rawBody, res))
      .catch((err: unknown) => {
        if (err instanceof Rejected) {
          logger.warn({ path: req.url, status: err.status, reason: err.message }, '拒绝飞书回调请求');
          reply(res, err.status, { msg: err.message });
          return;
        }
        logger.error({ err: err instanceof Error ? err.message : String(err) }, '处理飞书回调时出错');
        reply(res, 500, { msg: '服务器内部错误' });
      });
  };

  // Read-only, unauthenticated: nothing here changes state (a `?reset` once let anyone clear the
  // statistics). `?since=<total>` reports only the acks after an earlier answer's `total`.
  app.get('/healthz', (req, res) => {
    const since = Number(req.query.since);
    const fresh = Number.isInteger(since) && since >= 0 ? Math.max(0, Math.min(ackTotal - since, ackMs.length)) : ackMs.length;
    const window: number[] = [];
    for (let i = 1; i <= fresh; i++) window.push(ackMs[(ackNext - i + ACK_RING) % ACK_RING]!);
    const sorted = window.sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10 : null);
    res.json({ ok: true, ack: { total: ackTotal, count: sorted.length, p50Ms: pct(50), p99Ms: pct(99), maxMs: pct(100) } });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (!res.headersSent) res.status(status).json({ msg: '请求无法处理' });
      return;
    }
    logger.error({ err: err instanceof Error ? err.message : String(err) }, '处理飞书回调时出错');
    if (!res.headersSent) res.status(500).json({ msg: '服务器内部错误' });
  });

  const listener: RequestListener = (req, res) => {
    if (req.method === 'POST' && (req.url === '/feishu/events' || req.url === '/feishu/cards')) callback(req, res);
    else void app(req, res);
  };
  return Object.assign(listener, {
    listen: (port: number, host: string, onListening?: () => void) => {
      // Feishu pushes from a Go HTTP client, whose idle keep-alive connections live 90 s
      // (net/http DefaultTransport IdleConnTimeout). Node closes idle ones after 5 s: a push sent
      // on a connection the server is closing at that moment fails with ECONNRESET and waits for a
      // re-push. The server keeps them longer than any client does, so the client closes first.
      const server = createServer({ keepAliveTimeout: KEEP_ALIVE_MS }, listener);
      server.headersTimeout = KEEP_ALIVE_MS + 1_000;
      return server.listen(port, host, onListening);
    },
  });
}

/** The whole request body, or Rejected(413) past `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new Rejected(413, '请求体过大'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new Rejected(413, '请求体过大'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** JSON.parse for a request body: nesting bounded first (400), then parsed (400), an object (400). */
function parseBounded(raw: Buffer): Record<string, unknown> {
  if (jsonDepth(raw, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new Rejected(400, `请求体嵌套超过 ${MAX_JSON_DEPTH} 层`);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Rejected(400, '请求体不是合法的 JSON');
  }
  if (!isRecord(body)) throw new Rejected(400, '请求体应为 JSON 对象');
  return body;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
