// Issue 13, an unregistered sender: a person imported with a mobile only, whom batch_get_id could
// not find at import or start (the directory did not have that number yet), writes to the bot. The
// bot asks the contact API who the sender is (contact/v3/users/:user_id, user_id_type=open_id),
// binds them to the one active person with that mobile and no 飞书账号, and answers `我的任务` as
// them — the office hears nothing. Without the phone scope (or with a number the ledger does not
// have) nobody is bound and the office hears once, as before. Real bot against the fake, both databases.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { waitFor, sleep } from '../feishu/helpers.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { columnIndex, editedDemoWorkbook } from '../helpers/workbooks.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { createBotHandlers, dispatchTasks } from '../../src/chat/handlers.js';
import { startBot } from '../../src/bot.js';
import type { AppContext } from '../../src/app.js';

const CHENG_GONG = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
const CHENG_MOBILE = '13800009901';
const DU_JUAN = '杜鹃'; // 石堡镇, bound only once the phone scope is granted
const DU_MOBILE = '13800009902';
const PAN_QIANG = 'ou_demo_shibao_head'; // 潘强, 石堡镇 一把手: clicks a card in the unit group
const PAN_MOBILE = '13800009903';
const OFFICE_GROUP = 'oc_demo_office';
const SHIBAO_GROUP = 'oc_demo_shibao';
const headerOf = (m: FakeMessage | undefined) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';
const textOf = (m: FakeMessage | undefined) => JSON.stringify(m?.content ?? null);

