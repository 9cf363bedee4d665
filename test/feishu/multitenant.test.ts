// Issue 6, end to end over real HTTP: one deployment as a Feishu store app (商店应用) serving two
// tenants with different ledgers. The fake plays the store-app platform (app_ticket pushes,
// app_access_token, a tenant_access_token per tenant_key) and records which tenant's token every
// message and card call carried; events arrive signed and encrypted with their tenant_key. The
// trap: task QY-2026-009 exists in both ledgers with different content and lead units.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lark from '@larksuiteoapi/node-sdk';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { writeCsvFolder } from '../helpers/workbooks.js';
import { recordingHandlers, serve, silentLogger, sleep, startBotOnFake, waitFor } from './helpers.js';
import { createWebhookApp } from '../../src/feishu/webhook.js';
import { FakeFeishu, type DeliveryResult, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { cachedAppTicket, createFeishuClient, getBotOpenId, isvTokenCacheKey } from '../../src/feishu/client.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { formatProblem } from '../../src/ledger/import/validate.js';
import { createBotHandlers } from '../../src/chat/handlers.js';
import { ensureTenant, type TenantRef } from '../../src/db/repos/tenants.js';
import { tickJobs } from '../../src/jobs/scheduler.js';
import type { AppContext } from '../../src/app.js';

const A = 'tenant-a-qingyuan';
const B = 'tenant-b-beiling';
const C = 'tenant-c-newcomer';

const A_OFFICE = 'ou_a_office_zhoumin';
const A_LIAISON = 'ou_a_liaison_yuanyuan'; // 城关街道, leads A's QY-2026-009
const A_SHIBAO = 'ou_a_liaison_chenggong';
const B_OFFICE = 'ou_b_office_liuyang';
const B_LIAISON = 'ou_b_liaison_wangfang'; // 城关镇, leads B's QY-2026-009
const C_USER = 'ou_c_user_zhaolei';
const A_GROUP = 'oc_a_chengguan';
const B_GROUP = 'oc_b_chengguan';

const A_TITLE = '制定社区协商议事规则';
const B_TITLE = '北岭县农村集体产权制度改革';

function ledgerA(): string {
  return writeCsvFolder({
    单位: [['单位名称', '类型', '上级单位', '工作群ID'], ['县委改革办', '部门', '', 'oc_a_office'], ['城关街道', '街道', '', A_GROUP], ['石堡镇', '乡镇', '', '']],
    人员: [
      ['姓名', '单位', '角色', '手机', '邮箱', '飞书ID'],
      ['周敏', '县委改革办', '改革办', '', '', A_OFFICE],
      ['袁媛', '城关街道', '改革联络员', '', '', A_LIAISON],
      ['程功', '石堡镇', '改革联络员', '', '', A_SHIBAO],
    ],
    台账: [
      ['编号', '改革事项', '牵头单位', '类别', '完成时限', '状态', '完成日期'],
      ['QY-2026-009', A_TITLE, '城关街道', '小切口改革', '2026-11-26', '推进中', ''],
      ['QY-2026-010', '推行石堡镇审批事项清单', '石堡镇', '改革试点', '2026-11-30', '待销号', '2026-11-20'],
      ['QY-2026-011', '城关街道网格化治理', '城关街道', '重点改革任务', '2026-12-31', '待签收', ''],
    ],
    节点: [['编号', '节点名称', '完成时限']],
  });
}

function ledgerB(): string {
  return writeCsvFolder({
    单位: [['单位名称', '类型', '上级单位', '工作群ID'], ['北岭县委改革办', '部门', '', 'oc_b_office'], ['城关镇', '乡镇', '', B_GROUP]],
    人员: [
      ['姓名', '单位', '角色', '手机', '邮箱', '飞书ID'],
      ['刘洋', '北岭县委改革办', '改革办', '', '', B_OFFICE],
      ['王芳', '城关镇', '改革联络员', '', '', B_LIAISON],
    ],
    台账: [
      ['编号', '改革事项', '牵头单位', '类别', '完成时限', '状态'],
      ['QY-2026-009', B_TITLE, '城关镇', '重点改革任务', '2026-11-26', '推进中'],
      ['BL-2026-002', '北岭县政务服务一网通办', '城关镇', '改革试点', '2026-12-31', '推进中'],
    ],
    节点: [['编号', '节点名称', '完成时限']],
  });
}

const cardText = (m: FakeMessage | undefined) => JSON.stringify(m?.content ?? null);

describeEachDatabase('multi-tenant store app', (ctx) => {
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let app: AppContext;
  let tenantA: TenantRef;
  let tenantB: TenantRef;
  const ticketPushes: DeliveryResult[] = [];

  beforeAll(async () => {
    fake = await FakeFeishu.start({
      appType: 'isv',
      tenantKey: A,
      // Tenant B sees the bot under its own open_id (bot/v3/info with B's token).
      tenants: [{ tenantKey: A }, { tenantKey: B, botOpenId: 'ou_bot_as_seen_by_beiling000000' }, { tenantKey: C }],
      users: [
        { openId: A_OFFICE, name: '周敏', tenantKey: A },
        { openId: A_LIAISON, name: '袁媛', tenantKey: A },
        { openId: A_SHIBAO, name: '程功', tenantKey: A },
        { openId: B_OFFICE, name: '刘洋', tenantKey: B },
        { openId: B_LIAISON, name: '王芳', tenantKey: B },
        { openId: C_USER, name: '赵磊', tenantKey: C },
      ],
      chats: [
        { chatId: 'oc_a_office', name: '县委改革办', memberOpenIds: [A_OFFICE], tenantKey: A },
        { chatId: A_GROUP, name: '城关街道工作群', memberOpenIds: [A_LIAISON, A_OFFICE], tenantKey: A },
        { chatId: 'oc_b_office', name: '北岭县委改革办', memberOpenIds: [B_OFFICE], tenantKey: B },
        { chatId: B_GROUP, name: '城关镇工作群', memberOpenIds: [B_LIAISON, B_OFFICE], tenantKey: B },
      ],
      // The first ticket push finds no event URL yet (the bot's port is known after it starts).
      redeliveryScheduleMs: [150, 300, 600, 1_200, 2_400],
    });
    fake.on('app-ticket', (r: DeliveryResult) => ticketPushes.push(r));
    app = await testApp(ctx(), { tenantKey: 'local', env: { FEISHU_APP_TYPE: 'isv' } });
    tenantA = await ensureTenant(ctx().prisma, A, '清源县委改革办');
    tenantB = await ensureTenant(ctx().prisma, B, '北岭县委改革办');
    for (const [tenant, dir] of [[tenantA, ledgerA()], [tenantB, ledgerB()]] as const) {
      const imported = await importLedger(ctx().prisma, tenant.id, [dir]);
      if (!imported.ok) throw new Error(imported.problems.map(formatProblem).join('\n'));
    }
    // No FEISHU_EVENT_MODE: a store app defaults to webhooks.
    const started = await startBotOnFake(fake, { db: ctx(), handlers: createBotHandlers(app), env: { FEISHU_APP_TYPE: 'isv' }, sender: { retryBaseMs: 200, pollIntervalMs: 100 } });
    rt = started.rt;
    expect(started.config.feishu.eventMode).toBe('webhook');
  });
  afterAll(async () => {
    await rt?.stop();
    await fake?.close();
  });

  let counter = 0;
  /** A user says something (group: @bot) and the bot's reply to it arrives. */
  async function say(openId: string, text: string, chatId?: string) {
    const messageId = `om_mt_${Date.now()}_${counter++}`;
    const r = await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) });
    expect(r.acked).toBe(true);
    return waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 10_000);
  }
  const taskOf = (tenant: TenantRef, code: string) => ctx().prisma.task.findFirstOrThrow({ where: { tenantId: tenant.id, codeKey: code } });

  it('app_ticket: none at start → resend asked → ticket pushed (signed, encrypted) and cached → tokens fetched per tenant on first use', async () => {
    // The runtime asked for a ticket once it listened (the SDK may also have asked when the client
    // was built); no OpenAPI call has been made yet, so no token was asked for.
    expect(fake.requestsFor('auth.app_ticket.resend', { ok: true }).length).toBeGreaterThanOrEqual(1);
    expect(fake.requestsFor('auth.app_access_token')).toHaveLength(0);
    const acked = await waitFor(() => ticketPushes.find((p) => p.acked), 10_000);
    expect(acked.response).toEqual({});
    const ticket = await waitFor(() => cachedAppTicket(rt.client), 5_000);
    expect(ticket).toMatch(/^fake-ticket-/);

    const reply = await say(A_LIAISON, '帮助');
    expect(reply.tenantKey).toBe(A);
    expect(fake.requestsFor('auth.app_access_token', { ok: true }).length).toBeGreaterThanOrEqual(1);
    expect(fake.requestsFor('auth.tenant_access_token.isv', { ok: true }).length).toBeGreaterThanOrEqual(1);
    // The self-built app's token endpoint is never used by a store app.
    expect(fake.requestsFor('auth.tenant_access_token')).toHaveLength(0);
    expect(await rt.client.cache.get(isvTokenCacheKey(A), { namespace: rt.client.appId })).toMatch(/^t-/);
    expect(await rt.client.cache.get(isvTokenCacheKey(B), { namespace: rt.client.appId })).toBeUndefined();
  });

  it('a report in tenant A changes only A’s task, and A’s reply goes out with A’s token', async () => {
    const reply = await say(A_LIAISON, '进展 QY-2026-009 已形成议事规则初稿 40%', A_GROUP);
    expect(reply.tenantKey).toBe(A);
    expect(cardText(reply)).toContain(A_TITLE);
    expect(cardText(reply)).not.toContain(B_TITLE);
    expect((await taskOf(tenantA, 'QY-2026-009')).lastPercent).toBe(40);
    const b009 = await taskOf(tenantB, 'QY-2026-009');
    expect(b009.lastPercent).toBeNull();
    expect(await ctx().prisma.progressReport.count({ where: { taskId: b009.id } })).toBe(0);
    // The reply request itself was made with A's tenant_access_token.
    const replies = fake.requestsFor('im.message.reply', { ok: true });
    expect(replies.at(-1)!.tenantKey).toBe(A);
  });

  it('我的任务 and 台账 in tenant B show only B’s ledger, sent with B’s token', async () => {
    const mine = await say(B_LIAISON, '我的任务', B_GROUP);
    expect(mine.tenantKey).toBe(B);
    expect(cardText(mine)).toContain(B_TITLE);
    expect(cardText(mine)).toContain('BL-2026-002');
    expect(cardText(mine)).not.toContain(A_TITLE);
    expect(cardText(mine)).not.toContain('QY-2026-011');

    const ledgerB = await say(B_OFFICE, '台账');
    expect(ledgerB.tenantKey).toBe(B);
    expect(cardText(ledgerB)).toContain('共 **2** 项');
    const ledgerA = await say(A_OFFICE, '台账');
    expect(ledgerA.tenantKey).toBe(A);
    expect(cardText(ledgerA)).toContain('共 **3** 项');
    // Units are looked up in the caller's ledger only: 城关镇 is B's, A has 城关街道.
    const unitB = await say(B_OFFICE, '台账 城关镇');
    expect(unitB.tenantKey).toBe(B);
    expect(cardText(unitB)).toContain('城关镇');
    expect(cardText(unitB)).toContain('共 **2** 项');
    const unitA = await say(A_OFFICE, '台账 城关镇');
    expect(cardText(unitA)).toContain('没有找到名称含「城关镇」的单位');

    // B's office urges "its" QY-2026-009: B's liaison is told, A's liaison hears nothing.
    const urged = await say(B_OFFICE, '催办 QY-2026-009 请本周内报送');
    expect(urged.tenantKey).toBe(B);
    const notice = await waitFor(() => fake.botMessages({ openId: B_LIAISON }).find((m) => cardText(m).includes('催办通知')), 8_000);
    expect(notice.tenantKey).toBe(B);
    expect(cardText(notice)).toContain(B_TITLE);
    await sleep(300);
    expect(fake.botMessages({ openId: A_LIAISON }).filter((m) => cardText(m).includes('催办通知'))).toHaveLength(0);
  });

  it('a card click from tenant B naming tenant A’s task is refused; B’s own form lists only B’s tasks', async () => {
    const card = await say(B_OFFICE, '我的任务');
    const a010 = await taskOf(tenantA, 'QY-2026-010');
    expect(a010.status).toBe('待销号');
    // B's office may close out B's tasks — a forged value naming A's task must not reach it.
    const approve = await fake.clickCard({ messageId: card.messageId, operatorOpenId: B_OFFICE, value: { a: 'approve', t: a010.id } });
    expect(approve.toast).toEqual({ type: 'error', content: '该事项不存在或已删除' });
    expect((await taskOf(tenantA, 'QY-2026-010')).status).toBe('待销号');

    const a009 = await taskOf(tenantA, 'QY-2026-009');
    const reportsBefore = await ctx().prisma.progressReport.count({ where: { taskId: a009.id } });
    const submit = await fake.clickCard({
      messageId: card.messageId, operatorOpenId: B_LIAISON, value: { a: 'submit_progress' },
      formValue: { task: String(a009.id), text: '替别人报一下', percent: '90' },
    });
    expect(submit.toast).toMatchObject({ type: 'error' });
    expect(await ctx().prisma.progressReport.count({ where: { taskId: a009.id } })).toBe(reportsBefore);
    expect((await taskOf(tenantA, 'QY-2026-009')).lastPercent).toBe(40);

    // Not B_LIAISON's own card: the form comes to them privately.
    await fake.clickCard({ messageId: card.messageId, operatorOpenId: B_LIAISON, value: { a: 'progress_form' } });
    const form = await waitFor(() => fake.botMessages({ openId: B_LIAISON }).find((m) => JSON.stringify(m.content).includes('"select_static"')), 8_000);
    expect(form.tenantKey).toBe(B);
    expect(JSON.stringify(form.content)).toContain(B_TITLE);
    expect(JSON.stringify(form.content)).not.toContain(A_TITLE);
  });

  it('a tenant that just installed the app gets a Tenant row of its own and is told its ledger is not loaded yet', async () => {
    expect(await ctx().prisma.tenant.findUnique({ where: { key: C } })).toBeNull();
    const reply = await say(C_USER, '我的任务');
    expect(reply.tenantKey).toBe(C);
    expect(cardText(reply)).toContain('还没有导入改革台账');
    expect(cardText(reply)).toContain(C);
    const c = await ctx().prisma.tenant.findUniqueOrThrow({ where: { key: C } });
    expect(c.name).toBe(C);
    expect(await ctx().prisma.task.count({ where: { tenantId: c.id } })).toBe(0);
    // No single-tenant shortcut: the default tenant was not re-bound to any tenant_key.
    expect(await ctx().prisma.tenant.findUnique({ where: { key: 'local' } })).not.toBeNull();
  });

  it('a revoked token (99991663) is refreshed for that tenant only', async () => {
    const ns = { namespace: rt.client.appId };
    const tokenA = await rt.client.cache.get(isvTokenCacheKey(A), ns);
    const tokenB = await rt.client.cache.get(isvTokenCacheKey(B), ns);
    expect(tokenA).toMatch(/^t-/);
    expect(tokenB).toMatch(/^t-/);
    fake.revokeTokens(B);
    const reply = await say(B_LIAISON, '帮助');
    expect(reply.tenantKey).toBe(B);
    const refused = fake.requests.filter((r) => r.code === 99991663);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    const newB = await rt.client.cache.get(isvTokenCacheKey(B), ns);
    expect(newB).toMatch(/^t-/);
    expect(newB).not.toBe(tokenB);
    expect(await rt.client.cache.get(isvTokenCacheKey(A), ns)).toBe(tokenA);
  });

  it('a scheduled job sends each tenant only its own tasks, with its own token', async () => {
    const since = fake.messages.length;
    const outcomes = await tickJobs(app, { jobs: ['reminders'], sender: rt.sender });
    const ran = outcomes.filter((o) => o.action === 'ran');
    expect(ran.map((o) => o.tenantId).sort()).toEqual(expect.arrayContaining([tenantA.id, tenantB.id]));
    const planned = ran.reduce((n, o) => n + o.report!.messages.length, 0);
    await waitFor(async () => (await ctx().prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: 'reminders:' }, status: 'sent' } })) === planned, 15_000);
    const sent = fake.messages.slice(since).filter((m) => m.sender.type === 'bot' && cardText(m).includes('临期提醒'));
    expect(sent).toHaveLength(planned);
    const toA = sent.filter((m) => m.tenantKey === A);
    const toB = sent.filter((m) => m.tenantKey === B);
    expect(toA.length).toBeGreaterThanOrEqual(1);
    expect(toB.length).toBeGreaterThanOrEqual(1);
    expect(toA.length + toB.length).toBe(sent.length);
    for (const m of toA) {
      expect(fake.tenantOfChat(m.chatId)).toBe(A);
      expect(cardText(m)).toContain(A_TITLE);
      expect(cardText(m)).not.toContain(B_TITLE);
    }
    for (const m of toB) {
      expect(fake.tenantOfChat(m.chatId)).toBe(B);
      expect(cardText(m)).toContain(B_TITLE);
      expect(cardText(m)).not.toContain(A_TITLE);
    }
    // Each tenant's reminder reached its own liaison.
    expect(toA.some((m) => m.peerOpenId === A_LIAISON)).toBe(true);
    expect(toB.some((m) => m.peerOpenId === B_LIAISON)).toBe(true);
    // Every message request of the run carried the token of the tenant it was for.
    const creates = fake.requestsFor('im.message.create', { ok: true }).slice(-planned);
    expect(creates.map((r) => r.tenantKey).sort()).toEqual(sent.map((m) => m.tenantKey).sort());
  });
});

