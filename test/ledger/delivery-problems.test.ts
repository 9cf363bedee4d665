// What the office hears when Feishu refuses messages for good: once per recipient and cause, with
// who that is in the ledger and what to do; again only when it changes. Failed card updates (their
// rows hold callback tokens) and replies to recalled messages are never shown to the office.
import { beforeEach, expect, it } from 'vitest';
import type { AppContext } from '../../src/app.js';
import { deliveryReporting, DELIVERY_NOTICE_PREFIX, type DeliveryReporting } from '../../src/bot.js';
import { FixedClock } from '../../src/clock.js';
import { ensureTenant, type TenantRef } from '../../src/db/repos/tenants.js';
import { DELIVERY_CAUSES, PERMANENT_ERROR_CODES } from '../../src/feishu/error-codes.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { enqueueMessage, type OutboxKind, type OutboxRow } from '../../src/outbox/index.js';
import { describeEachDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { testApp } from '../jobs/helpers.js';

const LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
const SHIBAO_GROUP = 'oc_demo_shibao';
const OFFICE_GROUP = 'oc_demo_office';

describeEachDatabase('delivery problems', (ctx) => {
  let tenant: TenantRef;
  let app: AppContext;
  let clock: FixedClock;
  let reporting: DeliveryReporting;
  let seq = 0;

  beforeEach(async () => {
    const db = ctx();
    tenant = await ensureTenant(db.prisma, `tk-delivery-${++seq}`);
    const outcome = await importLedger(db.prisma, tenant.id, [DEMO_WORKBOOK]);
    if (!outcome.ok) throw new Error('demo import failed');
    await db.prisma.outboxMessage.deleteMany({ where: { tenantId: tenant.id } });
    clock = new FixedClock(new Date('2026-11-23T01:00:00Z'));
    app = testApp(db, tenant, clock);
    reporting = deliveryReporting(app);
  });

  /** A row the sender gave up on, as it reaches onPermanentFailure. */
  async function failed(key: string, code: number | null, to: { type?: 'open_id' | 'chat_id'; id: string; kind?: OutboxKind }): Promise<OutboxRow> {
    const kind = to.kind ?? 'send';
    const r = await enqueueMessage(ctx().prisma, {
      tenantId: tenant.id, dedupeKey: key, kind, ...(kind === 'send' ? { receiveIdType: to.type ?? 'open_id' } : {}), receiveId: to.id,
      message: { msgType: 'interactive', content: { header: { title: { tag: 'plain_text', content: '临期提醒' } } } },
    });
    return ctx().prisma.outboxMessage.update({ where: { id: r.id! }, data: { status: 'failed', errorCode: code, error: `错误码 ${code}` } });
  }
  const notices = () => ctx().prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, dedupeKey: { startsWith: DELIVERY_NOTICE_PREFIX } }, orderBy: { id: 'asc' } });
  const text = (row: OutboxRow) => JSON.stringify(JSON.parse(row.content));

  it('tells the office once per recipient and cause, however many messages fail and on however many days', async () => {
    for (const day of ['2026-11-23', '2026-11-24', '2026-11-25']) {
      clock.set(new Date(`${day}T01:00:00Z`));
      for (const job of ['reminders', 'overdue', 'nudges']) await reporting.onPermanentFailure(await failed(`${job}:t:${LIAISON}:${day}`, 230013, { id: LIAISON }));
    }
    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ receiveIdType: 'chat_id', receiveId: OFFICE_GROUP });
    const card = text(sent[0]!);
    expect(card).toContain('消息未能送达：程功（石堡镇 · 改革联络员）');
    expect(card).toContain(DELIVERY_CAUSES.user_out_of_scope.label);
    expect(card).toContain('可用范围');
    expect(card).toContain('飞书错误码 230013');
    const problem = await ctx().prisma.deliveryProblem.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(problem).toMatchObject({ recipient: `open_id:${LIAISON}`, cause: 'user_out_of_scope', errorCode: 230013, failures: 9, resolvedAt: null });
    expect(problem.firstSeenAt.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(problem.lastSeenAt.toISOString()).toBe('2026-11-25T01:00:00.000Z');

    // Another cause for the same person is news; so is a group's own problem.
    await reporting.onPermanentFailure(await failed('reminders:t:x:2026-11-26', 230053, { id: LIAISON }));
    await reporting.onPermanentFailure(await failed('reminders:t:g:2026-11-26', 230002, { type: 'chat_id', id: SHIBAO_GROUP }));
    await reporting.onPermanentFailure(await failed('overdue:t:g:2026-11-26', 230002, { type: 'chat_id', id: SHIBAO_GROUP }));
    const after = await notices();
    expect(after).toHaveLength(3);
    expect(text(after[1]!)).toContain(DELIVERY_CAUSES.user_blocked_bot.label);
    expect(text(after[2]!)).toContain('消息未能送达：石堡镇工作群');
    expect(text(after[2]!)).toContain('重新加入该群');
  });

  it('says it again after the problem was resolved by a successful send and came back', async () => {
    await reporting.onPermanentFailure(await failed('a:1', 230002, { type: 'chat_id', id: SHIBAO_GROUP }));
    await reporting.onPermanentFailure(await failed('a:2', 230002, { type: 'chat_id', id: SHIBAO_GROUP }));
    expect(await notices()).toHaveLength(1);
    // The bot was added back: a send to the group goes through.
    const ok = await enqueueMessage(ctx().prisma, { tenantId: tenant.id, dedupeKey: 'ok:1', kind: 'send', receiveIdType: 'chat_id', receiveId: SHIBAO_GROUP, message: { msgType: 'text', content: { text: 'x' } } });
    await reporting.onSent(await ctx().prisma.outboxMessage.update({ where: { id: ok.id! }, data: { status: 'sent' } }));
    expect((await ctx().prisma.deliveryProblem.findFirstOrThrow({ where: { tenantId: tenant.id } })).resolvedAt).not.toBeNull();
    clock.set(new Date('2026-12-10T01:00:00Z'));
    await reporting.onPermanentFailure(await failed('a:3', 230002, { type: 'chat_id', id: SHIBAO_GROUP }));
    expect(await notices()).toHaveLength(2);
  });

  it('a cause that stops every send is one notice, not one per recipient', async () => {
    for (const id of [LIAISON, 'ou_demo_office_sun', 'ou_demo_chengguan_liaison']) await reporting.onPermanentFailure(await failed(`app:${id}`, 230006, { id }));
    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(text(sent[0]!)).toContain('消息未能送达：飞书应用配置问题');
    expect(text(sent[0]!)).toContain('启用「机器人」能力');
  });

  it('never shows a failed card update (its callback token) or a reply to a recalled message to the office', async () => {
    const token = 'c-295ee57216a5dc9de90fefd0aadb4b1d7d';
    for (const code of [300030, 300040, 11311, 10002, 200000, 100000, 500]) {
      await reporting.onPermanentFailure(await failed(`card-late:${token}:${code}`, code, { id: token, kind: 'card_update' }));
    }
    await reporting.onPermanentFailure(await failed('reply:gone', 230011, { id: 'om_recalled', kind: 'reply' }));
    await reporting.onPermanentFailure(await failed('patch:gone', 230110, { id: 'om_deleted', kind: 'patch' }));
    expect(await notices()).toHaveLength(0);
    const everything = await ctx().prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, kind: { not: 'card_update' } } });
    for (const row of everything) expect(row.content).not.toContain(token);
    expect(await ctx().prisma.deliveryProblem.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('when the office group itself is the one failing, the office staff hear it privately', async () => {
    await reporting.onPermanentFailure(await failed('office:1', 232009, { type: 'chat_id', id: OFFICE_GROUP }));
    const sent = await notices();
    expect(sent.map((n) => n.receiveId).sort()).toEqual(['ou_demo_office_sun', 'ou_demo_office_zhou']);
    expect(text(sent[0]!)).toContain('消息未能送达：县委改革办工作群');
    expect(text(sent[0]!)).toContain('该群已解散');
  });

  it('every code the office may hear of has a cause with advice', () => {
    for (const [code, entry] of Object.entries(PERMANENT_ERROR_CODES)) {
      const cause = DELIVERY_CAUSES[entry.cause];
      expect(cause, String(code)).toBeDefined();
      if (cause.notify) expect(cause.advice.length, String(code)).toBeGreaterThan(10);
    }
  });
});
