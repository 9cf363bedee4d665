// Webhook transport against the fake Feishu platform over real HTTP: signed + encrypted payloads,
// verification failures, dedupe, durable inbox and card callbacks — on SQLite and PostgreSQL.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createFeishuClient, getBotOpenId } from '../../src/feishu/client.js';
import { CARD_TOASTS } from '../../src/feishu/dispatch.js';
import { InboxProcessor, storeEvent } from '../../src/feishu/inbox.js';
import { Sender } from '../../src/feishu/sender.js';
import { CARD_UPDATE_AFTER_ANSWER_MS } from '../../src/outbox/index.js';
import { FEISHU_REPUSH_WINDOW_SECONDS } from '../../src/feishu/request-guard.js';
import { createWebhookApp } from '../../src/feishu/webhook.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { MessageTooLargeError, encryptForBot, signatureHeaders } from '../../src/sandbox/fake-feishu-payloads.js';
import { describeEachDatabase } from '../helpers/db.js';
import { recordingHandlers, sampleCard, serve, silentLogger, sleep, waitFor, type RecordingHandlers } from './helpers.js';

const USERS = [
  { openId: 'ou_zhangsan000000000000000000000001', userId: 'zhangsan', name: '张三' },
  { openId: 'ou_lisi00000000000000000000000000002', userId: 'lisi', name: '李四' },
];
const GROUP = 'oc_group00000000000000000000000001';

function configFor(fake: FakeFeishu, overrides: Partial<Config['feishu']> = {}): Pick<Config, 'feishu' | 'webhookMaxSkewSeconds'> {
  return {
    feishu: {
      appId: fake.appId,
      appSecret: fake.appSecret,
      encryptKey: fake.encryptKey,
      verificationToken: fake.verificationToken,
      domain: fake.url,
      eventMode: 'webhook',
      hasCredentials: true,
      wsSilentAfterSeconds: 300,
      wsPingTimeoutSeconds: 30,
      ...overrides,
    },
    webhookMaxSkewSeconds: 300,
  };
}

