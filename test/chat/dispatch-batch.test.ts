// The 任务交办单 of one import as one card per recipient, over the signed webhook against the fake
// Feishu, on SQLite and PostgreSQL: the liaison and the unit group each get ONE card listing the
// new tasks; dispatching again sends nothing; 签收 on one item re-renders the card; someone of
// another unit is refused; 「全部签收」 signs the rest once, audited per task.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/app.js';
import { dispatchTasks } from '../../src/chat/handlers.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import { type ChatBed, headerOf, startChatBed } from './bed.js';

const LIAISON = 'ou_demo_chengguan_liaison';
const GROUP = 'oc_demo_chengguan';
const OTHER = 'ou_demo_shibao_liaison';

describeEachDatabase('batched 任务交办单', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let app: AppContext;
  let tenantId: number;
  let ids: number[];

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, app, tenantId } = bed);
    const unit = await ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name: '城关街道' } });
    const tasks = await ctx().prisma.task.findMany({ where: { tenantId }, orderBy: { id: 'asc' }, take: 4 });
    ids = tasks.map((t) => t.id);
    await ctx().prisma.task.updateMany({ where: { id: { in: ids } }, data: { leadUnitId: unit.id, status: '待签收' } });
  });
  afterAll(() => bed?.close());

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