describeEachDatabase('an unregistered sender bound by the directory', (ctx) => {
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let app: AppContext;
  let tenantId: number;
  let counter = 0;
  let duOpenId: string;

  async function say(openId: string, text: string) {
    const messageId = `om_bind_${Date.now()}_${counter++}`;
    const r = await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId });
    expect(r.acked).toBe(true);
    return waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 10_000);
  }
  const unregisteredNotices = (openId: string) => fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => headerOf(m) === '有未登记人员使用台账机器人' && textOf(m).replaceAll('&#95;', '_').includes(openId));

  beforeAll(async () => {
    const dir = demoDirectory();
    duOpenId = dir.users.find((u) => u.name === DU_JUAN)!.openId;
    // The directory does not know either number yet.
    fake = await FakeFeishu.start({ ...dir });
    app = await testApp(ctx(), {
      tenantKey: fake.tenantKey,
      env: { FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_ENCRYPT_KEY: fake.encryptKey!, FEISHU_VERIFICATION_TOKEN: fake.verificationToken, FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: 'webhook' },
    });
    tenantId = app.defaultTenant.id;
    // 程功 and 杜鹃 with a mobile and no 飞书ID.
    const workbook = await editedDemoWorkbook((wb) => {
      const ws = wb.getWorksheet('人员')!;
      const [m, id] = ['手机', '飞书ID'].map((h) => columnIndex(wb, '人员', h));
      ws.eachRow((row, i) => {
        if (i === 1) return;
        const name = String(row.getCell(1).value);
        if (name === '程功') (row.getCell(id!).value = null), (row.getCell(m!).value = CHENG_MOBILE);
        if (name === DU_JUAN) (row.getCell(id!).value = null), (row.getCell(m!).value = DU_MOBILE);
        if (name === '潘强') (row.getCell(id!).value = null), (row.getCell(m!).value = PAN_MOBILE);
      });
    });
    if (!(await importLedger(ctx().prisma, tenantId, [workbook])).ok) throw new Error('import failed');
    rt = await startBot(app, createBotHandlers(app), app.config, { port: 0, host: '127.0.0.1' });
    fake.eventUrl = `http://127.0.0.1:${(rt.server!.address() as AddressInfo).port}/feishu/events`;
    // The start-up directory run found neither (the office got its 「无法联系」 card).
    await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m).endsWith('人无法联系')), 10_000);
    const unbound = await ctx().prisma.person.findMany({ where: { tenantId, name: { in: ['程功', DU_JUAN, '潘强'] } } });
    expect(unbound.map((p) => p.openId)).toEqual([null, null, null]);
  });
  afterAll(async () => {
    await rt?.stop();
    await fake?.close();
  });

  it('the directory now has the number: the sender is bound and `我的任务` answers as them; the office hears nothing', async () => {
    fake.users.get(CHENG_GONG)!.mobile = `+86${CHENG_MOBILE}`;
    const reply = await say(CHENG_GONG, '我的任务');
    expect(textOf(reply)).not.toContain('还没有登记');
    const shibao = await ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name: '石堡镇' } });
    const led = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, leadUnitId: shibao.id }, orderBy: { id: 'asc' } });
    expect(textOf(reply)).toContain(led.title.slice(0, 8));
    const person = await ctx().prisma.person.findFirstOrThrow({ where: { tenantId, name: '程功' } });
    expect(person.openId).toBe(CHENG_GONG);
    const audit = await ctx().prisma.auditLog.findFirstOrThrow({ where: { tenantId, entity: 'person', entityId: String(person.id), actor: 'feishu-directory' }, orderBy: { id: 'desc' } });
    expect(audit.after).toContain('本人发消息时按飞书通讯录中的手机号找到');
    // The contact API was asked once; the next message needs no lookup.
    expect(fake.requestsFor('contact.user.get', { ok: true })).toHaveLength(1);
    await say(CHENG_GONG, '我的任务');
    expect(fake.requestsFor('contact.user.get')).toHaveLength(1);
    await sleep(300);
    expect(unregisteredNotices(CHENG_GONG)).toHaveLength(0);
  });

  it('without the phone scope nobody is bound and the office hears once; granted, the next message binds', async () => {
    fake.users.get(duOpenId)!.mobile = DU_MOBILE;
    fake.lackScopes.add('contact:user.phone:readonly');
    for (const _ of [1, 2]) expect(textOf(await say(duOpenId, '我的任务'))).toContain('还没有登记');
    await waitFor(() => unregisteredNotices(duOpenId).length === 1, 8_000);
    expect((await ctx().prisma.person.findFirstOrThrow({ where: { tenantId, name: DU_JUAN } })).openId).toBeNull();

    fake.lackScopes.delete('contact:user.phone:readonly');
    expect(textOf(await say(duOpenId, '我的任务'))).not.toContain('还没有登记');
    expect((await ctx().prisma.person.findFirstOrThrow({ where: { tenantId, name: DU_JUAN } })).openId).toBe(duOpenId);
    await sleep(300);
    expect(unregisteredNotices(duOpenId)).toHaveLength(1);
  });

  it('a number nobody in the ledger has: not bound, the office hears once', async () => {
    const stranger = 'ou_bind_stranger_1';
    fake.users.set(stranger, { openId: stranger, userId: 'u_bind_stranger', unionId: 'on_bind_stranger', name: '路人甲', mobile: '13911112222' });
    expect(textOf(await say(stranger, '我的任务'))).toContain('还没有登记');
    await waitFor(() => unregisteredNotices(stranger).length === 1, 8_000);
    expect(await ctx().prisma.person.count({ where: { tenantId, openId: stranger } })).toBe(0);
  });

  it('a card clicked in the unit group by someone not yet bound: bound the same way, the click is theirs', async () => {
    fake.users.get(PAN_QIANG)!.mobile = PAN_MOBILE;
    const shibao = await ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name: '石堡镇' } });
    expect(shibao.chatId).toBe(SHIBAO_GROUP);
    const task = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, leadUnitId: shibao.id }, orderBy: { id: 'asc' } });
    await ctx().prisma.task.update({ where: { id: task.id }, data: { status: '待签收' } });
    await dispatchTasks(app, tenantId, [task.id]);
    const card = await waitFor(() => fake.botMessages({ chatId: SHIBAO_GROUP }).find((m) => headerOf(m) === '任务交办单'), 10_000);
    const res = await fake.clickCard({ messageId: card.messageId, operatorOpenId: PAN_QIANG, value: { a: 'sign', t: task.id } });
    expect(res.response).toMatchObject({ toast: { type: 'success', content: '已签收' } });
    expect((await ctx().prisma.task.findUniqueOrThrow({ where: { id: task.id } })).status).not.toBe('待签收');
    expect((await ctx().prisma.person.findFirstOrThrow({ where: { tenantId, name: '潘强' } })).openId).toBe(PAN_QIANG);
  });
});
