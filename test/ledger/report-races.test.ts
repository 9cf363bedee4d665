// submitReport's guarantees, written in raw SQL for speed (src/ledger/actions.ts): a message
// delivered twice at once makes one report; an identical report moments later is the same one;
// the task's last percent and report time follow the one report — on both databases.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { findActorByOpenId, findTaskByCode, submitReport, type LedgerActor, type TaskRecord } from '../../src/ledger/actions.js';
import { FixedClock } from '../../src/clock.js';

const fixedClock = (at: Date) => new FixedClock(at);

const SHIBAO = 'ou_demo_shibao_liaison'; // 程功, 石堡镇 (leads QY-2026-011)

describeEachDatabase('progress reports under races', (ctx) => {
  let tenantId: number;
  let actor: LedgerActor;
  const load = async (): Promise<TaskRecord> => {
    const found = await findTaskByCode(ctx().prisma, tenantId, 'qy-2026-011');
    if (!found.ok) throw new Error(found.reason);
    return found.task;
  };

  beforeAll(async () => {
    tenantId = (await ensureTenant(ctx().prisma, 'races')).id;
    if (!(await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK])).ok) throw new Error('demo import failed');
    actor = (await findActorByOpenId(ctx().prisma, tenantId, SHIBAO))!;
    expect(actor).toBeTruthy();
  });

  it('the same message delivered twice at once makes exactly one report; both answers name it', async () => {
    const task = await load();
    const clock = fixedClock(new Date('2026-11-30T02:00:00Z'));
    const input = { kind: '进展' as const, text: '召开推进会', percent: 55, source: 'chat' as const, sourceRef: 'msg:om_race_1' };
    const [a, b] = await Promise.all([submitReport(ctx().prisma, clock, actor, task, input), submitReport(ctx().prisma, clock, actor, task, input)]);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.reportId).toBe(b.reportId);
    expect([a.duplicate, b.duplicate].filter(Boolean)).toHaveLength(1);
    const rows = await ctx().prisma.progressReport.findMany({ where: { tenantId, sourceRef: 'msg:om_race_1' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ percent: 55, text: '召开推进会', reporterId: actor.personId });
    const stored = await ctx().prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(stored.lastPercent).toBe(55);
    expect(stored.lastReportAt?.toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(stored.levelOn).toBeNull();
    expect(await ctx().prisma.auditLog.count({ where: { tenantId, entity: 'report', entityId: String(rows[0]!.id) } })).toBe(1);
  });

  it('an identical report by the same person moments later (another click) is the same report; a different one is new', async () => {
    const task = await load();
    const first = await submitReport(ctx().prisma, fixedClock(new Date('2026-11-30T03:00:00Z')), actor, task, { kind: '进展', text: '目录已报审', percent: null, problems: null, source: 'card', sourceRef: 'card:c1' });
    const again = await submitReport(ctx().prisma, fixedClock(new Date('2026-11-30T03:00:05Z')), actor, await load(), { kind: '进展', text: '目录已报审', percent: null, problems: null, source: 'card', sourceRef: 'card:c2' });
    const other = await submitReport(ctx().prisma, fixedClock(new Date('2026-11-30T03:00:06Z')), actor, await load(), { kind: '进展', text: '目录已报审', percent: 60, source: 'card', sourceRef: 'card:c3' });
    expect(first.ok && again.ok && other.ok).toBe(true);
    if (!first.ok || !again.ok || !other.ok) return;
    expect(again).toMatchObject({ duplicate: true, reportId: first.reportId });
    expect(other.duplicate).toBe(false);
    expect(other.reportId).not.toBe(first.reportId);
    expect(await ctx().prisma.progressReport.count({ where: { tenantId, sourceRef: { in: ['card:c1', 'card:c2', 'card:c3'] } } })).toBe(2);
  });

  it('a report on a task whose status changed meanwhile is refused, and nothing is written', async () => {
    const task = await load();
    const before = await ctx().prisma.progressReport.count({ where: { tenantId } });
    const res = await submitReport(ctx().prisma, fixedClock(new Date('2026-11-30T04:00:00Z')), actor, { ...task, status: '待签收' }, { kind: '进展', text: '状态已变', percent: 70, source: 'chat', sourceRef: 'msg:om_race_stale' });
    expect(res).toMatchObject({ ok: false, already: true });
    expect(await ctx().prisma.progressReport.count({ where: { tenantId } })).toBe(before);
    expect((await ctx().prisma.task.findUniqueOrThrow({ where: { id: task.id } })).lastPercent).toBe(60);
  });
});
