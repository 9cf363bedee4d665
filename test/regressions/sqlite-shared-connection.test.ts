// Regression (found by a breaker run): on SQLite every statement outside a transaction runs on the adapter's one connection —
// INSIDE whatever interactive transaction is open at that moment (a card action's, a job's). An
// event stored (and acknowledged to Feishu) while another action's transaction is open is undone
// when that transaction rolls back: Feishu got its 200 and never delivers the event again.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { storeEvent } from '../../src/feishu/inbox.js';
import { sleep } from '../feishu/helpers.js';

describeEachDatabase('regression: writes outside a transaction while another rolls back', (ctx) => {
  it('an event stored during another action’s failing transaction stays stored', async () => {
    const db = ctx().prisma;
    let stored: Promise<unknown> | undefined;
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1`;
      // Meanwhile the webhook stores an incoming message (and answers Feishu 200).
      stored = storeEvent(db, { tenantKey: 't', eventId: 'ev-during-tx', messageId: 'om_during_tx', eventType: 'im.message.receive_v1', payload: { event: {} } });
      await Promise.race([stored, sleep(200)]);
      throw new Error('the card action failed');
    }).catch(() => undefined);
    await stored;
    expect(await db.inboxEvent.count({ where: { eventId: 'ev-during-tx' } })).toBe(1);
  });
});
