// Twice at once is once: the same message delivered twice concurrently, two 立项 / 挂帅 / 揭榜 clicks
// racing — the database guards (unique keys, status-guarded claims) let exactly one through.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { at, demoTenant } from '../jobs/helpers.js';
import { FixedClock } from '../../src/clock.js';
import { loadLoopDemo } from '../../src/demo/loop.js';
import { findActorByOpenId, type LedgerActor } from '../../src/ledger/actions.js';
import { createSuggestion } from '../../src/loop/suggestions.js';
import { launchItem, loadReserve } from '../../src/loop/reserve.js';
import { applyToCall, loadCall, pickApplication } from '../../src/loop/calls.js';
import type { TenantRef } from '../../src/db/repos/tenants.js';

describeEachDatabase('reform loop: races', (ctx) => {
  let tenant: TenantRef;
  let office: LedgerActor, liaison: LedgerActor, other: LedgerActor;
  const clock = new FixedClock(at('2026-11-23'));
  const db = () => ctx().prisma;
  beforeAll(async () => {
    tenant = await demoTenant(db(), 'tk-loop-races');
    await loadLoopDemo(db(), tenant.id, at('2026-11-20', '08:00'));
    office = (await findActorByOpenId(db(), tenant.id, 'ou_demo_office_zhou'))!;
    liaison = (await findActorByOpenId(db(), tenant.id, 'ou_demo_chengguan_liaison'))!;
    other = (await findActorByOpenId(db(), tenant.id, 'ou_demo_nongye_liaison'))!;
  });

  it('one suggestion from a message delivered twice at once; distinct messages get distinct numbers', async () => {
    const input = { title: '推行河长制积分', proposal: '积分兑换', sourceRef: 'msg:om_race_1' };
    const [a, b] = await Promise.all([createSuggestion(db(), clock, liaison, input), createSuggestion(db(), clock, liaison, input)]);
    expect(a.ok && b.ok && a.suggestion.id === b.suggestion.id).toBe(true);
    expect([a, b].filter((r) => r.ok && r.duplicate)).toHaveLength(1);
    const many = await Promise.all([1, 2, 3, 4].map((i) => createSuggestion(db(), clock, other, { title: `建议${i}`, proposal: `举措${i}`, sourceRef: `msg:om_race_n${i}` })));
    const numbers = many.map((r) => (r.ok ? r.suggestion.number : ''));
    expect(new Set(numbers).size).toBe(4);
  });

  it('two 立项 at once make one task', async () => {
    const row = await db().reserveItem.findFirstOrThrow({ where: { tenantId: tenant.id, status: '审查通过' } });
    const item = (await loadReserve(db(), tenant.id, row.id))!;
    const input = { title: item.title, category: '小切口改革', leadUnitId: liaison.unitId!, leaderIds: [], coUnitIds: [], deadline: '2027-06-30', milestones: [] };
    const results = await Promise.all([launchItem(db(), clock, office, item, input), launchItem(db(), clock, office, item, input)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db().task.count({ where: { tenantId: tenant.id, title: item.title } })).toBe(1);
  });

  it('two 揭榜 by one unit at once are one application; two 挂帅 at once make one task', async () => {
    const callRow = await db().openCall.findFirstOrThrow({ where: { tenantId: tenant.id } });
    await db().openCall.update({ where: { id: callRow.id }, data: { deadline: '2026-12-31' } });
    const call = (await loadCall(db(), tenant.id, callRow.id))!;
    const app = { plan: '发展林下经济', teamLead: '农业局', expected: '增收' };
    const applied = await Promise.all([applyToCall(db(), clock, other, call, app), applyToCall(db(), clock, other, call, app)]);
    expect(applied.filter((r) => r.ok)).toHaveLength(1);
    expect(await db().callApplication.count({ where: { callId: call.id } })).toBe(3);
    const now = (await loadCall(db(), tenant.id, call.id))!;
    const picks = await Promise.all([pickApplication(db(), clock, office, now, now.applications[0]!.id, '2027-12-31'), pickApplication(db(), clock, office, now, now.applications[1]!.id, '2027-12-31')]);
    expect(picks.filter((r) => r.ok)).toHaveLength(1);
    expect(await db().task.count({ where: { tenantId: tenant.id, title: call.title } })).toBe(1);
    expect((await db().callApplication.findMany({ where: { callId: call.id } })).filter((a) => a.status === '已挂帅')).toHaveLength(1);
  });
});