describeEachDatabase('store app tenant binding', (ctx) => {
  const message = (tenantKey: string, openId: string, messageId: string) => ({
    tenantKey, eventId: `ev_${messageId}`, messageId, chatId: 'oc_p2p_x', chatType: 'p2p' as const, sender: { openId },
    text: '我的任务', mentionsBot: false, mentions: [], messageType: 'text', createdAt: new Date(),
  });

  it('self-built: the first tenant_key binds the default tenant; store app: it gets a tenant of its own', async () => {
    const prisma = ctx().prisma;
    // Self-built app (control): one tenant, the default one, is bound to the first tenant_key seen.
    const single = await testApp(ctx(), { tenantKey: 'local' });
    await createBotHandlers(single).onMessage(message('tk-self-built', 'ou_nobody_1', 'om_bind_1'));
    expect((await prisma.tenant.findMany()).map((t) => t.key)).toEqual(['tk-self-built']);

    // Store app: the default tenant stays as it is; the tenant_key becomes its own tenant.
    await prisma.tenant.update({ where: { key: 'tk-self-built' }, data: { key: 'local' } });
    const isv = await testApp(ctx(), { tenantKey: 'local', env: { FEISHU_APP_TYPE: 'isv' } });
    await createBotHandlers(isv).onMessage(message('tk-store-1', 'ou_nobody_2', 'om_bind_2'));
    expect((await prisma.tenant.findMany({ orderBy: { id: 'asc' } })).map((t) => [t.key, t.name])).toEqual([['local', 'local'], ['tk-store-1', 'tk-store-1']]);
    const replyRow = await prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'reply:om_bind_2' } });
    const stored = await prisma.tenant.findUniqueOrThrow({ where: { key: 'tk-store-1' } });
    expect(replyRow.tenantId).toBe(stored.id);
    expect(replyRow.content).toContain('还没有导入改革台账');
    // An event without a tenant_key is refused rather than filed under some tenant.
    await expect(createBotHandlers(isv).onMessage(message('', 'ou_nobody_3', 'om_bind_3'))).rejects.toThrow(/tenant_key/);
  });
});

