// The 任务交办单 of one import as one card per recipient, over the signed webhook against the fake
// Feishu, on SQLite and PostgreSQL: the liaison and the unit group each get ONE card listing the
// new tasks; dispatching again sends nothing; 签收 on one item re-renders the card; someone of
// another unit is refused; 「全部签收」 signs the rest once, audited per task.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/app.js';
import { createBotHandlers, dispatchTasks } from '../../src/chat/handlers.js';
import { demoDirectory } from '../../src/demo/directory.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import { testApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { startBotOnFake, waitFor } from '../feishu/helpers.js';

const LIAISON = 'ou_demo_chengguan_liaison';
const GROUP = 'oc_demo_chengguan';
const OTHER = 'ou_demo_shibao_liaison';
const headerOf = (m: FakeMessage | undefined) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';

describeEachDatabase('batched 任务交办单', (ctx) => {
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let app: AppContext;
  let tenantId: number;
  let ids: number[];

  beforeAll(async () => {
    fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: [60_000] });
    app = await testApp(ctx(), { tenantKey: fake.tenantKey });
    tenantId = app.defaultTenant.id;
    const imported = await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK]);
    if (!imported.ok) throw new Error('demo import failed');
    const unit = await ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name: '城关街道' } });
    const tasks = await ctx().prisma.task.findMany({ where: { tenantId }, orderBy: { id: 'asc' }, take: 4 });
    ids = tasks.map((t) => t.id);
    await ctx().prisma.task.updateMany({ where: { id: { in: ids } }, data: { leadUnitId: unit.id, status: '待签收' } });
    ({ rt } = await startBotOnFake(fake, { db: ctx(), handlers: createBotHandlers(app) }));
  });
  afterAll(async () => {
    await rt?.stop();
    await fake?.close();
  });

  it('one card per recipient, exactly once; 签收 one, refuse another unit, 全部签收 the rest', async () => {
    expect(await dispatchTasks(app, tenantId, ids)).toBe(2);
    expect(await dispatchTasks(app, tenantId, ids)).toBe(0);
    const card = await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '任务交办单（4 项）'), 8_000);
    await waitFor(() => fake.botMessages({ chatId: GROUP }).find((m) => headerOf(m) === '任务交办单（4 项）'), 8_000);
    expect(fake.botMessages({ openId: LIAISON })).toHaveLength(1);
    expect(JSON.stringify(card.content)).toContain('全部签收（4 项）');

    const one = await fake.clickCard({ messageId: card.messageId, operatorOpenId: LIAISON, value: { a: 'sign_batch', t: ids[0], ts: ids } });
    expect(one.toast).toMatchObject({ type: 'success' });
    expect((await ctx().prisma.task.findUniqueOrThrow({ where: { id: ids[0]! } })).status).toBe('推进中');
    expect(JSON.stringify(fake.getMessage(card.messageId)!.content)).toContain('全部签收（3 项）');

    const forged = await fake.clickCard({ messageId: card.messageId, operatorOpenId: OTHER, value: { a: 'sign_all', ts: ids } });
    expect(forged.toast).toMatchObject({ type: 'error' });
    expect(await ctx().prisma.task.count({ where: { id: { in: ids }, status: '待签收' } })).toBe(3);

    const all = await fake.clickCard({ messageId: card.messageId, operatorOpenId: LIAISON, value: { a: 'sign_all', ts: ids } });
    expect(all.toast).toMatchObject({ type: 'success', content: '已全部签收（3 项）' });
    expect(await ctx().prisma.task.count({ where: { id: { in: ids }, status: '推进中' } })).toBe(4);
    expect(headerOf(fake.getMessage(card.messageId))).toBe('任务交办单（4 项）');
    expect(JSON.stringify(fake.getMessage(card.messageId)!.content)).not.toContain('sign_all');
    for (const id of ids) expect(await ctx().prisma.auditLog.count({ where: { tenantId, entity: 'task', entityId: String(id), action: 'update' } })).toBe(1);
    const again = await fake.clickCard({ messageId: card.messageId, operatorOpenId: LIAISON, value: { a: 'sign_all', ts: ids } });
    expect(again.toast).toMatchObject({ type: 'info' });
  });
});
