// A case form submitted twice (two clicks, or the still-open form sent again) is one case; a
// different case from the same unit is a second one — on both databases.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/db.js';
import { DEMO_WORKBOOK } from '../../helpers/workbooks.js';
import { importLedger } from '../../../src/ledger/import/index.js';
import { ensureTenant } from '../../../src/db/repos/tenants.js';
import { findActorByOpenId, type LedgerActor } from '../../../src/ledger/actions.js';
import { caseFormSchema, submitCase } from '../../../src/pilot/cases.js';
import { FixedClock } from '../../../src/clock.js';

describeEachDatabase('case form submitted twice', (ctx) => {
  let tenantId: number;
  let liaison: LedgerActor;
  beforeAll(async () => {
    tenantId = (await ensureTenant(ctx().prisma, 'case-twice')).id;
    if (!(await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK])).ok) throw new Error('demo import failed');
    liaison = (await findActorByOpenId(ctx().prisma, tenantId, 'ou_demo_shibao_liaison'))!;
  });

  it('the same case from two clicks is recorded once; another case is a second one', async () => {
    const clock = new FixedClock(new Date('2026-11-30T02:00:00Z'));
    const form = caseFormSchema.parse({ title: '石堡镇“一窗通办”', background: '群众办事多头跑', actions: '设立综合窗口，一窗受理', results: '办理时间缩短 60%' });
    const after = async () => undefined;
    const first = await submitCase(ctx().prisma, clock, liaison, '2026-11-30', form, 'card:click-1', after);
    const second = await submitCase(ctx().prisma, clock, liaison, '2026-11-30', form, 'card:click-2', after);
    expect(first).toMatchObject({ ok: true, created: true });
    expect(second).toMatchObject({ ok: true, created: false });
    if (!first.ok || !second.ok) return;
    expect(second.row.id).toBe(first.row.id);
    const other = await submitCase(ctx().prisma, clock, liaison, '2026-11-30', { ...form, title: '石堡镇“积分制”治理' }, 'card:click-3', after);
    expect(other).toMatchObject({ ok: true, created: true });
    expect(await ctx().prisma.typicalCase.count({ where: { tenantId } })).toBe(2);
  });
});
