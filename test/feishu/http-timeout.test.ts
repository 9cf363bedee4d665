// Every OpenAPI call has a deadline: a connection Feishu (or a proxy on the way) accepts and never
// answers no longer holds a sender slot, the token fetch, or the inbox forever.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createFeishuClient, getBotOpenId } from '../../src/feishu/client.js';
import { InboxProcessor } from '../../src/feishu/inbox.js';
import { Sender } from '../../src/feishu/sender.js';
import { createWebhookApp } from '../../src/feishu/webhook.js';
import { enqueueMessage } from '../../src/outbox/index.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { recordingHandlers, serve, silentLogger, waitFor } from './helpers.js';

const USERS = Array.from({ length: 3 }, (_, i) => ({ openId: `ou_timeout_user_${i}`, name: `联络员${i + 1}` }));

it('FEISHU_HTTP_TIMEOUT_SECONDS: default 10 s, positive integers only', () => {
  expect(loadConfig({}).feishu.httpTimeoutSeconds).toBe(10);
  expect(loadConfig({ FEISHU_HTTP_TIMEOUT_SECONDS: '3' }).feishu.httpTimeoutSeconds).toBe(3);
  expect(() => loadConfig({ FEISHU_HTTP_TIMEOUT_SECONDS: '0' })).toThrow(/FEISHU_HTTP_TIMEOUT_SECONDS: 应为正整数/);
});

describeEachDatabase('OpenAPI calls against a stalled connection', (ctx) => {
  let fake: FakeFeishu;
  let tenantId: number;
  let sender: Sender | undefined;
  const stalled: string[] = [];

  beforeAll(async () => {
    fake = await FakeFeishu.start({ users: USERS });
    fake.on('stalled', (e: { api: string }) => stalled.push(e.api));
    tenantId = (await ctx().prisma.tenant.upsert({ where: { key: fake.tenantKey }, create: { key: fake.tenantKey, name: '测试' }, update: {} })).id;
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    await ctx().prisma.outboxMessage.deleteMany();
    fake.messages.length = 0;
    fake.resetTraffic();
    stalled.length = 0;
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
  });

  const client = () => createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, httpTimeoutSeconds: 1 });

  it('a send that is never answered is abandoned and retried; the slot is free for the next rows', async () => {
    // One slot, so a send hanging forever would hold every other row too.
    sender = new Sender({ db: ctx(), client: client(), logger: silentLogger, concurrency: 1, pollIntervalMs: 50, retryBaseMs: 50 });
    fake.stallResponses(1, 'im.message.create');
    for (const [i, u] of USERS.entries()) {
      await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: `stall-${i}`, kind: 'send', receiveIdType: 'open_id', receiveId: u.openId, message: { msgType: 'text', content: { text: `提醒 ${i}` } } });
    }
    const started = Date.now();
    sender.start();
    await sender.waitUntilIdle(8_000);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(stalled).toEqual(['im.message.create']);
    const rows = await ctx().prisma.outboxMessage.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(rows[0]!.attempts).toBe(2);
    // The stalled request never reached Feishu's answer; the retry (same uuid) delivered it once.
    expect(fake.botMessages()).toHaveLength(3);
  }, 20_000);

  it('a token fetch that is never answered is abandoned too', async () => {
    sender = new Sender({ db: ctx(), client: client(), logger: silentLogger, pollIntervalMs: 50, retryBaseMs: 50 });
    fake.stallResponses(1, 'auth.tenant_access_token');
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'stall-token', kind: 'send', receiveIdType: 'open_id', receiveId: USERS[0]!.openId, message: { msgType: 'text', content: { text: 'x' } } });
    sender.start();
    await sender.waitUntilIdle(8_000);
    expect(stalled).toEqual(['auth.tenant_access_token']);
    expect(await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'stall-token' } })).toMatchObject({ status: 'sent' });
  }, 20_000);

  it('the inbox keeps processing when a lookup it makes is never answered', async () => {
    const handlers = recordingHandlers();
    const c = client();
    const processor = new InboxProcessor({ db: ctx(), handlers, logger: silentLogger, pollIntervalMs: 50, botOpenId: (key) => getBotOpenId(c, key) });
    const bot = await serve(createWebhookApp({ config: { feishu: { appId: fake.appId, appSecret: fake.appSecret, encryptKey: fake.encryptKey, verificationToken: fake.verificationToken, domain: fake.url, eventMode: 'webhook', hasCredentials: true, wsSilentAfterSeconds: 300, wsPingTimeoutSeconds: 30 }, webhookMaxSkewSeconds: 300 }, db: ctx(), handlers, logger: silentLogger, onEventStored: () => processor.wake() }));
    fake.eventUrl = `${bot.url}/feishu/events`;
    try {
      fake.stallResponses(1, 'bot.info');
      processor.start();
      await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, text: '我的任务' });
      await waitFor(() => handlers.messages.length === 1, 6_000);
      expect(stalled).toEqual(['bot.info']);
      await fake.deliverMessageEvent({ senderOpenId: USERS[1]!.openId, text: '台账' });
      await waitFor(() => handlers.messages.length === 2, 6_000);
    } finally {
      await processor.stop();
      await bot.close();
    }
  }, 20_000);
});
