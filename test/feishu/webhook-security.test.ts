// The webhook as an attacker meets it: bodies are authenticated over their raw bytes before
// anything parses them, nesting is bounded, re-pushes of any age Feishu may send are accepted when
// signed, callbacks and unsigned requests keep a short window, webhook mode without an encrypt key
// needs the operator's explicit switch, and /healthz changes nothing.
import { spawn } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';
import { computeSignature } from '../../src/feishu/signature.js';
import { FEISHU_REPUSH_WINDOW_SECONDS, jsonDepth } from '../../src/feishu/request-guard.js';
import { createWebhookApp } from '../../src/feishu/webhook.js';
import { describeEachDatabase } from '../helpers/db.js';
import { recordingHandlers, serve, silentLogger, waitFor, type RecordingHandlers } from './helpers.js';

const ENCRYPT_KEY = 'test-encrypt-key-0123456789';
const TOKEN = 'test-verification-token';
const TENANT = 'tenant-sec';

function configOf(feishu: Partial<Config['feishu']> = {}): Pick<Config, 'feishu' | 'webhookMaxSkewSeconds'> {
  return {
    feishu: {
      appId: 'cli_0123456789abcdef',
      appSecret: 'secret',
      encryptKey: ENCRYPT_KEY,
      verificationToken: TOKEN,
      domain: 'http://127.0.0.1:9',
      eventMode: 'webhook',
      hasCredentials: true,
      wsSilentAfterSeconds: 300,
      wsPingTimeoutSeconds: 30,
      ...feishu,
    },
    webhookMaxSkewSeconds: 300,
  };
}

/** Feishu's encryption (AES-256-CBC, key sha256(EncryptKey), random IV): the docs' "加密原理". */
function encrypt(plaintext: string, key = ENCRYPT_KEY): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

function signed(raw: string, timestampSec: number, key = ENCRYPT_KEY): Record<string, string> {
  const timestamp = String(timestampSec);
  const nonce = randomBytes(8).toString('hex');
  return { 'X-Lark-Request-Timestamp': timestamp, 'X-Lark-Request-Nonce': nonce, 'X-Lark-Signature': computeSignature(timestamp, nonce, key, raw) };
}

const nowSec = () => Math.floor(Date.now() / 1000);

/** Six 2-MB bodies of nested arrays at once (exactly the body limit); odd ones with a forged signature. Prints the statuses. */
const ATTACKER = `
const half = 1024 * 1024;
const body = '['.repeat(half) + ']'.repeat(half);
const bad = JSON.parse(process.env.BAD_KEY_HEADERS);
Promise.all(Array.from({ length: 6 }, (_, i) =>
  fetch(process.env.TARGET, { method: 'POST', headers: { 'content-type': 'application/json', ...(i % 2 ? bad : {}) }, body }).then((r) => r.status),
)).then((s) => { process.stdout.write(JSON.stringify(s)); });
`;

function messageEnvelope(opts: { createTimeMs?: number; token?: string } = {}) {
  const id = randomBytes(8).toString('hex');
  return {
    schema: '2.0',
    header: { event_id: `ev_${id}`, token: opts.token ?? TOKEN, create_time: String(opts.createTimeMs ?? Date.now()), event_type: 'im.message.receive_v1', tenant_key: TENANT, app_id: 'cli_0123456789abcdef' },
    event: {
      sender: { sender_id: { open_id: 'ou_sec_sender', user_id: 'u1', union_id: 'on_1' }, sender_type: 'user', tenant_key: TENANT },
      message: { message_id: `om_${id}`, create_time: String(Date.now()), chat_id: 'oc_sec', chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text: '我的任务' }) },
    },
  };
}

function cardEnvelope(opts: { createTimeMs?: number } = {}) {
  const id = randomBytes(8).toString('hex');
  return {
    schema: '2.0',
    header: { event_id: `ev_${id}`, token: TOKEN, create_time: String((opts.createTimeMs ?? Date.now()) * 1000), event_type: 'card.action.trigger', tenant_key: TENANT, app_id: 'cli_0123456789abcdef' },
    event: {
      operator: { tenant_key: TENANT, open_id: 'ou_sec_sender', user_id: 'u1', union_id: 'on_1' },
      token: `c-${id}`,
      action: { value: { action: 'sign', task: 'QY-2026-001' }, tag: 'button' },
      host: 'im_message',
      context: { open_message_id: `om_card_${id}`, open_chat_id: 'oc_sec' },
    },
  };
}

describe('jsonDepth', () => {
  it('counts nesting over the bytes, skipping strings and escapes, and stops past the limit', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonDepth('{"a":"\\"[[[[","b":{}}')).toBe(2);
    expect(jsonDepth('[]')).toBe(1);
    expect(jsonDepth('"[[["')).toBe(0);
    expect(jsonDepth('['.repeat(33) + ']'.repeat(33), 32)).toBe(Infinity);
    expect(jsonDepth('['.repeat(32) + ']'.repeat(32), 32)).toBe(32);
  });
});

