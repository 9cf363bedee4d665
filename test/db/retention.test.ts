// Retention: after MESSAGE_RETENTION_DAYS the texts, card tokens and verification token people's
// events carried (and the contents the bot sent) are cleared; ids stay, so dedupe still works.
import { expect, it } from 'vitest';
import { FixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { purgeExpiredPayloads, startRetentionTask } from '../../src/db/retention.js';
import { storeEvent } from '../../src/feishu/inbox.js';
import { silentLogger } from '../../src/log.js';
import { enqueueMessage } from '../../src/outbox/index.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { recordingHandlers, startBotOnFake } from '../feishu/helpers.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-12-31T02:00:00Z');
const ago = (days: number) => new FixedClock(new Date(NOW.getTime() - days * DAY));

const VERIFICATION_TOKEN = 'vt-secret-0123456789';

function messageEnvelope(id: string, text: string) {
  return {
    schema: '2.0',
    header: { event_id: `ev_${id}`, token: VERIFICATION_TOKEN, create_time: '1', event_type: 'im.message.receive_v1', tenant_key: 'tk' },
    event: { message: { message_id: `om_${id}`, chat_id: 'oc_x', content: JSON.stringify({ text }) } },
  };
}

function cardEnvelope(id: string) {
  return {
    schema: '2.0',
    header: { event_id: `ev_${id}`, token: VERIFICATION_TOKEN, create_time: '1', event_type: 'card.action.trigger', tenant_key: 'tk' },
    event: { token: `c-callback-${id}`, action: { value: { action: 'progress' }, form_value: { text: '完成调研，形成初稿' } } },
  };
}

describeEachDatabase('message retention', (ctx) => {
  it('clears old payloads and contents, keeps ids, pending rows and recent ones; dedupe still recognises the old ids', async () => {
    const db = ctx();
    const tenant = await db.prisma.tenant.create({ data: { key: 'tk-retention', name: '测试' } });
    // 31 days old: purged. 29 days: kept. 40 days but still pending: kept.
    await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_old', messageId: 'om_old', eventType: 'im.message.receive_v1', payload: messageEnvelope('old', '进展 QY-2026-011 召开推进会 60%'), status: 'done' }, ago(31));
    await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_card', eventType: 'card.action.trigger', payload: cardEnvelope('card'), status: 'done' }, ago(45));
    await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_failed', eventType: 'im.message.receive_v1', payload: messageEnvelope('failed', '坏消息'), status: 'failed' }, ago(31));
    await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_recent', messageId: 'om_recent', eventType: 'im.message.receive_v1', payload: messageEnvelope('recent', '我的任务'), status: 'done' }, ago(29));
    await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_pending', eventType: 'im.message.receive_v1', payload: messageEnvelope('pending', '台账') }, ago(40));
    const send = (key: string, days: number, status: string, kind: 'send' | 'card_update' = 'send') =>
      enqueueMessage(db.prisma, { tenantId: tenant.id, dedupeKey: key, kind, ...(kind === 'send' ? { receiveIdType: 'open_id' as const } : {}), receiveId: kind === 'send' ? 'ou_x' : 'c-callback-late', message: { msgType: 'interactive', content: { header: { title: '临期提醒 萧雨' } } } }, ago(days)).then(
        async (r) => db.prisma.outboxMessage.update({ where: { id: r.id! }, data: { status } }),
      );
    await send('reminders:a:ou_x:2026-11-20', 41, 'sent');
    await send('card-late:c-callback-late', 35, 'failed', 'card_update');
    await send('reminders:b:ou_x:2026-12-20', 11, 'sent');
    await send('reminders:c:ou_x:2026-11-21', 40, 'pending');

    const purged = await purgeExpiredPayloads(db, NOW, 30);
    expect(purged).toEqual({ inbox: 3, outbox: 2 });
    const inbox = await db.prisma.inboxEvent.findMany({ orderBy: { id: 'asc' } });
    const byId = new Map(inbox.map((r) => [r.eventId, r]));
    for (const id of ['ev_old', 'ev_card', 'ev_failed']) {
      expect(byId.get(id)!.payload, id).toBe('');
    }
    expect(byId.get('ev_old')).toMatchObject({ messageId: 'om_old', eventType: 'im.message.receive_v1', status: 'done' });
    expect(byId.get('ev_recent')!.payload).toContain('我的任务');
    expect(byId.get('ev_pending')!.payload).toContain('台账');
    const all = JSON.stringify(inbox.filter((r) => r.eventId !== 'ev_recent' && r.eventId !== 'ev_pending'));
    for (const secret of [VERIFICATION_TOKEN, 'c-callback-card', '召开推进会', '完成调研']) expect(all).not.toContain(secret);
    const outbox = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'asc' } });
    expect(outbox.map((r) => [r.dedupeKey, r.content === '' ? '' : 'kept', r.receiveId])).toEqual([
      ['reminders:a:ou_x:2026-11-20', '', 'ou_x'],
      ['card-late:c-callback-late', '', null],
      ['reminders:b:ou_x:2026-12-20', 'kept', 'ou_x'],
      ['reminders:c:ou_x:2026-11-21', 'kept', 'ou_x'],
    ]);

    // Feishu re-pushing the old event, or a job re-run for the old period: still recognised.
    expect(await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_old', messageId: 'om_old', eventType: 'im.message.receive_v1', payload: messageEnvelope('old', 'x') })).toBe('duplicate');
    expect(await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_other', messageId: 'om_old', eventType: 'im.message.receive_v1', payload: messageEnvelope('x', 'x') })).toBe('duplicate');
    const again = await enqueueMessage(db.prisma, { tenantId: tenant.id, dedupeKey: 'reminders:a:ou_x:2026-11-20', kind: 'send', receiveIdType: 'open_id', receiveId: 'ou_x', message: { msgType: 'text', content: { text: 'x' } } });
    expect(again.created).toBe(false);
    // A second purge finds nothing new.
    expect(await purgeExpiredPayloads(db, NOW, 30)).toEqual({ inbox: 0, outbox: 0 });
    // A shorter period reaches the 29-day-old event.
    expect((await purgeExpiredPayloads(db, NOW, 7)).inbox).toBe(1);
  });

  it('the running bot purges on its own (MESSAGE_RETENTION_DAYS from its config)', async () => {
    const db = ctx();
    const fake = await FakeFeishu.start();
    await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_bot_old', eventType: 'im.message.receive_v1', payload: messageEnvelope('bot', '进展'), status: 'done' }, new FixedClock(new Date(Date.now() - 8 * DAY)));
    await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_bot_new', eventType: 'im.message.receive_v1', payload: messageEnvelope('bot2', '台账'), status: 'done' }, new FixedClock(new Date(Date.now() - 6 * DAY)));
    const { rt } = await startBotOnFake(fake, { db, handlers: recordingHandlers(), env: { FEISHU_EVENT_MODE: 'webhook', MESSAGE_RETENTION_DAYS: '7' }, retention: { firstAfterMs: 0 } });
    try {
      await expect.poll(async () => (await db.prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: 'ev_bot_old' } })).payload, { timeout: 5_000 }).toBe('');
      expect((await db.prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: 'ev_bot_new' } })).payload).toContain('台账');
    } finally {
      await rt.stop();
      await fake.close();
    }
  });

  it('the running task purges on its own, every interval', async () => {
    const db = ctx();
    await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_task_old', eventType: 'im.message.receive_v1', payload: messageEnvelope('task', '进展'), status: 'done' }, ago(60));
    const task = startRetentionTask({ db, logger: silentLogger, clock: new FixedClock(NOW), retentionDays: 30, firstAfterMs: 0, intervalMs: 50 });
    try {
      await expect.poll(async () => (await db.prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: 'ev_task_old' } })).payload, { timeout: 5_000 }).toBe('');
      await storeEvent(db.prisma, { tenantKey: 'tk', eventId: 'ev_task_later', eventType: 'im.message.receive_v1', payload: messageEnvelope('later', '进展'), status: 'done' }, ago(60));
      await expect.poll(async () => (await db.prisma.inboxEvent.findUniqueOrThrow({ where: { eventId: 'ev_task_later' } })).payload, { timeout: 5_000 }).toBe('');
    } finally {
      await task.stop();
    }
  });
});

it('MESSAGE_RETENTION_DAYS: default 30, positive integers only', () => {
  expect(loadConfig({}).messageRetentionDays).toBe(30);
  expect(loadConfig({ MESSAGE_RETENTION_DAYS: '7' }).messageRetentionDays).toBe(7);
  expect(() => loadConfig({ MESSAGE_RETENTION_DAYS: '0' })).toThrow(/MESSAGE_RETENTION_DAYS: 应为正整数/);
  expect(() => loadConfig({ MESSAGE_RETENTION_DAYS: '三十' })).toThrow(/MESSAGE_RETENTION_DAYS/);
});
