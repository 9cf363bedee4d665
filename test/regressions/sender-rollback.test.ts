// Regression (found by a breaker run): enqueueMessage inside a transaction signals the sender at once (before the commit). On
// SQLite the adapter's one connection runs the sender's claim INSIDE the open transaction: the
// sender claims and sends the uncommitted row. If the transaction then rolls back (a later step of
// the action fails), the message has gone to Feishu anyway, and its outbox row no longer exists.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type * as lark from '@larksuiteoapi/node-sdk';
import { createFeishuClient } from '../../src/feishu/client.js';
import { Sender } from '../../src/feishu/sender.js';
import { enqueueMessage } from '../../src/outbox/index.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { silentLogger, sleep } from '../feishu/helpers.js';

const USER = { openId: `ou_user${'0'.repeat(27)}`, name: '联络员' };

describeEachDatabase('regression: sender and rolled-back transactions', (ctx) => {
  let fake: FakeFeishu;
  let client: lark.Client;
  let tenantId: number;
  beforeAll(async () => {
    fake = await FakeFeishu.start({ users: [USER], chats: [] });
    tenantId = (await ctx().prisma.tenant.upsert({ where: { key: fake.tenantKey }, create: { key: fake.tenantKey, name: '测试' }, update: {} })).id;
    client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('a message enqueued in a transaction that rolls back is never sent', async () => {
    const sender = new Sender({ db: ctx(), client, logger: silentLogger, pollIntervalMs: 50 });
    sender.start();
    try {
      await sleep(100);
      await ctx().prisma.$transaction(async (tx) => {
        await enqueueMessage(tx, { tenantId, dedupeKey: 'rolled-back:1', kind: 'send', receiveIdType: 'open_id', receiveId: USER.openId, message: { msgType: 'text', content: { text: '已记录您的进展' } } });
        // The rest of the action takes a moment (audit, more statements…) and then fails.
        await sleep(300);
        throw new Error('a later step failed');
      }).catch(() => undefined);
      await sleep(500);
      expect(await ctx().prisma.outboxMessage.count({ where: { dedupeKey: 'rolled-back:1' } })).toBe(0);
      expect(fake.messages.map((m) => JSON.stringify(m))).not.toContainEqual(expect.stringContaining('已记录您的进展'));
    } finally {
      await sender.stop();
    }
  });
});