describe('webhook mode without an encrypt key', () => {
  const env = { FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: 's', FEISHU_VERIFICATION_TOKEN: TOKEN, FEISHU_EVENT_MODE: 'webhook' };

  it('refuses to start unless FEISHU_ALLOW_UNSIGNED_WEBHOOK=true, saying why in Chinese', () => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/FEISHU_ENCRYPT_KEY.*任何知道 Verification Token 的人都能伪造事件和卡片点击.*FEISHU_ALLOW_UNSIGNED_WEBHOOK=true/s);
    expect(loadConfig({ ...env, FEISHU_ALLOW_UNSIGNED_WEBHOOK: 'true' }).feishu.allowUnsignedWebhook).toBe(true);
    expect(() => loadConfig({ ...env, FEISHU_ALLOW_UNSIGNED_WEBHOOK: 'maybe' })).toThrow(/FEISHU_ALLOW_UNSIGNED_WEBHOOK: 应为 true 或 false/);
    // With an encrypt key, or on the long connection, no switch is needed.
    expect(loadConfig({ ...env, FEISHU_ENCRYPT_KEY: ENCRYPT_KEY }).feishu.allowUnsignedWebhook).toBe(false);
    expect(loadConfig({ ...env, FEISHU_EVENT_MODE: 'longconn' }).feishu.eventMode).toBe('longconn');
    // The webhook itself refuses too, whoever builds its config.
    expect(() => createWebhookApp({ config: configOf({ encryptKey: undefined }), db: undefined as never, handlers: recordingHandlers(), logger: silentLogger })).toThrow(
      /未配置 FEISHU_ENCRYPT_KEY/,
    );
  });
});

