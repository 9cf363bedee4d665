// Issue 13, groups: the bot added to a group (im.chat.member.bot.added_v1) records it and tells
// the office; 「绑定 石堡镇」 in the group binds it and the unit's cards go there; a group named as
// the unit's 工作群 in the sheet binds itself; 「群列表」 lists them; removed from a group
// (im.chat.member.bot.deleted_v1, or 230002 on a send) → unbound, ONE office notice, nothing more
// sent there. Real bot (src/bot.ts) against the fake over HTTP, SQLite and PostgreSQL.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { waitFor, sleep } from '../feishu/helpers.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { createBotHandlers, dispatchTasks } from '../../src/chat/handlers.js';
import { startBot } from '../../src/bot.js';
import type { AppContext } from '../../src/app.js';

const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办 (ADMIN)
const SHIBAO_LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
const OFFICE_GROUP = 'oc_demo_office';
const NEW_GROUP = 'oc_new_shibao';
const headerOf = (m: FakeMessage | undefined) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';
const textOf = (m: FakeMessage | undefined) => JSON.stringify(m?.content ?? null);

describeEachDatabase('groups', (ctx) => {
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let app: AppContext;
  let tenantId: number;

  beforeAll(async () => {
    fake = await FakeFeishu.start({ ...demoDirectory() });
    app = await testApp(ctx(), {
      tenantKey: fake.tenantKey,
      env: {
        FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_ENCRYPT_KEY: fake.encryptKey!,
        FEISHU_VERIFICATION_TOKEN: fake.verificationToken, FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: 'webhook',
      },
    });
    tenantId = app.defaultTenant.id;
    const imported = await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK]);
    if (!imported.ok) throw new Error('demo import failed');
    rt = await startBot(app, createBotHandlers(app), app.config, { port: 0, host: '127.0.0.1' });
    const { port } = rt.server!.address() as AddressInfo;
    fake.eventUrl = `http://127.0.0.1:${port}/feishu/events`;
    fake.cardUrl = `http://127.0.0.1:${port}/feishu/cards`;
  });
  afterAll(async () => {
    await rt?.stop();
    await fake?.close();
  });

  let n = 0;
  async function say(openId: string, text: string, chatId?: string) {
    const messageId = `om_groups_${Date.now()}_${n++}`;
    await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) });
    return waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000);
  }
  const officeNotices = (title: string) => fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => headerOf(m) === title);
  const unit = (name: string) => ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name } });

  it('added → recorded, office told; 绑定 by the office binds it and the unit\'s cards go there; 群列表 lists it', async () => {
    fake.addChat({ chatId: NEW_GROUP, name: '石堡镇改革专班', memberOpenIds: [OFFICE, SHIBAO_LIAISON], botIsMember: false });
    expect((await fake.addBotToChat(NEW_GROUP, OFFICE)).acked).toBe(true);
    await waitFor(() => officeNotices('机器人已加入新群').length === 1, 8_000);
    expect(textOf(officeNotices('机器人已加入新群')[0])).toContain('石堡镇改革专班');
    expect(await ctx().prisma.feishuChat.findFirst({ where: { tenantId, chatId: NEW_GROUP } })).toMatchObject({ name: '石堡镇改革专班', removedAt: null });

    // A liaison may not bind; the office may.
    expect(textOf(await say(SHIBAO_LIAISON, '绑定 石堡镇', NEW_GROUP))).toContain('只有县委改革办或石堡镇的一把手');
    expect(textOf(await say(OFFICE, '绑定 石堡镇', NEW_GROUP))).toContain('已将本群绑定为「石堡镇」工作群');
    expect((await unit('石堡镇')).chatId).toBe(NEW_GROUP);
    expect(await ctx().prisma.auditLog.count({ where: { tenantId, entity: 'unit', action: 'update' } })).toBeGreaterThan(0);

    // The unit's 任务交办单 goes to the bound group.
    const task = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, leadUnitId: (await unit('石堡镇')).id } });
    await ctx().prisma.task.update({ where: { id: task.id }, data: { status: '待签收' } });
    expect(await dispatchTasks(app, tenantId, [task.id])).toBeGreaterThan(0);
    await waitFor(() => fake.botMessages({ chatId: NEW_GROUP }).find((m) => headerOf(m) === '任务交办单'), 8_000);

    const list = await say(OFFICE, '群列表');
    expect(textOf(list)).toContain('石堡镇改革专班（oc_new_shibao）：已绑定 石堡镇');
  });

  it('a group named as a unit\'s 工作群 in the sheet is bound automatically, and said so', async () => {
    await ctx().prisma.unit.update({ where: { id: (await unit('城关街道')).id }, data: { chatName: '城关街道改革群', chatId: null } });
    await fake.addBotToChat('oc_cg_named', OFFICE, '城关街道改革群');
    await waitFor(() => fake.botMessages({ chatId: 'oc_cg_named' }).find((m) => headerOf(m) === '本群已绑定为单位工作群'), 8_000);
    expect((await unit('城关街道')).chatId).toBe('oc_cg_named');
    await waitFor(() => officeNotices('工作群已自动绑定：城关街道').length === 1, 8_000);
  });

  it('a group bound by id without a bot-added event: 群列表 asks the chat API for its name and keeps it; a refusal says why', async () => {
    const [a, b] = await ctx().prisma.unit.findMany({ where: { tenantId, chatId: null, name: { notIn: ['石堡镇', '城关街道'] } }, orderBy: { id: 'asc' }, take: 2 });
    fake.addChat({ chatId: 'oc_by_id_named', name: '按ID绑定的专班群', memberOpenIds: [OFFICE], botIsMember: true });
    fake.addChat({ chatId: 'oc_by_id_gone', name: '机器人不在的群', memberOpenIds: [OFFICE], botIsMember: false });
    await ctx().prisma.unit.update({ where: { id: a!.id }, data: { chatId: 'oc_by_id_named' } });
    await ctx().prisma.unit.update({ where: { id: b!.id }, data: { chatId: 'oc_by_id_gone' } });
    const before = fake.requestsFor('im.chat.get').length;
    const list = textOf(await say(OFFICE, '群列表'));
    expect(list).toContain(`按ID绑定的专班群（oc_by_id_named）：已绑定 ${a!.name}`);
    // chat/get-2 answers 232011 when the bot is not in the chat.
    expect(list).toContain(`（群名未获取：机器人不在该群中）（oc_by_id_gone）：已绑定 ${b!.name}`);
    expect(list).not.toContain('未知群名');
    expect(await ctx().prisma.feishuChat.findFirst({ where: { tenantId, chatId: 'oc_by_id_named' } })).toMatchObject({ name: '按ID绑定的专班群' });
    // Remembered: the next 群列表 asks again only for the one refused.
    const asked = fake.requestsFor('im.chat.get').length - before;
    await say(OFFICE, '群列表');
    expect(fake.requestsFor('im.chat.get').length - before - asked).toBe(1);
    await ctx().prisma.unit.update({ where: { id: b!.id }, data: { chatId: null } });
  });

  it('removed (event) → unbound, ONE office notice, later sends there are not repeated', async () => {
    await fake.botRemovedFromChat(NEW_GROUP, OFFICE);
    await waitFor(async () => (await unit('石堡镇')).chatId === null, 8_000);
    await waitFor(() => officeNotices('机器人已不在群「石堡镇改革专班」').length === 1, 8_000);
    expect(textOf(officeNotices('机器人已不在群「石堡镇改革专班」')[0])).toContain('绑定 石堡镇');
    // A card queued for the group before the unbinding meets 230002: no second notice.
    await ctx().prisma.outboxMessage.create({ data: { tenantId, dedupeKey: 'late-to-removed-group', uuid: 'late-to-removed-group', kind: 'send', receiveIdType: 'chat_id', receiveId: NEW_GROUP, msgType: 'text', content: JSON.stringify({ text: '迟到的消息' }), nextAttemptAt: new Date(0) } });
    rt.sender.wake();
    await waitFor(async () => (await ctx().prisma.outboxMessage.findFirst({ where: { dedupeKey: 'late-to-removed-group' } }))?.status === 'failed', 8_000);
    await sleep(300);
    expect(officeNotices('机器人已不在群「石堡镇改革专班」')).toHaveLength(1);
    expect(fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => headerOf(m).startsWith('消息未能送达'))).toHaveLength(0);
  });

  it('removed silently (230002 on a send) → unbound, ONE office notice', async () => {
    fake.removeBotFromChat('oc_cg_named');
    const task = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, leadUnitId: (await unit('城关街道')).id, status: '待签收' } });
    await ctx().prisma.outboxMessage.deleteMany({ where: { tenantId, dedupeKey: { startsWith: `dispatch:${task.id}:` } } });
    await dispatchTasks(app, tenantId, [task.id]);
    await waitFor(async () => (await unit('城关街道')).chatId === null, 10_000);
    const notices = () => fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => headerOf(m).startsWith('消息未能送达') && textOf(m).includes('230002'));
    await waitFor(() => notices().length === 1, 8_000);
    expect(textOf(notices()[0])).toContain('绑定 城关街道');
    await sleep(300);
    expect(notices()).toHaveLength(1);
  });
});
