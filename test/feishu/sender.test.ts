// The outbox sender against the fake Feishu platform over real HTTP, on SQLite and PostgreSQL:
// dedupe keys, uuid idempotency across a crash, the documented rate limits, 429 storms with the
// reset header, transient errors and permanent failures.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type * as lark from '@larksuiteoapi/node-sdk';
import { createFeishuClient } from '../../src/feishu/client.js';
import { storeEvent } from '../../src/feishu/inbox.js';
import { Sender, type SenderOptions } from '../../src/feishu/sender.js';
import { enqueueMessage, outboxUuid, type OutboxRow } from '../../src/outbox/index.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { sampleCard, silentLogger, sleep, waitFor } from './helpers.js';

const USERS = Array.from({ length: 6 }, (_, i) => ({ openId: `ou_user${String(i).padStart(27, '0')}`, name: `联络员${i + 1}` }));
const GROUP = 'oc_group_sender_0000000000000001';
const NO_BOT_GROUP = 'oc_group_without_bot_00000000001';

describeEachDatabase('feishu sender', (ctx) => {
  let fake: FakeFeishu;
  let client: lark.Client;
  let tenantId: number;
  let sender: Sender | undefined;
  let failures: OutboxRow[];

  beforeAll(async () => {
    fake = await FakeFeishu.start({
      users: [...USERS, { openId: 'ou_resigned000000000000000000000', name: '已离职', status: 'resigned' }],
      chats: [
        { chatId: GROUP, name: '工作群', memberOpenIds: USERS.map((u) => u.openId) },
        { chatId: NO_BOT_GROUP, name: '没有机器人的群', memberOpenIds: [USERS[0]!.openId], botIsMember: false },
      ],
      limits: { appPerSecond: 10, appPerMinute: 1000, perChatPerSecond: 5, perUserPerSecond: 5 },
    });
    const tenant = await ctx().prisma.tenant.upsert({ where: { key: fake.tenantKey }, create: { key: fake.tenantKey, name: '测试' }, update: {} });
    tenantId = tenant.id;
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    await ctx().prisma.outboxMessage.deleteMany();
    await ctx().prisma.inboxEvent.deleteMany();
    fake.messages.length = 0;
    fake.resetTraffic();
    failures = [];
    client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
  });

  function startSender(opts: Partial<SenderOptions> = {}): Sender {
    sender = new Sender({
      db: ctx(),
      client,
      logger: silentLogger,
      pollIntervalMs: 50,
      retryBaseMs: 50,
      limits: { appPerSecond: 10, perRecipientPerSecond: 5 },
      onPermanentFailure: (row) => {
        failures.push(row);
      },
      ...opts,
    });
    sender.start();
    return sender;
  }

  const text = (t: string) => ({ msgType: 'text' as const, content: { text: t } });

  it('enqueue is idempotent per dedupeKey and derives a stable ≤50-char uuid', async () => {
    const input = { tenantId, dedupeKey: 'remind:deadline:LY-012:ou_x:2026-11-21', kind: 'send' as const, receiveIdType: 'chat_id' as const, receiveId: GROUP, message: text('临期提醒') };
    const a = await enqueueMessage(ctx().prisma, input);
    const b = await enqueueMessage(ctx().prisma, input);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(a.uuid).toBe(b.uuid);
    expect(a.uuid).toBe(outboxUuid(input.dedupeKey));
    expect(a.uuid.length).toBeLessThanOrEqual(50);
    // Inside a transaction, a duplicate does not abort it.
    await ctx().prisma.$transaction(async (tx) => {
      expect((await enqueueMessage(tx, input)).created).toBe(false);
      expect((await enqueueMessage(tx, { ...input, dedupeKey: 'other' })).created).toBe(true);
    });
    expect(await ctx().prisma.outboxMessage.count()).toBe(2);
  });

  it('sends, replies, patches and updates cards through the SDK, recording the message id', async () => {
    startSender();
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'k-card', kind: 'send', receiveIdType: 'chat_id', receiveId: GROUP, message: { msgType: 'interactive', content: sampleCard('任务交办单') } });
    await sender!.waitUntilIdle();
    const row = await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'k-card' } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, errorCode: null });
    expect(row.sentAt).toBeInstanceOf(Date);
    const sent = fake.getMessage(row.feishuMessageId!)!;
    expect(sent).toMatchObject({ chatId: GROUP, msgType: 'interactive', uuid: row.uuid, receiveIdType: 'chat_id' });

    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'k-patch', kind: 'patch', receiveId: sent.messageId, message: { msgType: 'interactive', content: sampleCard('已签收 · 张三') } });
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'k-reply', kind: 'reply', receiveId: sent.messageId, message: text('收到') });
    sender!.wake();
    await sender!.waitUntilIdle();
    expect(sent.updates.map((u) => u.via)).toEqual(['patch']);
    const reply = fake.botMessages({ chatId: GROUP }).find((m) => m.parentId === sent.messageId)!;
    expect(reply.content).toEqual({ text: '收到' });

    const click = await fake.clickCard({ messageId: sent.messageId, operatorOpenId: USERS[0]!.openId, value: { a: 1 } });
    expect(click.clientError).toBe(200671); // no bot URL configured: the click itself fails…
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'k-cu', kind: 'card_update', receiveId: click.cardToken, message: { msgType: 'interactive', content: sampleCard('延时更新') } });
    sender!.wake();
    await sender!.waitUntilIdle();
    expect(sent.updates.map((u) => u.via)).toEqual(['patch', 'card_update']); // …but the token still works after it.
  });

  it('a send whose outcome was lost in a crash is retried with the same uuid and delivered once', async () => {
    startSender();
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'crash-1', kind: 'send', receiveIdType: 'open_id', receiveId: USERS[1]!.openId, message: text('逾期预警') });
    await sender!.waitUntilIdle();
    await sender!.stop();
    sender = undefined;
    const first = await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'crash-1' } });
    // Feishu accepted the send, but the instance died before recording it: the row is still
    // "sending" under a lock that has expired.
    await ctx().prisma.outboxMessage.update({
      where: { id: first.id },
      data: { status: 'sending', lockedBy: 'dead', lockedUntil: new Date(Date.now() - 1_000), feishuMessageId: null, sentAt: null },
    });
    let dedupeHits = 0;
    fake.on('uuid-dedupe', () => dedupeHits++);
    startSender();
    await sender!.waitUntilIdle();
    const after = await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { id: first.id } });
    expect(after.status).toBe('sent');
    expect(after.feishuMessageId).toBe(first.feishuMessageId);
    expect(fake.botMessages({ openId: USERS[1]!.openId })).toHaveLength(1);
    expect(fake.requestsFor('im.message.create')).toHaveLength(2);
    expect(dedupeHits).toBe(1);
  });

  it('respects the per-app and per-recipient limits (no 429/230020 from the fake)', async () => {
    // 20 messages to 5 users (4 each) + 12 into one group: 32 sends at ≤ 10/s, ≤ 5/s per chat.
    for (let i = 0; i < 20; i++) {
      const user = USERS[i % 5]!;
      await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: `rl-user-${i}`, kind: 'send', receiveIdType: 'open_id', receiveId: user.openId, message: text(`提醒 ${i}`) });
    }
    for (let i = 0; i < 12; i++) {
      await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: `rl-group-${i}`, kind: 'send', receiveIdType: 'chat_id', receiveId: GROUP, message: text(`群提醒 ${i}`) });
    }
    const started = performance.now();
    startSender({ concurrency: 16 });
    await sender!.waitUntilIdle(20_000);
    const elapsed = performance.now() - started;
    const creates = fake.requestsFor('im.message.create');
    expect(creates.filter((r) => r.code !== 0).map((r) => `${r.code}@${Math.round(r.t - creates[0]!.t)}`)).toEqual([]);
    expect(creates).toHaveLength(32);
    expect(fake.botMessages()).toHaveLength(32);
    expect(fake.maxInWindow('im.message.create', 1_000)).toBeLessThanOrEqual(10);
    const groupTimes = fake.botMessages({ chatId: GROUP }).map((m) => m.createdAt.getTime());
    for (let i = 5; i < groupTimes.length; i++) expect(groupTimes[i]! - groupTimes[i - 5]!).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeGreaterThan(2_500); // 32 sends at 10/s
    expect(await ctx().prisma.outboxMessage.count({ where: { status: 'sent' } })).toBe(32);
  });

  it('rides out a 429 storm honouring x-ogw-ratelimit-reset; every message delivered exactly once', async () => {
    fake.rateLimitStorm(6, 1);
    for (let i = 0; i < 8; i++) {
      await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: `storm-${i}`, kind: 'send', receiveIdType: 'open_id', receiveId: USERS[i % 6]!.openId, message: text(`风暴 ${i}`) });
    }
    const started = performance.now();
    startSender();
    await sender!.waitUntilIdle(15_000);
    const creates = fake.requestsFor('im.message.create');
    const limited = creates.filter((r) => r.status === 429);
    expect(limited.length).toBe(6);
    // A row that got a 429 was only tried again after the reset (1 s).
    for (const l of limited) {
      const retry = creates.find((r) => r.uuid === l.uuid && r.t > l.t)!;
      expect(retry.code).toBe(0);
      expect(retry.t - l.t).toBeGreaterThanOrEqual(950);
    }
    expect(performance.now() - started).toBeGreaterThan(950);
    const rows = await ctx().prisma.outboxMessage.findMany();
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(rows.every((r) => r.attempts === 1)).toBe(true); // rate-limit retries are not failures
    expect(fake.botMessages()).toHaveLength(8);
    expect(new Set(fake.botMessages().map((m) => JSON.stringify(m.content))).size).toBe(8);
    expect(failures).toEqual([]);
  });

  it('retries transient 5xx errors with backoff and recovers from a revoked token', async () => {
    fake.serverErrors(2, 'im.message.create');
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 't-500', kind: 'send', receiveIdType: 'chat_id', receiveId: GROUP, message: text('重试') });
    startSender();
    await sender!.waitUntilIdle();
    expect(await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 't-500' } })).toMatchObject({ status: 'sent', attempts: 3 });
    fake.revokeTokens();
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 't-token', kind: 'send', receiveIdType: 'chat_id', receiveId: GROUP, message: text('换票') });
    sender!.wake();
    await sender!.waitUntilIdle();
    expect(await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 't-token' } })).toMatchObject({ status: 'sent', attempts: 2 });
    expect(fake.botMessages({ chatId: GROUP })).toHaveLength(2);
  });

  it('records permanent failures (230002, 230013) with code and message, reports each once and never retries', async () => {
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'p-230002', kind: 'send', receiveIdType: 'chat_id', receiveId: NO_BOT_GROUP, message: text('机器人不在群') });
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'p-230013', kind: 'send', receiveIdType: 'open_id', receiveId: 'ou_resigned000000000000000000000', message: text('已离职') });
    startSender();
    await sender!.waitUntilIdle();
    await sleep(300);
    const a = await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'p-230002' } });
    expect(a).toMatchObject({ status: 'failed', errorCode: 230002, attempts: 1 });
    expect(a.error).toMatch(/机器人不在对应群组中/); // the message/create page's meaning of 230002
    const b = await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'p-230013' } });
    expect(b).toMatchObject({ status: 'failed', errorCode: 230013 });
    expect(failures.map((f) => f.dedupeKey).sort()).toEqual(['p-230002', 'p-230013']);
    expect(failures.find((f) => f.dedupeKey === 'p-230002')).toMatchObject({ status: 'failed', errorCode: 230002 });
    expect(fake.requestsFor('im.message.create')).toHaveLength(2);
    expect(fake.botMessages()).toHaveLength(0);
  });

  it('gives up after maxAttempts transient failures and reports it', async () => {
    fake.serverErrors(10, 'im.message.create');
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'give-up', kind: 'send', receiveIdType: 'chat_id', receiveId: GROUP, message: text('x') });
    startSender({ maxAttempts: 3, retryBaseMs: 20 });
    await sender!.waitUntilIdle();
    expect(await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'give-up' } })).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failures).toHaveLength(1);
    expect(fake.requestsFor('im.message.create')).toHaveLength(3);
  });

  it('after an outage, rows backing off go as soon as Feishu answers again, not at the end of their back-off', async () => {
    // The outage lasts until the test ends it, so it does not depend on how fast this machine is.
    fake.serverErrorsFor(60_000, 'im.message.create');
    for (let i = 0; i < 4; i++) {
      await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: `outage-${i}`, kind: 'send', receiveIdType: 'open_id', receiveId: USERS[i]!.openId, message: text(`故障 ${i}`) });
    }
    startSender({ retryBaseMs: 10_000 });
    // All four failed once and wait 10 s…
    const backingOff = await waitFor(async () => {
      const rows = await ctx().prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: 'outage-' }, status: 'pending', attempts: 1 } });
      return rows.length === 4 && rows;
    }, 10_000);
    fake.endFaults();
    const recovered = Date.now();
    expect(Math.min(...backingOff.map((r) => r.nextAttemptAt.getTime()))).toBeGreaterThan(recovered + 5_000);
    // …until a send succeeds after the outage.
    await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: 'outage-new', kind: 'send', receiveIdType: 'open_id', receiveId: USERS[5]!.openId, message: text('恢复') });
    await sender!.waitUntilIdle(5_000);
    expect(Date.now() - recovered).toBeLessThan(4_000);
    expect(fake.botMessages()).toHaveLength(5);
    expect(await ctx().prisma.outboxMessage.count({ where: { status: 'sent' } })).toBe(5);
  });

  it('an outcome the database could not take is kept and written later: the message is not sent again', async () => {
    // The database refuses the first "sent" write, as when its connection is cut right after the call.
    let refuse = 1;
    const db = ctx();
    const outbox = new Proxy(db.prisma.outboxMessage, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (typeof v !== 'function') return v;
        if (prop !== 'updateMany') return v.bind(target);
        return async (args: { data?: { status?: string } }) => {
          if (args.data?.status === 'sent' && refuse-- > 0) throw new Error('Connection terminated unexpectedly');
          return (v as (a: unknown) => Promise<unknown>).call(target, args);
        };
      },
    });
    const prisma = new Proxy(db.prisma, {
      get(target, prop) {
        if (prop === 'outboxMessage') return outbox;
        // The usual outcome is written by one raw UPDATE (src/outbox/store.ts): refuse that too.
        if (prop === '$executeRaw') {
          return async (sql: TemplateStringsArray, ...rest: unknown[]) => {
            const values = rest;
            if (sql.join('?').includes('UPDATE "OutboxMessage"') && values.some((v) => v === 'sent' || ((v as { values?: unknown[] } | null)?.values ?? []).includes('sent')) && refuse-- > 0) throw new Error('Connection terminated unexpectedly');
            return (target.$executeRaw as (...a: unknown[]) => Promise<number>).call(target, sql, ...rest);
          };
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    let dedupes = 0;
    const onDedupe = () => dedupes++;
    fake.on('uuid-dedupe', onDedupe);
    try {
      await enqueueMessage(db.prisma, { tenantId, dedupeKey: 'owed-1', kind: 'send', receiveIdType: 'open_id', receiveId: USERS[2]!.openId, message: text('补写') });
      startSender({ db: { ...db, prisma } as typeof db, lockMs: 300 });
      await sender!.waitUntilIdle(5_000);
      await sleep(700); // longer than the lease: nobody takes the row over
    } finally {
      fake.off('uuid-dedupe', onDedupe);
    }
    expect(refuse).toBeLessThan(1);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'owed-1' } })).toMatchObject({ status: 'sent', attempts: 1, lockedBy: null });
    expect(fake.requestsFor('im.message.create')).toHaveLength(1);
    expect(dedupes).toBe(0);
  });

  it('two senders on one database deliver each row once; replies count against the chat they land in', async () => {
    const received = 'om_received_from_user_000000001';
    await storeEvent(ctx().prisma, {
      tenantKey: fake.tenantKey,
      eventId: 'ev-reply-src',
      messageId: received,
      eventType: 'im.message.receive_v1',
      payload: { schema: '2.0', header: {}, event: { message: { chat_id: GROUP } } },
      status: 'done',
    });
    // The fake needs the user message to exist for replies.
    await fake.deliverMessageEvent({ senderOpenId: USERS[0]!.openId, chatId: GROUP, text: '进展', messageId: received, push: false });
    for (let i = 0; i < 6; i++) {
      await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: `two-${i}`, kind: 'send', receiveIdType: 'open_id', receiveId: USERS[i]!.openId, message: text(`双实例 ${i}`) });
    }
    for (let i = 0; i < 6; i++) {
      await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: `reply-${i}`, kind: 'reply', receiveId: received, message: text(`回复 ${i}`) });
    }
    const other = new Sender({ db: ctx(), client: createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url }), logger: silentLogger, pollIntervalMs: 30, limits: { appPerSecond: 5, perRecipientPerSecond: 2 } });
    other.start();
    startSender({ limits: { appPerSecond: 5, perRecipientPerSecond: 2 } });
    try {
      await sender!.waitUntilIdle(15_000);
    } finally {
      await other.stop();
    }
    expect(fake.botMessages()).toHaveLength(12);
    expect(fake.requests.filter((r) => r.api.startsWith('im.message') && r.code !== 0 && r.code !== 230020)).toEqual([]);
    expect(await ctx().prisma.outboxMessage.count({ where: { status: 'sent' } })).toBe(12);
  });
});
