// The whole loop through startFeishuRuntime, in both event modes: a user's message arrives from the
// fake platform, is stored, handled, the handler enqueues a reply, the sender delivers it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BotHandlers, ChatMessage } from '../../src/chat/types.js';
import { loadConfig } from '../../src/config.js';
import { startFeishuRuntime } from '../../src/feishu/runtime.js';
import { enqueueMessage, type OutboxRow } from '../../src/outbox/index.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { silentLogger, waitFor } from './helpers.js';

const USER = { openId: 'ou_rt_user_00000000000000000000001', name: '赵六' };
const GROUP = 'oc_rt_group_0000000000000000000001';

describeEachDatabase('feishu runtime', (ctx) => {
  let fake: FakeFeishu;
  let tenantId: number;
  beforeAll(async () => {
    fake = await FakeFeishu.start({
      users: [USER],
      chats: [{ chatId: GROUP, name: '专班群', memberOpenIds: [USER.openId] }],
      wsClientConfig: { PingInterval: 1, ReconnectInterval: 0.2, ReconnectNonce: 0 },
    });
    tenantId = (await ctx().prisma.tenant.upsert({ where: { key: fake.tenantKey }, create: { key: fake.tenantKey, name: 'x' }, update: {} })).id;
  });
  afterAll(() => fake?.close());

  function echoHandlers(seen: ChatMessage[]): BotHandlers {
    return {
      async onMessage(m) {
        seen.push(m);
        await enqueueMessage(ctx().prisma, {
          tenantId,
          dedupeKey: `reply:${m.messageId}`,
          kind: 'reply',
          receiveId: m.messageId,
          message: { msgType: 'text', content: { text: `已记录：${m.text}` } },
        });
      },
      async onCardAction() {
        return {};
      },
    };
  }

  for (const mode of ['webhook', 'longconn'] as const) {
    it(`${mode}: message in, reply out, exactly once`, async () => {
      const config = loadConfig({
        FEISHU_APP_ID: fake.appId,
        FEISHU_APP_SECRET: fake.appSecret,
        FEISHU_ENCRYPT_KEY: fake.encryptKey,
        FEISHU_VERIFICATION_TOKEN: fake.verificationToken,
        FEISHU_DOMAIN: fake.url,
        FEISHU_EVENT_MODE: mode,
      });
      const seen: ChatMessage[] = [];
      const failures: OutboxRow[] = [];
      const rt = await startFeishuRuntime({
        config,
        db: ctx(),
        handlers: echoHandlers(seen),
        logger: silentLogger,
        onPermanentFailure: (r) => {
          failures.push(r);
        },
        listen: { port: 0, host: '127.0.0.1' },
        sender: { pollIntervalMs: 60_000 }, // the enqueue signal must wake it, not the poll
      });
      try {
        if (mode === 'webhook') {
          const addr = rt.server!.address() as { port: number };
          fake.eventTransport = 'webhook';
          fake.eventUrl = `http://127.0.0.1:${addr.port}/feishu/events`;
        } else {
          fake.eventTransport = 'ws';
          await rt.longConnection!.ready(5_000);
        }
        const r = await fake.deliverMessageEvent({ senderOpenId: USER.openId, chatId: GROUP, text: `进展 LY-00${mode.length} 已完成` });
        expect(r.acked).toBe(true);
        await fake.redeliver(r.eventId);
        const reply = await waitFor(() => fake.botMessages({ chatId: GROUP }).find((m) => m.parentId === r.messageId), 15_000);
        expect(reply.content).toEqual({ text: `已记录：进展 LY-00${mode.length} 已完成` });
        expect(seen).toHaveLength(1);
        expect(seen[0]!.mentionsBot).toBe(true); // bot open_id from /bot/v3/info
        expect(fake.botMessages({ chatId: GROUP }).filter((m) => m.parentId === r.messageId)).toHaveLength(1);
        expect(failures).toEqual([]);
      } finally {
        await rt.stop();
      }
    });
  }

  it('a reply enqueued inside a transaction goes out when the handler returns, not at the next poll', async () => {
    const config = loadConfig({
      FEISHU_APP_ID: fake.appId,
      FEISHU_APP_SECRET: fake.appSecret,
      FEISHU_ENCRYPT_KEY: fake.encryptKey,
      FEISHU_VERIFICATION_TOKEN: fake.verificationToken,
      FEISHU_DOMAIN: fake.url,
      FEISHU_EVENT_MODE: 'webhook',
    });
    const handlers: BotHandlers = {
      async onMessage(m) {
        // The ledger writes and its reply share one transaction that commits well after the
        // enqueue signal: the row is invisible to a sender that looks at the signal (or shortly after).
        await ctx().prisma.$transaction(async (tx) => {
          await enqueueMessage(tx, { tenantId, dedupeKey: `reply:${m.messageId}`, kind: 'reply', receiveId: m.messageId, message: { msgType: 'text', content: { text: '已登记' } } });
          await new Promise((r) => setTimeout(r, 300));
        }, { timeout: 10_000 });
      },
      async onCardAction() {
        return {};
      },
    };
    const rt = await startFeishuRuntime({
      config, db: ctx(), handlers, logger: silentLogger, listen: { port: 0, host: '127.0.0.1' },
      // Neither loop may rely on polling: an hour would fail the wait below.
      sender: { pollIntervalMs: 3_600_000 }, processor: { pollIntervalMs: 3_600_000 },
    });
    try {
      fake.eventTransport = 'webhook';
      fake.eventUrl = `http://127.0.0.1:${(rt.server!.address() as { port: number }).port}/feishu/events`;
      const r = await fake.deliverMessageEvent({ senderOpenId: USER.openId, text: '我的任务' });
      const reply = await waitFor(() => fake.botMessages().find((m) => m.parentId === r.messageId), 10_000);
      expect(reply.content).toEqual({ text: '已登记' });
    } finally {
      await rt.stop();
    }
  });
});
