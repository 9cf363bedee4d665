// Long-connection transport: the SDK's real WSClient against the fake Feishu's WebSocket endpoint
// (pbbp2 frames), feeding the same inbox + handlers as the webhook; and the watchdog rebuilding a
// connection that went silent.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, onTestFinished } from 'vitest';
import type { Config } from '../../src/config.js';
import { createFeishuClient } from '../../src/feishu/client.js';
import { InboxProcessor } from '../../src/feishu/inbox.js';
import { startLongConnection, type LongConnection } from '../../src/feishu/longconn.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { recordingHandlers, sampleCard, silentLogger, waitFor, type RecordingHandlers } from './helpers.js';

const USER = { openId: 'ou_wsuser000000000000000000000001', userId: 'wangwu', name: '王五' };
const GROUP = 'oc_ws_group_000000000000000000001';

describeEachDatabase('feishu long connection', (ctx) => {
  let fake: FakeFeishu;
  let handlers: RecordingHandlers;
  let processor: InboxProcessor;
  let conn: LongConnection | undefined;

  beforeAll(async () => {
    fake = await FakeFeishu.start({
      users: [USER],
      chats: [{ chatId: GROUP, name: '长连接测试群', memberOpenIds: [USER.openId] }],
      eventTransport: 'ws',
      redeliveryScheduleMs: [100, 200, 400, 800],
      ackTimeoutMs: 1_000,
      // Fast pings so liveness is observable within a test.
      wsClientConfig: { PingInterval: 0.2, ReconnectCount: -1, ReconnectInterval: 0.2, ReconnectNonce: 0 },
    });
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    await ctx().prisma.inboxEvent.deleteMany();
    handlers = recordingHandlers();
    processor = new InboxProcessor({ db: ctx(), handlers, logger: silentLogger, pollIntervalMs: 50, botOpenId: fake.bot.openId });
    processor.start();
  });
  afterEach(async () => {
    conn?.stop();
    conn = undefined;
    await processor.stop();
  });

  const config = (): Pick<Config, 'feishu'> => ({
    feishu: {
      appId: fake.appId,
      appSecret: fake.appSecret,
      encryptKey: fake.encryptKey,
      verificationToken: fake.verificationToken,
      domain: fake.url,
      eventMode: 'longconn',
      wsSilentAfterSeconds: 300,
      wsPingTimeoutSeconds: 30,
      hasCredentials: true,
    },
  });

  it('delivers messages and card callbacks over the long connection through the same inbox and handlers', async () => {
    conn = startLongConnection({
      config: config(),
      db: ctx(),
      handlers,
      logger: silentLogger,
      onEventStored: () => processor.wake(),
      watchdog: { checkIntervalMs: 100 },
    });
    await conn.ready(5_000);
    expect(conn.status().state).toBe('connected');

    const r = await fake.deliverMessageEvent({ senderOpenId: USER.openId, chatId: GROUP, text: '催办 LY-012 请本周内报送' });
    expect(r.acked).toBe(true);
    expect(r.attempts).toHaveLength(1);
    await fake.redeliver(r.eventId);
    await waitFor(() => handlers.messages.length >= 1);
    expect(handlers.messages[0]).toMatchObject({ text: '催办 LY-012 请本周内报送', mentionsBot: true, chatId: GROUP, eventId: r.eventId });
    expect(await ctx().prisma.inboxEvent.count()).toBe(1);
    // The sender recalls it: im.message.recalled_v1 comes the same way, with the sender the inbox kept.
    expect((await fake.recallMessage(r.messageId)).acked).toBe(true);
    await waitFor(() => handlers.recalled.length >= 1);
    expect(handlers.recalled[0]).toMatchObject({ messageId: r.messageId, chatId: GROUP, recallType: 'message_owner', senderOpenId: USER.openId, chatType: 'group' });

    // Card callback over WS: the handler's card goes back in the ack frame and is applied.
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: GROUP, msg_type: 'interactive', content: JSON.stringify(sampleCard('销号审核')) },
    });
    handlers.cardResponse = () => ({ toast: { type: 'success', content: '已同意销号' }, card: { type: 'raw', data: sampleCard('已销号') } });
    const click = await fake.clickCard({ messageId: sent.data!.message_id!, operatorOpenId: USER.openId, value: { action: 'approve' } });
    expect(click.toast).toEqual({ type: 'success', content: '已同意销号' });
    expect(fake.getMessage(sent.data!.message_id!)!.updates.map((u) => u.via)).toEqual(['callback']);
    expect(handlers.cardActions[0]).toMatchObject({ value: { action: 'approve' }, operator: { openId: USER.openId } });
  });

  it('the watchdog rebuilds a connection that went silent, and events flow again', async () => {
    conn = startLongConnection({
      config: config(),
      db: ctx(),
      handlers,
      logger: silentLogger,
      onEventStored: () => processor.wake(),
      // Our watchdog only (the SDK's pong timeout off), with test-sized times.
      watchdog: { checkIntervalMs: 100, silentAfterMs: 800, pingTimeoutSec: 0 },
    });
    await conn.ready(5_000);
    await waitFor(() => conn!.status().lastInboundAt); // pongs are being observed
    await waitFor(() => Date.now() - conn!.status().connectedAt!.getTime() > 500);
    fake.silenceWs();
    // The old socket stays open but mute; the watchdog notices and reconnects.
    await waitFor(() => conn!.status().restarts >= 1 && conn!.status().state === 'connected', 8_000);
    await waitFor(() => fake.wsConnections === 1, 3_000);
    const r = await fake.deliverMessageEvent({ senderOpenId: USER.openId, text: '帮助' });
    expect(r.acked).toBe(true);
    await waitFor(() => handlers.messages.some((m) => m.text === '帮助'));
  });

  it("with the SDK's own pong timeout, a silent connection is replaced without a watchdog restart", async () => {
    // Pings every second here, so that a busy machine's pauses stay well inside the pong timeout.
    const pingInterval = fake.wsClientConfig.PingInterval;
    fake.wsClientConfig.PingInterval = 1;
    onTestFinished(() => {
      fake.wsClientConfig.PingInterval = pingInterval;
    });
    conn = startLongConnection({
      config: config(),
      db: ctx(),
      handlers,
      logger: silentLogger,
      onEventStored: () => processor.wake(),
      // The SDK re-arms its pong timer on every ping, so it must be shorter than the ping interval
      // (1 s here; Feishu's is 120 s against our default 30 s).
      watchdog: { checkIntervalMs: 100, silentAfterMs: 60_000, pingTimeoutSec: 0.8 },
    });
    await conn.ready(5_000);
    const firstConnectedAt = conn.status().connectedAt!.getTime();
    fake.silenceWs();
    await waitFor(() => (conn!.status().connectedAt?.getTime() ?? 0) > firstConnectedAt && fake.wsConnections === 1, 8_000);
    expect(conn.status().restarts).toBe(0);
    const r = await fake.deliverMessageEvent({ senderOpenId: USER.openId, text: '我的任务' });
    expect(r.acked).toBe(true);
    await waitFor(() => handlers.messages.some((m) => m.text === '我的任务'));
  });

  it('refuses an app id the WSClient would silently ignore', () => {
    expect(() =>
      startLongConnection({ config: { feishu: { ...config().feishu, appId: 'cli_fake' } }, db: ctx(), handlers, logger: silentLogger }),
    ).toThrow(/FEISHU_APP_ID/);
  });
});
