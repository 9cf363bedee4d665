// A reply that meets a message its sender recalled meanwhile (230011, the reply page) lost nothing:
// the office is not told 「消息未能送达」 for it; other permanent failures still reach the office.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { DELIVERY_NOTICE_PREFIX, deliveryReporting } from '../../src/bot.js';
import { putSetting } from '../../src/db/repos/settings.js';
import type { AppContext } from '../../src/app.js';
import type { OutboxRow } from '../../src/outbox/index.js';

describeEachDatabase('undeliverable messages', (ctx) => {
  let app: AppContext;
  beforeAll(async () => {
    app = await testApp(ctx(), { tenantKey: 'send-failure' });
    await putSetting(ctx().prisma, app.defaultTenant.id, 'recipients', { officeChatId: 'oc_office' }, 'test');
  });
  const row = (over: Partial<OutboxRow>): OutboxRow => ({
    id: 1, tenantId: app.defaultTenant.id, dedupeKey: 'reply:om_1', uuid: 'u', kind: 'reply', receiveIdType: null, receiveId: 'om_1', msgType: 'interactive',
    content: '{}', status: 'failed', attempts: 1, nextAttemptAt: new Date(), lockedBy: null, lockedUntil: null, sentAt: null, feishuMessageId: null,
    errorCode: 230011, error: 'The message is recalled.', createdAt: new Date(), ...over,
  });

  it('a reply to a recalled message is not reported; a group the bot left is', async () => {
    const reporting = deliveryReporting(app);
    await reporting.onPermanentFailure(row({}));
    expect(await ctx().prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: DELIVERY_NOTICE_PREFIX } } })).toBe(0);
    await reporting.onPermanentFailure(row({ id: 2, kind: 'send', dedupeKey: 'x', receiveIdType: 'chat_id', receiveId: 'oc_gone', errorCode: 230002, error: 'bot not in group' }));
    expect(await ctx().prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: DELIVERY_NOTICE_PREFIX } } })).toBe(1);
  });
});
