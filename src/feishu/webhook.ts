// Webhook transport: express app receiving Feishu events and card callbacks over HTTP.
//
// Per request, in this order: raw body read (413 over the limit) → JSON parsed (400 if not JSON) → X-Lark-Signature
// checked over the RAW bytes with the encrypt key, timestamp within ±webhookMaxSkewSeconds →
// decrypted with the SDK's AESCipher → url_verification answered (token must match) → verification
// token checked → handed to the shared EventDispatcher (src/feishu/dispatch.ts). Anything that
// fails verification gets 401 {"msg": …} and nothing is recorded. Events are stored in the inbox
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
import type { Config } from '../config.js';
import { EventRouter, isAppTicketEvent, routeEnvelope, type EventRouterOptions } from './dispatch.js';
import { parseEnvelope, FeishuPayloadError, type FeishuEnvelope } from './normalize.js';
import { decryptPayload, safeEqual, verifySignature } from './signature.js';

/** The event path's options (EventRouterOptions) plus what the webhook itself needs. */
export interface WebhookAppOptions extends EventRouterOptions {
  config: Pick<Config, 'feishu' | 'webhookMaxSkewSeconds'>;
  /** An SDK EventDispatcher to use instead of the router (tests); normally absent. */
  dispatcher?: lark.EventDispatcher;
  /** Max request body in bytes (default 2 MB). */
  bodyLimitBytes?: number;
}

class Rejected extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

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
    logger.warn('未配置 FEISHU_ENCRYPT_KEY：webhook 只能校验 Verification Token，无法校验签名，建议配置 Encrypt Key');
  }
  const router = new EventRouter({ ...opts, clock });

  const app = express();
  app.disable('x-powered-by');
  // Feishu ignores the body of an ack; hashing it for an ETag is wasted time on the ack path.
  app.set('etag', false);
  // How long acks take inside the bot (request parsed → response written), for /healthz and the
  // load benchmark: the last 10,000 event and card requests.
  const ackMs: number[] = [];
  let ackNext = 0;
  const bodyLimit = opts.bodyLimitBytes ?? 2 * 1024 * 1024;

  /** Verifies and decrypts; returns the plaintext payload or throws Rejected. */
  const authenticate = (req: IncomingMessage, rawBody: Buffer): { payload: Record<string, unknown>; challenge?: string } => {
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new Rejected(400, '请求体不是合法的 JSON');
    }
    if (!isRecord(body)) throw new Rejected(400, '请求体应为 JSON 对象');

    const timestamp = requestHeader(req, 'x-lark-request-timestamp');
    const nonce = requestHeader(req, 'x-lark-request-nonce');
    const signature = requestHeader(req, 'x-lark-signature');
    const signed = Boolean(timestamp && nonce && signature);
    if (encryptKey && signed) {
      if (!verifySignature({ timestamp: timestamp!, nonce: nonce!, signature: signature! }, encryptKey, rawBody)) {
        throw new Rejected(401, '签名校验失败');
      }
      const ts = Number(timestamp);
      const skew = Math.abs(clock.now().getTime() / 1000 - ts);
      if (!Number.isFinite(ts) || skew > config.webhookMaxSkewSeconds) throw new Rejected(401, '请求时间戳超出允许范围');
    }

    let payload: Record<string, unknown> = body;
    if (typeof body['encrypt'] === 'string') {
      if (!encryptKey) throw new Rejected(401, '收到加密请求，但未配置 Encrypt Key');
      try {
        const decrypted: unknown = JSON.parse(decryptPayload(encryptKey, body['encrypt']));
        if (!isRecord(decrypted)) throw new Error('not an object');
        payload = decrypted;
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
      ackNext = (ackNext + 1) % 10_000;
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

  app.get('/healthz', (req, res) => {
    const sorted = [...ackMs].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10 : null);
    if (req.query.reset !== undefined) {
      ackMs.length = 0;
      ackNext = 0;
    }
    res.json({ ok: true, ack: { count: sorted.length, p50Ms: pct(50), p99Ms: pct(99), maxMs: pct(100) } });
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
    listen: (port: number, host: string, onListening?: () => void) => createServer(listener).listen(port, host, onListening),
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