describeEachDatabase('app_ticket on the webhook', (ctx) => {
  it('is verified like any event, cached only for this store app, and acknowledged without touching the inbox', async () => {
    const fake = await FakeFeishu.start({ appType: 'isv', redeliveryScheduleMs: [] });
    const feishu = {
      appId: fake.appId, appSecret: fake.appSecret, encryptKey: fake.encryptKey, verificationToken: fake.verificationToken, domain: fake.url,
      eventMode: 'webhook' as const, hasCredentials: true, wsSilentAfterSeconds: 300, wsPingTimeoutSeconds: 30,
    };
    const cache = new lark.DefaultCache();
    const bots = await Promise.all([
      // A self-built app ignores the push; a store app caches it; another app's ticket is not ours.
      createWebhookApp({ config: { feishu, webhookMaxSkewSeconds: 300 }, db: ctx(), handlers: recordingHandlers(), logger: silentLogger }),
      createWebhookApp({ config: { feishu, webhookMaxSkewSeconds: 300 }, db: ctx(), handlers: recordingHandlers(), logger: silentLogger, appTicketCache: cache, appId: fake.appId }),
      createWebhookApp({ config: { feishu, webhookMaxSkewSeconds: 300 }, db: ctx(), handlers: recordingHandlers(), logger: silentLogger, appTicketCache: cache, appId: 'cli_another_app' }),
    ].map((a) => serve(a)));
    try {
      const ticket = () => cache.get(lark.CAppTicket, { namespace: fake.appId });
      const inboxBefore = await ctx().prisma.inboxEvent.count();
      fake.eventUrl = `${bots[0]!.url}/feishu/events`;
      expect((await fake.pushAppTicket({ retry: false })).response).toEqual({});
      expect(await ticket()).toBeUndefined();
      fake.eventUrl = `${bots[2]!.url}/feishu/events`;
      expect((await fake.pushAppTicket({ retry: false })).acked).toBe(true);
      expect(await ticket()).toBeUndefined();
      fake.eventUrl = `${bots[1]!.url}/feishu/events`;
      expect((await fake.pushAppTicket({ retry: false })).acked).toBe(true);
      expect(await ticket()).toBe(fake.appTicket);
      // A forged push (wrong signature) is refused and changes nothing.
      const forged = await fetch(fake.eventUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Lark-Request-Timestamp': String(Math.floor(Date.now() / 1000)), 'X-Lark-Request-Nonce': 'n', 'X-Lark-Signature': 'bad' },
        body: JSON.stringify({ type: 'event_callback', token: fake.verificationToken, event: { type: 'app_ticket', app_id: fake.appId, app_ticket: 'forged' } }),
      });
      expect(forged.status).toBe(401);
      expect(await ticket()).toBe(fake.appTicket);
      expect(await ctx().prisma.inboxEvent.count()).toBe(inboxBefore);
    } finally {
      for (const b of bots) await b.close();
      await fake.close();
    }
  });
});

