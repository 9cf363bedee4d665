// Feishu keeps a JSON 2.0 card clickable for 14 days (card-json-v2-breaking-changes-release-notes);
// after that the client refuses the click and the app hears nothing (src/sandbox/fake-feishu/cards.ts).
// Over the signed webhook against the fake: a 任务交办单 sent on day 0 is re-issued by the `reissue`
// job before day 14; on day 15 the old card's 签收 button no longer works, the text command
// 「签收 <编号>」 does, and the fresh card still answers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { startBotOnFake, waitFor } from '../feishu/helpers.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { createBotHandlers, dispatchTasks } from '../../src/chat/handlers.js';
import type { AppContext } from '../../src/app.js';
import { FixedClock } from '../../src/clock.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import { runJob } from '../../src/jobs/run.js';
import { cardText, headerOf } from './bed.js';

const CHENGGUAN = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道 — lead unit of QY-2026-009
const DAY = 24 * 3600_000;

describeEachDatabase('a card past Feishu\'s 14 days', (ctx) => {
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let app: AppContext;
  let clock: FixedClock;
  let tenantId: number;

  beforeAll(async () => {
    fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: [60_000] });
    clock = new FixedClock(shanghaiInstant('2026-11-23', '09:30'));
    app = await testApp(ctx(), { tenantKey: fake.tenantKey, clock });
    tenantId = app.defaultTenant.id;
    const imported = await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK]);
    if (!imported.ok) throw new Error('demo import failed');
    ({ rt } = await startBotOnFake(fake, { db: ctx(), handlers: createBotHandlers(app) }));
  });
  afterAll(async () => {
    await rt?.stop();
    await fake?.close();
  });

  it('the old button is refused by the client, the text command and the re-issued card still work', async () => {
    const task = () => ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: 'QY-2026-009' } });
    const t = await task();
    expect(t.status).toBe('待签收');
    const isDispatch = (m: FakeMessage) => m.receiveId === CHENGGUAN && headerOf(m) === '任务交办单' && cardText(m).includes('QY-2026-009');

    // Day 0 (Mon 11-23): the 任务交办单.
    expect(await dispatchTasks(app, tenantId, [t.id])).toBeGreaterThanOrEqual(1);
    const first = (await waitFor(() => fake.botMessages().find(isDispatch), 8_000))!;

    // Fri 12-04, day 11: the reissue job sends a fresh card (the next run, Mon 12-07, would be day 14).
    clock.set(shanghaiInstant('2026-12-03', '08:45'));
    expect((await runJob(app, 'reissue', clock.now())).messages.filter((m) => m.subject === `dispatch.${t.id}`)).toHaveLength(0);
    clock.set(shanghaiInstant('2026-12-04', '08:45'));
    const run = await runJob(app, 'reissue', clock.now());
    expect(run.messages.filter((m) => m.subject === `dispatch.${t.id}`).map((m) => m.recipient.receiveId).sort()).toEqual(['oc_demo_chengguan', CHENGGUAN]);
    const fresh = (await waitFor(() => fake.botMessages().find((m) => isDispatch(m) && m.messageId !== first.messageId), 8_000))!;

    // Tue 12-08, day 15: as Feishu sees the two cards, the first was sent 15 days ago, the fresh one 4.
    clock.set(shanghaiInstant('2026-12-08', '09:30'));
    const now = Date.now();
    first.createdAt = new Date(now - 15 * DAY);
    fresh.createdAt = new Date(now - 4 * DAY);

    const audits = () => ctx().prisma.auditLog.count({ where: { tenantId, entity: 'task', entityId: String(t.id) } });
    const auditsBefore = await audits();
    const dead = await fake.clickCard({ messageId: first.messageId, operatorOpenId: CHENGGUAN, value: { a: 'sign', t: t.id } });
    expect(dead.expired).toEqual({ days: 14, notice: '该卡片已发送超过 14 天，无法交互' });
    expect(dead.toast).toBeUndefined();
    expect(dead.eventId).toBe('');
    expect((await task()).status).toBe('待签收');
    expect(await audits()).toBe(auditsBefore);

    // The text command works whatever the card's age.
    const messageId = `om_expiry_${Date.now()}`;
    expect((await fake.deliverMessageEvent({ senderOpenId: CHENGGUAN, text: '签收 QY-2026-009', messageId })).acked).toBe(true);
    const reply = await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000);
    expect(cardText(reply)).toContain('已签收 QY-2026-009');
    expect((await task()).status).toBe('推进中');

    // The re-issued card is within its 14 days: the click reaches the bot, which finds it signed.
    const alive = await fake.clickCard({ messageId: fresh.messageId, operatorOpenId: CHENGGUAN, value: { a: 'sign', t: t.id } });
    expect(alive.expired).toBeUndefined();
    expect(alive.eventId).not.toBe('');
    expect(JSON.stringify(alive.toast ?? alive.card)).toContain('已签收');
  });
});
