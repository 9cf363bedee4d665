// Regression (found by a breaker run): the identical-report window swallows a genuine re-report of 完成 after the office sent it back (退回).
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { findActorByOpenId, findTaskByCode, submitReport, transitionTask, type LedgerActor, type TaskRecord } from '../../src/ledger/actions.js';
import { FixedClock } from '../../src/clock.js';

describeEachDatabase('regression: 完成 after 退回 within the identical window', (ctx) => {
  let tenantId: number;
  let liaison: LedgerActor;
  let office: LedgerActor;
  const load = async (): Promise<TaskRecord> => {
    const found = await findTaskByCode(ctx().prisma, tenantId, 'qy-2026-011');
    if (!found.ok) throw new Error(found.reason);
    return found.task;
  };
  beforeAll(async () => {
    tenantId = (await ensureTenant(ctx().prisma, 'window')).id;
    if (!(await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK])).ok) throw new Error('demo import failed');
    liaison = (await findActorByOpenId(ctx().prisma, tenantId, 'ou_demo_shibao_liaison'))!;
    office = (await findActorByOpenId(ctx().prisma, tenantId, 'ou_demo_office_zhou'))!;
    expect(office.roles).toContain('ADMIN');
  });

  it('a second 完成 (same words) after 退回 moves the task to 待销号 again', async () => {
    const at = (s: string) => new FixedClock(new Date(`2026-11-30T03:0${s}Z`));
    let task = await load();
    if (task.status === '待签收') {
      const signed = await transitionTask(ctx().prisma, at('0:00'), liaison, task, '签收');
      expect(signed.ok).toBe(true);
      task = await load();
    }
    expect(task.status).toBe('推进中');
    const first = await submitReport(ctx().prisma, at('1:00'), liaison, task, { kind: '完成', text: '已全部完成', source: 'chat', sourceRef: 'msg:done-1' });
    expect(first).toMatchObject({ ok: true, statusChanged: true });
    const back = await transitionTask(ctx().prisma, at('2:00'), office, await load(), '退回', { reason: '请补充材料' });
    expect(back.ok).toBe(true);
    expect((await load()).status).toBe('推进中');
    // The liaison sends the completion again (a new message), three minutes after the first.
    const again = await submitReport(ctx().prisma, at('4:00'), liaison, await load(), { kind: '完成', text: '已全部完成', source: 'chat', sourceRef: 'msg:done-2' });
    expect(again.ok).toBe(true);
    expect((await load()).status).toBe('待销号');
  });
});
