// Issue 13, people change: a user who left (230013 on a send) becomes inactive and the office is
// told ONCE, naming the unit's remaining liaisons (or that it has none); a person marked 离岗 in
// the 人员 sheet's 状态 column, or missing from a re-imported 人员 sheet, becomes inactive with
// their history kept. Real bot against the fake, SQLite and PostgreSQL.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { waitFor, sleep } from '../feishu/helpers.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { DEMO_WORKBOOK, editedDemoWorkbook } from '../helpers/workbooks.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { createBotHandlers, dispatchTasks } from '../../src/chat/handlers.js';
import { startBot } from '../../src/bot.js';
import type { AppContext } from '../../src/app.js';

const SHIBAO_LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
const OFFICE_GROUP = 'oc_demo_office';
const headerOf = (m: FakeMessage | undefined) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';
const textOf = (m: FakeMessage | undefined) => JSON.stringify(m?.content ?? null);

describeEachDatabase('people change', (ctx) => {
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let app: AppContext;
  let tenantId: number;

  beforeAll(async () => {
    fake = await FakeFeishu.start({ ...demoDirectory() });
    app = await testApp(ctx(), {
      tenantKey: fake.tenantKey,
      env: { FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_ENCRYPT_KEY: fake.encryptKey!, FEISHU_VERIFICATION_TOKEN: fake.verificationToken, FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: 'webhook' },
    });
    tenantId = app.defaultTenant.id;
    if (!(await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK])).ok) throw new Error('demo import failed');
    rt = await startBot(app, createBotHandlers(app), app.config, { port: 0, host: '127.0.0.1' });
    fake.eventUrl = `http://127.0.0.1:${(rt.server!.address() as AddressInfo).port}/feishu/events`;
  });
  afterAll(async () => {
    await rt?.stop();
    await fake?.close();
  });

  it('a user who left: inactive, ONE office notice naming what the unit has left', async () => {
    fake.users.get(SHIBAO_LIAISON)!.status = 'resigned';
    const shibao = await ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name: '石堡镇' } });
    const others = await ctx().prisma.person.findMany({ where: { tenantId, unitId: shibao.id, active: true, roles: { contains: 'LIAISON' }, NOT: { openId: SHIBAO_LIAISON } } });
    const task = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, leadUnitId: shibao.id } });
    await ctx().prisma.task.update({ where: { id: task.id }, data: { status: '待签收' } });
    await dispatchTasks(app, tenantId, [task.id]);
    const notices = () => fake.botMessages({ chatId: OFFICE_GROUP }).filter((m) => headerOf(m).startsWith('消息未能送达') && textOf(m).includes('程功'));
    await waitFor(() => notices().length === 1, 10_000);
    expect(textOf(notices()[0])).toContain('已在台账中停用程功');
    expect(textOf(notices()[0])).toContain(others.length ? `石堡镇现有联络员：${others.map((o) => o.name).join('、')}` : '石堡镇现在没有联络员');
    expect((await ctx().prisma.person.findFirstOrThrow({ where: { tenantId, openId: SHIBAO_LIAISON } })).active).toBe(false);
    // Another message to him: no second notice.
    await ctx().prisma.outboxMessage.create({ data: { tenantId, dedupeKey: 'to-departed', uuid: 'to-departed', kind: 'send', receiveIdType: 'open_id', receiveId: SHIBAO_LIAISON, msgType: 'text', content: JSON.stringify({ text: '提醒' }), nextAttemptAt: new Date(0) } });
    rt.sender.wake();
    await waitFor(async () => (await ctx().prisma.outboxMessage.findFirst({ where: { dedupeKey: 'to-departed' } }))?.status === 'failed', 8_000);
    await sleep(300);
    expect(notices()).toHaveLength(1);
  });

  it('离岗 in 状态, or left out of a re-imported 人员 sheet → inactive, history kept; listed again → active', async () => {
    const edited = await editedDemoWorkbook((wb) => {
      const ws = wb.getWorksheet('人员')!;
      const col = ws.getRow(1).cellCount + 1;
      ws.getRow(1).getCell(col).value = '状态';
      let removed = false;
      ws.eachRow((row, i) => {
        if (i === 1) return;
        if (row.getCell(1).value === '王建国') row.getCell(col).value = '离岗';
        if (row.getCell(1).value === '李红梅' && !removed) {
          ws.spliceRows(i, 1);
          removed = true;
        }
      });
    });
    const r = await importLedger(ctx().prisma, tenantId, [edited]);
    expect(r.ok).toBe(true);
    const person = (name: string) => ctx().prisma.person.findFirstOrThrow({ where: { tenantId, name } });
    expect((await person('王建国')).active).toBe(false);
    expect((await person('李红梅')).active).toBe(false);
    expect(await ctx().prisma.auditLog.count({ where: { tenantId, entity: 'person', entityId: String((await person('李红梅')).id) } })).toBeGreaterThan(1);
    expect((await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK])).ok).toBe(true);
    expect((await person('王建国')).active).toBe(true);
    expect((await person('李红梅')).active).toBe(true);
  });
});