describeEachDatabase('webhook security', (ctx) => {
  let handlers: RecordingHandlers;
  let bot: { url: string; close: () => Promise<void> };

  const start = async (feishu: Partial<Config['feishu']> = {}) => {
    await bot?.close();
    bot = await serve(createWebhookApp({ config: configOf(feishu), db: ctx(), handlers, logger: silentLogger, cardDeadlineMs: 1_000 }));
  };
  beforeEach(async () => {
    handlers = recordingHandlers();
    await ctx().prisma.inboxEvent.deleteMany();
    await start();
  });
  afterEach(async () => {
    await bot.close();
  });

  async function post(body: string | Buffer, headers: Record<string, string> = {}, path = '/feishu/events') {
    const started = performance.now();
    const res = await fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    const json = (await res.json()) as Record<string, unknown>;
    return { status: res.status, body: json, ms: performance.now() - started };
  }

  const encryptedSigned = (payload: unknown, timestampSec = nowSec()) => {
    const raw = JSON.stringify({ encrypt: encrypt(JSON.stringify(payload)) });
    return { raw, headers: signed(raw, timestampSec) };
  };

  it('six 2-MB deeply nested bodies at once, unsigned or badly signed, do not delay a genuine ack past 3 s', async () => {
    // The attacker is another process (its own JSON and HTTP work must not be counted against the bot).
    const attacker = spawn(process.execPath, ['-e', ATTACKER], { env: { ...process.env, TARGET: `${bot.url}/feishu/events`, BAD_KEY_HEADERS: JSON.stringify(signed('x', nowSec(), 'not-the-key')) } });
    let out = '';
    attacker.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const attackDone = new Promise<number[]>((resolve, reject) => attacker.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`attacker exited ${code}: ${out}`)))));
    let finished = false;
    void attackDone.finally(() => (finished = true)).catch(() => undefined);
    // The bot runs in this process: every JSON.parse it makes during the attack is seen here.
    // JSON.parse of one such body blocks the event loop for 250 ms on this machine (≈ 1 s elsewhere).
    const parse = vi.spyOn(JSON, 'parse');
    const genuine: Promise<{ status: number; ms: number }>[] = [];
    try {
      while (!finished) {
        const { raw, headers } = encryptedSigned(messageEnvelope());
        genuine.push(post(raw, headers));
        await new Promise((r) => setTimeout(r, 25));
      }
      const statuses = await attackDone;
      const acks = await Promise.all(genuine);
      expect(statuses).toHaveLength(6);
      for (const s of statuses) expect([400, 401]).toContain(s);
      expect(acks.length).toBeGreaterThan(5);
      for (const g of acks) expect(g.status).toBe(200);
      expect(Math.max(...acks.map((g) => g.ms))).toBeLessThan(3_000);
      // Nothing unauthenticated and large is parsed: a hash or a size check per hostile body.
      const largest = Math.max(0, ...parse.mock.calls.map(([text]) => String(text).length));
      expect(largest, 'largest text given to JSON.parse during the attack').toBeLessThan(64 * 1024);
    } finally {
      parse.mockRestore();
      attacker.kill();
    }
    // Unsigned requests explicitly allowed: a nested body is refused by the depth scan, never parsed.
    await start({ encryptKey: undefined, allowUnsignedWebhook: true });
    const deep = await post('{"a":' + '['.repeat(100) + ']'.repeat(100) + '}');
    expect(deep).toMatchObject({ status: 400, body: { msg: '请求体嵌套超过 32 层' } });
  }, 60_000);

  it('verifies before parsing: a forged signature over garbage is 401, not 400', async () => {
    const res = await post('{"encrypt": not json at all', signed('{"encrypt": not json at all', nowSec(), 'not-the-key'));
    expect(res).toMatchObject({ status: 401, body: { msg: '签名校验失败' } });
    const unsignedBig = await post(JSON.stringify({ schema: '2.0', pad: 'x'.repeat(10_000) }));
    expect(unsignedBig).toMatchObject({ status: 401, body: { msg: '缺少签名请求头' } });
  });

  it('accepts a validly signed re-push of any age Feishu may send (≈ 7.1 h) once, and nothing older', async () => {
    expect(FEISHU_REPUSH_WINDOW_SECONDS).toBe(15 + 300 + 3_600 + 21_600);
    // The last re-push, 6 h after the 1-h one, keeping its original timestamp (not documented either way).
    const envelope = messageEnvelope({ createTimeMs: Date.now() - FEISHU_REPUSH_WINDOW_SECONDS * 1000 });
    const old = encryptedSigned(envelope, nowSec() - FEISHU_REPUSH_WINDOW_SECONDS);
    expect((await post(old.raw, old.headers)).status).toBe(200);
    for (const delay of [15, 300, 3_600]) {
      const again = encryptedSigned(envelope, nowSec() - FEISHU_REPUSH_WINDOW_SECONDS + delay);
      expect((await post(again.raw, again.headers)).status).toBe(200);
    }
    // Stored once: replays are caught by the persistent event-id dedupe, not by the clock.
    expect(await ctx().prisma.inboxEvent.count({ where: { eventId: envelope.header.event_id } })).toBe(1);
    const tooOld = encryptedSigned(messageEnvelope(), nowSec() - FEISHU_REPUSH_WINDOW_SECONDS - 600);
    expect(await post(tooOld.raw, tooOld.headers)).toMatchObject({ status: 401, body: { msg: '请求时间戳超出允许范围' } });
    const future = encryptedSigned(messageEnvelope(), nowSec() + 600);
    expect((await post(future.raw, future.headers)).status).toBe(401);
  });

  it('keeps the short window for card callbacks, which Feishu never re-pushes', async () => {
    const fresh = encryptedSigned(cardEnvelope());
    const ok = await post(fresh.raw, fresh.headers, '/feishu/cards');
    expect(ok.status).toBe(200);
    expect(handlers.cardActions).toHaveLength(1);
    const stale = encryptedSigned(cardEnvelope(), nowSec() - 600);
    expect(await post(stale.raw, stale.headers, '/feishu/cards')).toMatchObject({ status: 401, body: { msg: '请求时间戳超出允许范围' } });
    expect(handlers.cardActions).toHaveLength(1);
  });

  it('unsigned (explicitly allowed): a fresh event passes, a 30-day-old event or click is refused', async () => {
    await start({ encryptKey: undefined, allowUnsignedWebhook: true });
    expect((await post(JSON.stringify(messageEnvelope()))).status).toBe(200);
    const month = 30 * 24 * 3600 * 1000;
    const oldEvent = await post(JSON.stringify(messageEnvelope({ createTimeMs: Date.now() - month })));
    expect(oldEvent).toMatchObject({ status: 401, body: { msg: '请求时间戳超出允许范围' } });
    const oldClick = await post(JSON.stringify(cardEnvelope({ createTimeMs: Date.now() - month })), {}, '/feishu/cards');
    expect(oldClick.status).toBe(401);
    expect(handlers.cardActions).toHaveLength(0);
    // Six minutes: past the 300-s window (a re-push keeping its create_time is refused: the price of no key).
    expect((await post(JSON.stringify(messageEnvelope({ createTimeMs: Date.now() - 360_000 })))).status).toBe(401);
    const noTime = messageEnvelope() as { header: Record<string, unknown> };
    delete noTime.header['create_time'];
    expect(await post(JSON.stringify(noTime))).toMatchObject({ status: 401, body: { msg: '未签名的请求缺少事件时间（create_time）' } });
    // The token still decides.
    expect((await post(JSON.stringify(messageEnvelope({ token: 'guessed' })))).status).toBe(401);
    await waitFor(async () => (await ctx().prisma.inboxEvent.count()) === 1);
  });

  it('/healthz is read-only: ?reset clears nothing; ?since reports the acks after an earlier total', async () => {
    for (let i = 0; i < 3; i++) {
      const { raw, headers } = encryptedSigned(messageEnvelope());
      expect((await post(raw, headers)).status).toBe(200);
    }
    const health = async (q = '') => ((await (await fetch(`${bot.url}/healthz${q}`)).json()) as { ack: { total: number; count: number } }).ack;
    expect(await health()).toMatchObject({ total: 3, count: 3 });
    await health('?reset');
    expect(await health()).toMatchObject({ total: 3, count: 3 });
    const { raw, headers } = encryptedSigned(messageEnvelope());
    await post(raw, headers);
    expect(await health('?since=3')).toMatchObject({ total: 4, count: 1 });
  });
});
