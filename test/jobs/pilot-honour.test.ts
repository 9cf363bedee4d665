// The monthly honour roll with confirmed achievements (issue 16), through runJob on each database:
// the arithmetic (category points × the office's weight, counted in the month confirmed, pending
// and later ones left out), the unit named with what it achieved, the leader-led progress table
// still sent with it, and exactly once per (job, recipient, month) when run again.
import { expect, it } from 'vitest';
import { FixedClock } from '../../src/clock.js';
import { putSetting } from '../../src/db/repos/settings.js';
import { runJob } from '../../src/jobs/run.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, demoTenant, testApp } from './helpers.js';

const cardJson = (m: { card: unknown }) => JSON.stringify(m.card);

describeEachDatabase('honour roll with achievements', (ctx) => {
  it('scores confirmed achievements of the month by the office weight, names them, and sends once', async () => {
    const db = ctx();
    const tenant = await demoTenant(db.prisma, 'honour-ach');
    const unit = await db.prisma.unit.findFirstOrThrow({ where: { tenantId: tenant.id, name: '县教育局' } });
    const base = { tenantId: tenant.id, unitId: unit.id, achievedOn: '2026-10-10', description: '' };
    await db.prisma.achievement.createMany({
      data: [
        { ...base, category: '获上级批示肯定', description: '初高中一体化获市委书记批示', status: '已确认', decidedAt: at('2026-10-15', '10:00') },
        { ...base, category: '主流媒体报道', description: '《中国教育报》报道', status: '已确认', decidedAt: at('2026-10-31', '23:00') },
        { ...base, category: '获评改革品牌', description: '待定', status: '待确认' },
        { ...base, category: '入选典型案例', description: '下月确认', status: '已确认', decidedAt: at('2026-11-01', '00:30') },
      ],
    });
    await putSetting(db.prisma, tenant.id, 'honour', { achievement: 2 }, 'test');
    const app = testApp(db, tenant, new FixedClock(at('2026-11-02', '10:00')));

    const first = await runJob(app, 'honour-roll', at('2026-11-02', '10:00'), { tenant });
    expect(first.period.key).toBe('2026-10');
    const roll = first.messages.find((m) => m.title.startsWith('光荣榜'))!;
    // (10 + 5) × 2 = 30 for the two confirmed in October; pending and November ones do not count.
    expect(cardJson(roll)).toContain('经改革办确认的改革成果：获上级批示肯定 1 项、主流媒体报道 1 项，得 30 分');
    expect(cardJson(roll)).not.toContain('入选典型案例 1 项');
    expect(cardJson(roll)).not.toContain('获评改革品牌 1 项');
    expect(cardJson(roll)).toContain('5. 改革成果');
    expect(first.messages.some((m) => m.title.includes('县级领导领衔事项进展表'))).toBe(true);
    expect(first.enqueued).toBeGreaterThan(0);

    const again = await runJob(app, 'honour-roll', at('2026-11-02', '10:05'), { tenant });
    expect(again.enqueued).toBe(0);
    expect(again.alreadyQueued).toBe(first.enqueued);
    const keys = await db.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, dedupeKey: { startsWith: 'honour-roll:' } }, select: { dedupeKey: true } });
    expect(new Set(keys.map((k) => k.dedupeKey)).size).toBe(keys.length);
    expect(keys.length).toBe(first.enqueued);
  });
});
