// The delayed card update (interactive/v1/card/update) as Feishu documents it: its own error
// codes, final at once and never shown to the office; an update racing the callback answer is
// reverted by it.
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { deliveryReporting, DELIVERY_NOTICE_PREFIX } from '../../src/bot.js';
import { OffsetClock, systemClock } from '../../src/clock.js';
import { createFeishuClient } from '../../src/feishu/client.js';
import { Sender } from '../../src/feishu/sender.js';
import { createWebhookApp } from '../../src/feishu/webhook.js';
import { enqueueMessage, type OutboxRow } from '../../src/outbox/index.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../jobs/helpers.js';
import { recordingHandlers, sampleCard, serve, silentLogger, sleep, waitFor } from './helpers.js';

const USER = { openId: 'ou_card_update_user_1', name: '程功' };

describeEachDatabase('delayed card update', (ctx) => {
  let fake: FakeFeishu;
  let fakeClock: OffsetClock;
  let client: lark.Client;
  let tenantId: number;

  beforeAll(async () => {
    fakeClock = new OffsetClock();
    fake = await FakeFeishu.start({ users: [USER], clock: fakeClock });
    tenantId = (await ctx().prisma.tenant.upsert({ where: { key: fake.tenantKey }, create: { key: fake.tenantKey, name: '测试' }, update: {} })).id;
    client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    await ctx().prisma.outboxMessage.deleteMany();
    fakeClock.jumpTo(new Date());
  });

  /** A card the bot sent, clicked once (answered with a toast): its callback token. */
  async function clickedCard(): Promise<{ messageId: string; token: string }> {
    const sent = await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: USER.openId, msg_type: 'interactive', content: JSON.stringify(sampleCard('临期提醒')) } });
    const handlers = recordingHandlers();
    const bot = await serve(createWebhookApp({ config: webhookConfig(fake), db: ctx(), handlers, logger: silentLogger }));
    fake.cardUrl = `${bot.url}/feishu/cards`;
    try {
      const click = await fake.clickCard({ messageId: sent.data!.message_id!, operatorOpenId: USER.openId, value: { a: 'x' } });
      return { messageId: sent.data!.message_id!, token: click.cardToken };
    } finally {
      await bot.close();
    }
  }

  it('expired, used-up and malformed tokens fail at once with the page’s codes, and the office hears nothing', async () => {
    const failed: OutboxRow[] = [];
    const app = testApp(ctx(), { id: tenantId, key: fake.tenantKey, name: '测试' }, systemClock);
    const reporting = deliveryReporting(app);
    const sender = new Sender({
      db: ctx(), client, logger: silentLogger, pollIntervalMs: 50, retryBaseMs: 50,
      onPermanentFailure: async (row) => {
        failed.push(row);
        await reporting.onPermanentFailure(row);
      },
    });
    const update = (key: string, token: string) =>
      enqueueMessage(ctx().prisma, { tenantId, dedupeKey: key, kind: 'card_update', receiveId: token, message: { msgType: 'interactive', content: sampleCard(`更新 ${key}`) } });
    const used = await clickedCard();
    await update('u1', used.token);
    await update('u2', used.token);
    const expired = await clickedCard();
    sender.start();
    try {
      await sender.waitUntilIdle(10_000);
      await update('u3', used.token); // a third use
      sender.wake();
      await sender.waitUntilIdle(10_000);
      fakeClock.jumpTo(new Date(Date.now() + 31 * 60_000)); // past the token's 30 minutes
      await update('u4', expired.token);
      await update('u5', 'not-a-card-token');
      sender.wake();
      await sender.waitUntilIdle(10_000);
    } finally {
      await sender.stop();
    }
    const rows = new Map((await ctx().prisma.outboxMessage.findMany({ where: { kind: 'card_update' } })).map((r) => [r.dedupeKey, r]));
    expect(rows.get('u1')).toMatchObject({ status: 'sent' });
    expect(rows.get('u2')).toMatchObject({ status: 'sent' });
    expect(rows.get('u3')).toMatchObject({ status: 'failed', errorCode: 300040, attempts: 1 });
    expect(rows.get('u4')).toMatchObject({ status: 'failed', errorCode: 300030, attempts: 1 });
    expect(rows.get('u5')).toMatchObject({ status: 'failed', errorCode: 300020, attempts: 1 });
    expect(rows.get('u3')!.error).toContain('token 超过使用限制次数');
    expect(failed).toHaveLength(3);
    // Logged, never reported: the rows hold the clickers' callback tokens.
    expect(await ctx().prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: DELIVERY_NOTICE_PREFIX } } })).toBe(0);
    expect(fake.requestsFor('card.update')).toHaveLength(5);
  });

  it('an update that races the callback answer is reverted when the answer lands', async () => {
    const sent = await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: USER.openId, msg_type: 'interactive', content: JSON.stringify(sampleCard('临期提醒')) } });
    const messageId = sent.data!.message_id!;
    const handlers = recordingHandlers();
    let tokenSeen!: (t: string) => void;
    const token = new Promise<string>((r) => (tokenSeen = r));
    handlers.cardResponse = async (a) => {
      tokenSeen(a.token);
      await sleep(600); // the answer is still on its way…
      return { toast: { type: 'info', content: '处理中' } };
    };
    const bot = await serve(createWebhookApp({ config: webhookConfig(fake), db: ctx(), handlers, logger: silentLogger, cardDeadlineMs: 2_000 }));
    fake.cardUrl = `${bot.url}/feishu/cards`;
    let reverted = 0;
    fake.on('card-update-reverted', () => reverted++);
    try {
      const click = fake.clickCard({ messageId, operatorOpenId: USER.openId, value: { a: 'x' } });
      // …when an update is sent with the token.
      const res = await client.request<{ code: number }>({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token: await token, card: sampleCard('已填报') } });
      expect(res.code).toBe(0);
      expect(JSON.stringify(fake.getMessage(messageId)!.content)).toContain('已填报');
      await click;
      await waitFor(() => reverted === 1);
      expect(JSON.stringify(fake.getMessage(messageId)!.content)).toContain('临期提醒');
      expect(JSON.stringify(fake.getMessage(messageId)!.content)).not.toContain('已填报');
    } finally {
      await bot.close();
    }
  });
});

function webhookConfig(fake: FakeFeishu) {
  return {
    feishu: { appId: fake.appId, appSecret: fake.appSecret, encryptKey: fake.encryptKey, verificationToken: fake.verificationToken, domain: fake.url, eventMode: 'webhook' as const, hasCredentials: true, wsSilentAfterSeconds: 300, wsPingTimeoutSeconds: 30 },
    webhookMaxSkewSeconds: 300,
  };
}