describe('fake Feishu as a store-app platform', () => {
  it('issues tokens per tenant from the app_ticket, and keeps each tenant inside its own chats, users and messages', async () => {
    const fake = await FakeFeishu.start({
      appType: 'isv',
      tenantKey: A,
      tenants: [{ tenantKey: A }, { tenantKey: B, botOpenId: 'ou_bot_as_seen_by_beiling000000' }],
      users: [{ openId: A_LIAISON, name: '袁媛', tenantKey: A }, { openId: B_LIAISON, name: '王芳', tenantKey: B }],
      chats: [{ chatId: A_GROUP, name: '城关街道工作群', memberOpenIds: [A_LIAISON], tenantKey: A }],
      redeliveryScheduleMs: [],
    });
    let pushes = 0;
    fake.on('app-ticket', () => pushes++);
    try {
      const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, appType: 'isv' });
      const send = (tenantKey: string, type: 'open_id' | 'chat_id', id: string) =>
        client.im.v1.message
          .create({ params: { receive_id_type: type }, data: { receive_id: id, msg_type: 'text', content: '{"text":"x"}' } }, lark.withTenantKey(tenantKey))
          .then((r) => ({ code: r.code, messageId: r.data?.message_id }), (e: { response?: { data?: { code?: number } } }) => ({ code: e.response?.data?.code, messageId: undefined }));
      // No ticket yet: no token (99991661), and the SDK asked Feishu to push one.
      expect((await send(A, 'open_id', A_LIAISON)).code).toBe(99991661);
      await waitFor(() => fake.requestsFor('auth.app_ticket.resend', { ok: true }).length > 0, 5_000);
      // Those pushes found no event URL here (none is set); once they are over, hand a ticket over
      // the way the event path would.
      await waitFor(() => pushes >= fake.requestsFor('auth.app_ticket.resend', { ok: true }).length, 5_000);
      await client.cache.set(lark.CAppTicket, fake.appTicket, undefined, { namespace: fake.appId });

      const okA = await send(A, 'open_id', A_LIAISON);
      expect(okA.code).toBe(0);
      expect(fake.getMessage(okA.messageId!)!.tenantKey).toBe(A);
      expect(fake.requestsFor('im.message.create', { ok: true }).at(-1)!.tenantKey).toBe(A);
      expect((await send(B, 'open_id', B_LIAISON)).code).toBe(0);
      // With B's token, A's group and A's people are out of reach.
      expect((await send(B, 'chat_id', A_GROUP)).code).toBe(230002);
      expect((await send(B, 'open_id', A_LIAISON)).code).toBe(230013);
      const replyAsB = await client.im.v1.message
        .reply({ path: { message_id: okA.messageId! }, data: { msg_type: 'text', content: '{"text":"y"}' } }, lark.withTenantKey(B))
        .then((r) => r.code, (e: { response?: { data?: { code?: number } } }) => e.response?.data?.code);
      expect(replyAsB).toBe(230001);
      // Each tenant sees the bot under its own open_id.
      expect(await getBotOpenId(client, A)).toBe(fake.bot.openId);
      expect(await getBotOpenId(client, B)).toBe('ou_bot_as_seen_by_beiling000000');
      // Tokens differ per tenant; a ticket two pushes old no longer buys an app_access_token.
      expect(await client.cache.get(isvTokenCacheKey(A), { namespace: fake.appId })).not.toBe(await client.cache.get(isvTokenCacheKey(B), { namespace: fake.appId }));
      const stale = fake.appTicket!;
      await fake.pushAppTicket({ retry: false });
      await fake.pushAppTicket({ retry: false });
      const res = await fetch(`${fake.url}/open-apis/auth/v3/app_access_token`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ app_id: fake.appId, app_secret: fake.appSecret, app_ticket: stale }),
      });
      expect(((await res.json()) as { code: number }).code).not.toBe(0);
    } finally {
      await fake.close();
    }
  });
});
