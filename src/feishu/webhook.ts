// Webhook transport: express app receiving Feishu events and card callbacks over HTTP.
//
// Per request, in this order: raw body captured → JSON parsed (400 if not JSON) → X-Lark-Signature
// checked over the RAW bytes with the encrypt key, timestamp within ±webhookMaxSkewSeconds →
// decrypted with the SDK's AESCipher → url_verification answered (token must match) → verification
// token checked → handed to the shared EventDispatcher (src/feishu/dispatch.ts). Anything that
// fails verification gets 401 {"msg": …} and nothing is recorded. Events are stored in the inbox
// and acknowledged at once (200 {}); card callbacks are answered with the handler's {toast, card}.
import { performance } from 'node:perf_hooks';
import express, { type Request, type Response } from 'express';
import type * as lark from '@larksuiteoapi/node-sdk';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { EventRouter, routeEnvelope, type EventRouterOptions } from './dispatch.js';
import { parseEnvelope, FeishuPayloadError, type FeishuEnvelope } from './normalize.js';
import { decryptPayload, safeEqual, verifySignature } from './signature.js';

/** The event path's options (EventRouterOptions) plus what the webhook itself needs. */
export interface WebhookAppOptions extends EventRouterOptions {
  config: Pick<Config, 'feishu' | 'webhookMaxSkewSeconds'>;
  /** An SDK EventDispatcher to use instead of the router (tests); normally absent. */
  dispatcher?: lark.EventDispatcher;
  /** Max request body (default 2 MB). */
  bodyLimit?: string;
}

class Rejected extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createWebhookApp(opts: WebhookAppOptions): express.Express {
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
  // How long acks take inside the bot (request parsed → response written), for /healthz and the
  // load benchmark: the last 10,000 event and card requests.
  const ackMs: number[] = [];
  let ackNext = 0;
  app.use(['/feishu/events', '/feishu/cards'], (_req, res, next) => {
    const start = performance.now();
    res.once('finish', () => {
      ackMs[ackNext] = performance.now() - start;
      ackNext = (ackNext + 1) % 10_000;
    });
    next();
  });
  const raw = express.raw({ type: () => true, limit: opts.bodyLimit ?? '2mb' });

  /** Verifies and decrypts; returns the plaintext payload or throws Rejected. */
  const authenticate = (req: Request): { payload: Record<string, unknown>; challenge?: string } => {
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new Rejected(400, '请求体不是合法的 JSON');
    }
    if (!isRecord(body)) throw new Rejected(400, '请求体应为 JSON 对象');

    const timestamp = req.get('x-lark-request-timestamp');
    const nonce = req.get('x-lark-request-nonce');
    const signature = req.get('x-lark-signature');
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

  const handle = async (req: Request, res: Response) => {
    let auth: ReturnType<typeof authenticate>;
    try {
      auth = authenticate(req);
    } catch (err) {
      if (err instanceof Rejected) {
        logger.warn({ path: req.path, status: err.status, reason: err.message }, '拒绝飞书回调请求');
        res.status(err.status).json({ msg: err.message });
        return;
      }
      throw err;
    }
    if (auth.challenge !== undefined) {
      logger.info({ path: req.path }, '已应答飞书 URL 校验（challenge）');
      res.json({ challenge: auth.challenge });
      return;
    }
    const { payload } = auth;
    if (payload['schema'] !== '2.0') {
      // v1.0 events and the legacy card.action.trigger_v1 are not subscribed to.
      logger.info({ path: req.path, type: payload['type'] }, '忽略非 2.0 格式的回调');
      res.json({});
      return;
    }
    let envelope: FeishuEnvelope;
    try {
      envelope = parseEnvelope(payload);
    } catch (err) {
      if (err instanceof FeishuPayloadError) {
        logger.warn({ reason: err.message }, '飞书事件信封格式不正确');
        res.status(400).json({ msg: '事件格式不正确' });
        return;
      }
      throw err;
    }
    // The same router the long connection's EventDispatcher calls: one path for both transports.
    // (opts.dispatcher: an SDK EventDispatcher given by the caller is used as is.)
    const result: unknown = opts.dispatcher ? await opts.dispatcher.invoke(payload, { needCheck: false }) : await routeEnvelope(router, envelope);
    res.json(isRecord(result) ? result : {});
  };

  app.post('/feishu/events', raw, handle);
  app.post('/feishu/cards', raw, handle);
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
      // body-parser errors (e.g. 413 too large)
      if (!res.headersSent) res.status(status).json({ msg: '请求无法处理' });
      return;
    }
    logger.error({ err: err instanceof Error ? err.message : String(err) }, '处理飞书回调时出错');
    if (!res.headersSent) res.status(500).json({ msg: '服务器内部错误' });
  });
  return app;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