describeEachDatabase('feishu webhook', (ctx) => {
  let fake: FakeFeishu;
  let handlers: RecordingHandlers;
  let processor: InboxProcessor;
  let bot: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    fake = await FakeFeishu.start({
      users: USERS,
      chats: [{ chatId: GROUP, name: '改革办工作群', memberOpenIds: USERS.map((u) => u.openId) }],
      redeliveryScheduleMs: [50, 50],
      ackTimeoutMs: 3_000,
    });
    await ctx().prisma.tenant.upsert({ where: { key: fake.tenantKey }, create: { key: fake.tenantKey, name: '测试改革办' }, update: {} });
  });
  afterAll(async () => {
    await fake?.close();
  });

  beforeEach(async () => {
    await ctx().prisma.inboxEvent.deleteMany();
    await ctx().prisma.outboxMessage.deleteMany();
    handlers = recordingHandlers();
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    processor = new InboxProcessor({ db: ctx(), handlers, logger: silentLogger, pollIntervalMs: 50, botOpenId: () => getBotOpenId(client) });
    const app = createWebhookApp({
      config: configFor(fake),
      db: ctx(),
      handlers,
      logger: silentLogger,
      onEventStored: () => processor.wake(),
      cardDeadlineMs: 400,
    });
    bot = await serve(app);
    fake.eventUrl = `${bot.url}/feishu/events`;
    fake.cardUrl = `${bot.url}/feishu/cards`;
  });
  afterEach(async () => {
    await processor.stop();
    await bot.close();
  });

  const inboxCount = () => ctx().prisma.inboxEvent.count();

  /** POSTs a hand-made request to the bot. */
  async function post(body: string, headers: Record<string, string>, path = '/feishu/events') {
    const res = await fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  function messageEnvelope(overrides: { token?: string; eventId?: string } = {}) {
    return {
      schema: '2.0',
      header: {
        event_id: overrides.eventId ?? `ev_${Math.random().toString(16).slice(2)}`,
        token: overrides.token ?? fake.verificationToken,
        create_time: String(Date.now()),
        event_type: 'im.message.receive_v1',
        tenant_key: fake.tenantKey,
        app_id: fake.appId,
      },
      event: {
        sender: { sender_id: { open_id: USERS[0]!.openId, user_id: 'zhangsan', union_id: 'on_1' }, sender_type: 'user', tenant_key: fake.tenantKey },
        message: {
          message_id: `om_${Math.random().toString(16).slice(2)}`,
          create_time: String(Date.now()),
          chat_id: GROUP,
          chat_type: 'group',
          message_type: 'text',
          content: JSON.stringify({ text: '@_user_1 进展 LY-012 完成方案起草' }),
          mentions: [{ key: '@_user_1', id: { open_id: fake.bot.openId, union_id: 'on_bot', user_id: '' }, name: fake.bot.name, tenant_key: fake.tenantKey }],
        },
      },
    };
  }

  function signedEncrypted(payload: unknown, opts: { tsOffsetSec?: number; key?: string } = {}) {
    const raw = JSON.stringify({ encrypt: encryptForBot(fake.encryptKey!, JSON.stringify(payload)) });
    const headers = signatureHeaders(opts.key ?? fake.encryptKey!, raw, Math.floor(Date.now() / 1000) + (opts.tsOffsetSec ?? 0));
    return { raw, headers };
  }

  it('answers the url_verification challenge (encrypted), only with the right token', async () => {
    const ok = await fake.sendChallenge(fake.eventUrl);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ challenge: ok.challenge });
    const bad = await fake.sendChallenge(fake.eventUrl, { token: 'wrong-token' });
    expect(bad.status).toBe(401);
    expect(await inboxCount()).toBe(0);
  });

  it('keeps idle keep-alive connections longer than Feishu\'s Go client (90 s), so a push never meets a closing socket', async () => {
    // Node closes idle connections after 5 s by default; a push reusing one at that moment failed
    // with ECONNRESET (found by the chat fuzz: 「fetch failed (ECONNRESET)」) and waited for a re-push.
    const app = createWebhookApp({ config: configFor(fake), db: ctx(), handlers, logger: silentLogger });
    const server = app.listen(0, '127.0.0.1');
    try {
      expect(server.keepAliveTimeout).toBeGreaterThan(90_000);
      expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    } finally {
      server.close();
    }
  });

  it('answers a plaintext challenge when no encrypt key is configured', async () => {
    const plainFake = await FakeFeishu.start({ encryptKey: null, users: USERS });
    const app = createWebhookApp({ config: configFor(plainFake, { encryptKey: undefined, allowUnsignedWebhook: true }), db: ctx(), handlers, logger: silentLogger });
    const plainBot = await serve(app);
    try {
      const ok = await plainFake.sendChallenge(`${plainBot.url}/feishu/events`);
      expect(ok.body).toEqual({ challenge: ok.challenge });
      const bad = await plainFake.sendChallenge(`${plainBot.url}/feishu/events`, { token: 'nope' });
      expect(bad.status).toBe(401);
      // Events still need the right token without an encrypt key.
      plainFake.eventUrl = `${plainBot.url}/feishu/events`;
      const r = await plainFake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, text: '帮助' });
      expect(r.acked).toBe(true);
      const forged = await post(JSON.stringify(messageEnvelope({ token: 'nope' })), {});
      expect(forged.status).toBe(401);
    } finally {
      await plainBot.close();
      await plainFake.close();
    }
  });

  it('rejects a forged signature, a stale timestamp and a wrong verification token with 401, recording nothing', async () => {
    const env = messageEnvelope();
    const forged = signedEncrypted(env, { key: 'not-the-key' });
    expect((await post(forged.raw, forged.headers)).status).toBe(401);

    // Older than Feishu's last re-push (≈ 7.1 h) plus the allowed skew.
    const stale = signedEncrypted(env, { tsOffsetSec: -(FEISHU_REPUSH_WINDOW_SECONDS + 600) });
    const staleRes = await post(stale.raw, stale.headers);
    expect(staleRes.status).toBe(401);
    expect(staleRes.body['msg']).toMatch(/时间戳/);

    const wrongToken = signedEncrypted(messageEnvelope({ token: 'wrong' }));
    const tokenRes = await post(wrongToken.raw, wrongToken.headers);
    expect(tokenRes.status).toBe(401);
    expect(tokenRes.body['msg']).toMatch(/Token/);

    const unsigned = signedEncrypted(env);
    expect((await post(unsigned.raw, {})).status).toBe(401);

    // Tampered body: signature was made over different bytes.
    const tampered = signedEncrypted(env);
    expect((await post(tampered.raw.replace('{"encrypt"', '{ "encrypt"'), tampered.headers)).status).toBe(401);

    expect((await post('{not json', {})).status).toBe(400);
    await sleep(50);
    expect(await inboxCount()).toBe(0);
    expect(handlers.messages).toHaveLength(0);
  });

  it('verifies the signature over the raw bytes (key order and spacing unlike JSON.stringify)', async () => {
    processor.start();
    const env = messageEnvelope();
    // Plaintext but signed: keys reordered, extra whitespace and newlines.
    const raw = `{\n  "event" : ${JSON.stringify(env.event, null, 1)},\n  "schema": "2.0",   "header": ${JSON.stringify(env.header, null, 3)}\n}`;
    expect(raw).not.toBe(JSON.stringify(JSON.parse(raw)));
    const res = await post(raw, signatureHeaders(fake.encryptKey!, raw, Math.floor(Date.now() / 1000)));
    expect(res.status).toBe(200);
    // Encrypted, with spacing around the single key.
    const env2 = messageEnvelope();
    const spaced = `{ "encrypt" :  "${encryptForBot(fake.encryptKey!, JSON.stringify(env2))}" }`;
    const res2 = await post(spaced, signatureHeaders(fake.encryptKey!, spaced, Math.floor(Date.now() / 1000)));
    expect(res2.status).toBe(200);
    await waitFor(() => handlers.messages.length === 2);
    expect(handlers.messages[0]!.text).toBe('进展 LY-012 完成方案起草');
    expect(handlers.messages[0]!.mentionsBot).toBe(true);
  });

  it('refuses a body over the limit with 413, answers non-JSON with 400, leaves other routes to express', async () => {
    // 2 MB + 1 of valid-looking JSON: refused before it is parsed or stored.
    const huge = JSON.stringify({ encrypt: 'x'.repeat(2 * 1024 * 1024) });
    const { headers } = signedEncrypted(messageEnvelope());
    const tooBig = await post(huge, headers);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({ msg: '请求体过大' });
    const notJson = await post('{"encrypt":', signatureHeaders(fake.encryptKey!, '{"encrypt":', Math.floor(Date.now() / 1000)));
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ msg: '请求体不是合法的 JSON' });
    expect(await inboxCount()).toBe(0);
    // The same paths by GET, and unknown paths, are express's (404); /healthz answers.
    expect((await fetch(`${bot.url}/feishu/events`)).status).toBe(404);
    expect((await fetch(`${bot.url}/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('acks the largest message Feishu carries (150 KB, worst escaping) under the body limit; a larger one never arrives', async () => {
    processor.start();
    // A post of empty lines and a text of quotes escape the most when nested in the encrypted envelope.
    const lines = '\n'.repeat(3_900);
    const quotes = '"'.repeat(150 * 1024 / 2 - 40);
    const post = await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, text: lines, messageType: 'post' });
    const text = await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, text: quotes });
    expect(post.acked && text.acked).toBe(true);
    await waitFor(() => handlers.messages.length >= 2);
    expect(handlers.messages.map((m) => m.messageId).sort()).toEqual([post.messageId, text.messageId].sort());
    const tooLong = fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, text: '"'.repeat(150 * 1024) });
    await expect(tooLong).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(tooLong).rejects.toThrow(/超过飞书单条消息 150 KB 的上限/);
    expect(await inboxCount()).toBe(2);
  });

  it('stores and handles an event delivered three times exactly once, acking fast', async () => {
    processor.start();
    const first = await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, chatId: GROUP, text: '进展 LY-012 完成方案起草 60%' });
    const again = await fake.redeliver(first.eventId);
    const third = await fake.redeliver(first.eventId);
    for (const r of [first, again, third]) {
      expect(r.acked).toBe(true);
      expect(r.attempts).toHaveLength(1);
      expect(r.attempts[0]!.ms).toBeLessThan(2_500); // Feishu waits 3 s
      expect(r.response).toEqual({});
    }
    await waitFor(() => handlers.messages.length >= 1);
    await sleep(150);
    expect(await inboxCount()).toBe(1);
    expect(handlers.messages).toHaveLength(1);
    const m = handlers.messages[0]!;
    expect(m).toMatchObject({
      tenantKey: fake.tenantKey,
      eventId: first.eventId,
      messageId: first.messageId,
      chatId: GROUP,
      chatType: 'group',
      sender: { openId: USERS[0]!.openId, userId: 'zhangsan' },
      text: '进展 LY-012 完成方案起草 60%',
      mentionsBot: true,
      mentions: [],
      messageType: 'text',
    });
    const row = await ctx().prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: first.eventId } });
    expect(row).toMatchObject({ status: 'done', attempts: 1, messageId: first.messageId, lockedBy: null });
  });

  it('deduplicates by message_id when Feishu re-pushes a message under a new event_id', async () => {
    processor.start();
    const a = await fake.deliverMessageEvent({ senderOpenId: USERS[1]!.openId, text: '我的任务', messageId: 'om_same_message_0001' });
    const b = await fake.deliverMessageEvent({ senderOpenId: USERS[1]!.openId, text: '我的任务', messageId: 'om_same_message_0001' });
    expect(a.eventId).not.toBe(b.eventId);
    expect(a.acked && b.acked).toBe(true);
    await waitFor(() => handlers.messages.length >= 1);
    await sleep(150);
    expect(handlers.messages).toHaveLength(1);
    expect(handlers.messages[0]).toMatchObject({ chatType: 'p2p', mentionsBot: false, text: '我的任务' });
    expect(await inboxCount()).toBe(1);
  });

  it('re-delivery after a slow ack is absorbed by the inbox', async () => {
    // A proxy in front of the bot that holds the first request past Feishu's ack timeout, until
    // the test lets it go (after Feishu has re-delivered and been acked).
    const express = (await import('express')).default;
    let calls = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldForwarded!: () => void;
    const firstReachedBot = new Promise<void>((resolve) => (heldForwarded = resolve));
    const botUrl = fake.eventUrl!;
    const gate = express();
    gate.post('/slow', express.raw({ type: () => true }), async (req, res) => {
      const first = ++calls === 1;
      if (first) await held;
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      for (const h of ['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature']) headers[h] = String(req.headers[h]);
      const r = await fetch(botUrl, { method: 'POST', headers, body: req.body as Buffer });
      if (first) heldForwarded();
      res.status(r.status).send(await r.text());
    });
    const gateServer = await serve(gate);
    const original = { url: fake.eventUrl, timeout: fake.ackTimeoutMs };
    fake.ackTimeoutMs = 1_000;
    fake.eventUrl = `${gateServer.url}/slow`;
    try {
      processor.start();
      const r = await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, chatId: GROUP, text: '问题 LY-012 用地指标不足' });
      expect(r.attempts[0]!.error).toBe('timeout');
      expect(r.acked).toBe(true);
      expect(r.attempts.length).toBeGreaterThanOrEqual(2);
      release();
      await firstReachedBot; // the held first request reaches the bot late
      await waitFor(() => handlers.messages.length >= 1);
      await sleep(150);
      expect(handlers.messages).toHaveLength(1);
      expect(await inboxCount()).toBe(1);
    } finally {
      release();
      fake.eventUrl = original.url;
      fake.ackTimeoutMs = original.timeout;
      await gateServer.close();
    }
  });

  it('leaves events pending when nothing processes them, and a new processor picks them up (restart)', async () => {
    // No processor running: the webhook only stores and acks.
    const r1 = await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, chatId: GROUP, text: '进展 LY-001 已完成调研' });
    const r2 = await fake.addBotToChat('oc_newgroup0000000000000000000001', USERS[1]!.openId, '新建专班群');
    expect(r1.acked && r2.acked).toBe(true);
    expect(await ctx().prisma.inboxEvent.count({ where: { status: 'pending' } })).toBe(2);
    // A crashed instance's claim: locked by someone else, lock already expired.
    await ctx().prisma.inboxEvent.updateMany({
      where: { eventId: r1.eventId },
      data: { lockedBy: 'dead-instance', lockedUntil: new Date(Date.now() - 1_000), attempts: 1 },
    });
    const restarted = new InboxProcessor({ db: ctx(), handlers, logger: silentLogger, botOpenId: fake.bot.openId });
    expect(await restarted.drain()).toBe(2);
    expect(handlers.messages.map((m) => m.text)).toEqual(['进展 LY-001 已完成调研']);
    expect(handlers.botAdded).toEqual([
      { tenantKey: fake.tenantKey, chatId: 'oc_newgroup0000000000000000000001', chatName: '新建专班群', operatorOpenId: USERS[1]!.openId },
    ]);
    expect(await ctx().prisma.inboxEvent.count({ where: { status: 'done' } })).toBe(2);
  });

  it('retries a failing handler a bounded number of times, then marks the event failed', async () => {
    const p = new InboxProcessor({ db: ctx(), handlers, logger: silentLogger, botOpenId: fake.bot.openId, retryBaseMs: 1, maxAttempts: 3 });
    handlers.failMessagesTimes = 1;
    const ok = await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, text: '台账' });
    await p.drain();
    await sleep(5);
    await p.drain();
    expect(handlers.messages).toHaveLength(1);
    expect(await ctx().prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: ok.eventId } })).toMatchObject({ status: 'done', attempts: 2 });

    handlers.failMessagesTimes = 99;
    const bad = await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, text: '台账 乡镇' });
    for (let i = 0; i < 5; i++) {
      await p.drain();
      await sleep(10);
    }
    const row = await ctx().prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: bad.eventId } });
    expect(row).toMatchObject({ status: 'failed', attempts: 3, error: '模拟处理失败' });
  });

  it('records a malformed event as failed without crashing, and acks it', async () => {
    const env = messageEnvelope();
    (env.event.message as Record<string, unknown>)['content'] = '{not json';
    const { raw, headers } = signedEncrypted(env);
    const res = await post(raw, headers);
    expect(res.status).toBe(200);
    // Acked and stored at once; the processor validates it, marks it failed and does not retry.
    expect(await ctx().prisma.inboxEvent.count({ where: { eventId: env.header.event_id } })).toBe(1);
    await processor.drain();
    const row = await ctx().prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: env.header.event_id } });
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/JSON/);
    expect(row.attempts).toBe(1);
    expect(handlers.messages.some((m) => m.eventId === env.header.event_id)).toBe(false);
  });

  it('answers a card callback with the handler card; the fake applies it in place; repeats get a harmless toast', async () => {
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: GROUP, msg_type: 'interactive', content: JSON.stringify(sampleCard('任务交办单 LY-012', { action: 'sign', task: 'LY-012' })) },
    });
    const messageId = sent.data!.message_id!;
    handlers.cardResponse = (a) => ({
      toast: { type: 'success', content: '已签收' },
      card: { type: 'raw', data: sampleCard(`已签收 · ${a.operator.openId.slice(0, 6)}`) },
    });
    const click = await fake.clickCard({ messageId, operatorOpenId: USERS[1]!.openId, value: { action: 'sign', task: 'LY-012' } });
    expect(click.status).toBe(200);
    expect(click.clientError).toBeUndefined();
    expect(click.toast).toEqual({ type: 'success', content: '已签收' });
    const stored = fake.getMessage(messageId)!;
    expect(stored.updates).toHaveLength(1);
    expect(stored.updates[0]!.via).toBe('callback');
    expect(JSON.stringify(stored.content)).toContain('已签收');

    expect(handlers.cardActions).toHaveLength(1);
    expect(handlers.cardActions[0]).toMatchObject({
      tenantKey: fake.tenantKey,
      operator: { openId: USERS[1]!.openId, userId: 'lisi' },
      messageId,
      chatId: GROUP,
      token: click.cardToken,
      value: { action: 'sign', task: 'LY-012' },
      tag: 'button',
    });

    // The same callback again (same event_id): not handled twice.
    const repeat = await fake.redeliver(click.eventId, { retry: false });
    expect(repeat.response).toEqual({ toast: { type: 'info', content: CARD_TOASTS.duplicate } });
    expect(handlers.cardActions).toHaveLength(1);
    expect(await ctx().prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: click.eventId } })).toMatchObject({ status: 'done', eventType: 'card.action.trigger' });
  });

  it('answers a slow card handler with a toast in time and applies its card later via the callback token', async () => {
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: USERS[0]!.openId, msg_type: 'interactive', content: JSON.stringify(sampleCard('临期提醒')) },
    });
    const messageId = sent.data!.message_id!;
    handlers.cardResponse = async () => {
      await sleep(800);
      return { card: { type: 'raw', data: sampleCard('已填报进展') } };
    };
    const started = performance.now();
    const click = await fake.clickCard({ messageId, operatorOpenId: USERS[0]!.openId, value: { action: 'report' } });
    const answeredAt = Date.now();
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(click.toast).toEqual({ type: 'info', content: CARD_TOASTS.slow });
    expect(fake.getMessage(messageId)!.updates).toHaveLength(0);

    const row = await waitFor(() => ctx().prisma.outboxMessage.findFirst({ where: { kind: 'card_update' } }));
    expect(row.receiveId).toBe(click.cardToken);
    const sender = new Sender({ db: ctx(), client, logger: silentLogger, pollIntervalMs: 50 });
    sender.start();
    try {
      await sender.waitUntilIdle(5_000);
    } finally {
      await sender.stop();
    }
    const updates = fake.getMessage(messageId)!.updates;
    expect(updates.map((u) => u.via)).toEqual(['card_update']);
    expect(JSON.stringify(updates[0]!.content)).toContain('已填报进展');
    // Not on the heels of the answer: Feishu may fail or silently revert an update racing it.
    expect(updates[0]!.at.getTime() - answeredAt).toBeGreaterThanOrEqual(CARD_UPDATE_AFTER_ANSWER_MS);
  });

  it('storeEvent reports duplicates by event_id or message_id without writing', async () => {
    const base = { tenantKey: 't', eventType: 'im.message.receive_v1', payload: {} };
    expect(await storeEvent(ctx().prisma, { ...base, eventId: 'e1', messageId: 'm1' })).toBe('stored');
    expect(await storeEvent(ctx().prisma, { ...base, eventId: 'e1', messageId: 'm2' })).toBe('duplicate');
    expect(await storeEvent(ctx().prisma, { ...base, eventId: 'e2', messageId: 'm1' })).toBe('duplicate');
    expect(await storeEvent(ctx().prisma, { ...base, eventId: 'e3' })).toBe('stored');
    expect(await storeEvent(ctx().prisma, { ...base, eventId: 'e4' })).toBe('stored');
    // Inside a transaction too (no aborted transaction on PostgreSQL).
    await ctx().prisma.$transaction(async (tx) => {
      expect(await storeEvent(tx, { ...base, eventId: 'e3' })).toBe('duplicate');
      expect(await storeEvent(tx, { ...base, eventId: 'e5' })).toBe('stored');
    });
    expect(await inboxCount()).toBe(4);
  });

  it('two processors on one database never handle the same event twice', async () => {
    for (let i = 0; i < 12; i++) {
      await storeEvent(ctx().prisma, {
        tenantKey: fake.tenantKey,
        eventId: `bulk-${i}`,
        messageId: `om_bulk_${i}`,
        eventType: 'im.message.receive_v1',
        payload: {
          ...messageEnvelope({ eventId: `bulk-${i}` }),
        },
      });
    }
    const a = new InboxProcessor({ db: ctx(), handlers, logger: silentLogger, botOpenId: fake.bot.openId, batchSize: 3, instanceId: 'a' });
    const b = new InboxProcessor({ db: ctx(), handlers, logger: silentLogger, botOpenId: fake.bot.openId, batchSize: 3, instanceId: 'b' });
    const [na, nb] = await Promise.all([a.drain(), b.drain()]);
    expect(na + nb).toBe(12);
    expect(new Set(handlers.messages.map((m) => m.eventId)).size).toBe(12);
    expect(handlers.messages).toHaveLength(12);
  });
});
