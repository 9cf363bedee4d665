// The reform loop's jobs on the demo data: who gets what, exactly once per (job, subject, recipient,
// period) — a second run, a scheduled re-run and a dry run send nothing more — and the assessment
// goes to the leaders and the office only, explained.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { at, demoTenant, testApp } from '../jobs/helpers.js';
import { FixedClock } from '../../src/clock.js';
import { runJob } from '../../src/jobs/run.js';
import { loadLoopDemo } from '../../src/demo/loop.js';
import { ALL_HANDS_CHAT_ID } from '../../src/demo/ledger.js';
import type { AppContext } from '../../src/app.js';
import type { TenantRef } from '../../src/db/repos/tenants.js';

describeEachDatabase('reform loop jobs', (ctx) => {
  let app: AppContext;
  let tenant: TenantRef;
  const db = () => ctx().prisma;
  beforeAll(async () => {
    tenant = await demoTenant(db(), 'tk-loop-jobs');
    await loadLoopDemo(db(), tenant.id, at('2026-11-20', '08:00'));
    app = testApp(ctx(), tenant, new FixedClock(at('2026-11-23')));
  });
  const outbox = (prefix: string) => db().outboxMessage.findMany({ where: { tenantId: tenant.id, dedupeKey: { startsWith: prefix } }, orderBy: { id: 'asc' } });

  it('前哨站: each outpost unit\'s liaison gets the form once a month', async () => {
    const dry = await runJob(app, 'outposts', at('2026-12-01', '09:40'), { dryRun: true, tenant });
    expect(dry.messages.map((m) => m.recipient.label).sort()).toEqual(['程功', '范蕾', '袁媛'].sort()); // 石堡镇, 白马滩镇, 城关街道
    expect(await outbox('outposts:')).toHaveLength(0);
    expect((await runJob(app, 'outposts', at('2026-12-01', '09:40'), { tenant })).enqueued).toBe(3);
    expect((await runJob(app, 'outposts', at('2026-12-01', '09:40'), { tenant, mode: 'scheduled' })).enqueued).toBe(0);
    expect((await runJob(app, 'outposts', at('2026-12-15', '09:40'), { tenant })).enqueued).toBe(0); // same month
    expect((await runJob(app, 'outposts', at('2027-01-04', '09:40'), { tenant })).enqueued).toBe(3); // next month
    const card = JSON.stringify((await outbox('outposts:'))[0]!.content);
    expect(card).toContain('提交建议');
    expect(card).toContain('前哨站');
  });

  it('the weekly digest lists the week\'s new suggestions to the office, once a week; none when there are none', async () => {
    const r = await runJob(app, 'suggestion-digest', at('2026-11-23', '09:10'), { tenant });
    expect(r.enqueued).toBeGreaterThan(0);
    expect(r.messages.every((m) => m.recipient.receiveId === 'oc_demo_office')).toBe(true);
    const card = JSON.stringify((await outbox('suggestion-digest:'))[0]!.content);
    expect(card).toContain('JY-2026-003');
    expect(card).toContain('sg_open');
    expect(card).toContain('本周新收 3 条，其中待处理 2 条');
    expect((await runJob(app, 'suggestion-digest', at('2026-11-24', '09:10'), { tenant })).enqueued).toBe(0);
    const later = await runJob(app, 'suggestion-digest', at('2026-12-14', '09:10'), { tenant });
    expect([later.messages.length, later.notes]).toEqual([0, ['本周没有新的改革建议']]);
  });

  it('揭榜 reminders: 3 and 1 working days before and on the deadline, to units that have not applied, once a day', async () => {
    // The demo call closes two days after the demo was loaded; move it to Friday 2026-11-27 for a clear week.
    await db().openCall.updateMany({ where: { tenantId: tenant.id }, data: { deadline: '2026-11-27' } });
    const days = await Promise.all(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].map((d) => runJob(app, 'call-reminders', at(d, '09:20'), { dryRun: true, tenant })));
    expect(days.map((r) => r.messages.length > 0)).toEqual([false, true, false, true, true]);
    const tuesday = days[1]!;
    const labels = tuesday.messages.map((m) => m.recipient.label);
    expect(labels).not.toContain('程功'); // 石堡镇 applied
    expect(labels).not.toContain('袁媛'); // 城关街道 applied
    expect(labels.length).toBeGreaterThan(5);
    expect(tuesday.messages[0]!.title).toContain('揭榜提醒 JB-2026-01');
    const first = await runJob(app, 'call-reminders', at('2026-11-24', '09:20'), { tenant });
    expect(first.enqueued).toBe(tuesday.messages.length);
    expect((await runJob(app, 'call-reminders', at('2026-11-24', '15:00'), { tenant })).enqueued).toBe(0);
    expect(JSON.stringify((await outbox('call-reminders:'))[0]!.content)).toContain('还有 3 个工作日截止');
  });

  it('回头看: asked once per due date until answered; the quarterly list goes to the office', async () => {
    const r = await runJob(app, 'lookback', at('2026-11-23', '09:50'), { tenant });
    expect(r.messages.map((m) => m.title).sort()).toEqual(['回头看：QY-2026-007（三岔乡）', '回头看：QY-2026-012（县行政审批服务局）']);
    expect(r.enqueued).toBe(r.messages.length);
    expect((await runJob(app, 'lookback', at('2026-11-24', '09:50'), { tenant })).enqueued).toBe(0);
    // Answered: no longer asked.
    const t7 = await db().task.findFirstOrThrow({ where: { tenantId: tenant.id, code: 'QY-2026-007' } });
    await db().lookback.create({ data: { tenantId: tenant.id, taskId: t7.id, dueOn: '2026-11-19', answer: '效果减弱', evidence: '参与率下降' } });
    expect((await runJob(app, 'lookback', at('2026-11-25', '09:50'), { tenant, dryRun: true })).messages.map((m) => m.title)).toEqual(['回头看：QY-2026-012（县行政审批服务局）']);
    const list = await runJob(app, 'lookback-list', at('2027-01-04', '10:40'), { tenant });
    expect(list.period.key).toBe('2026-Q4');
    expect(list.messages.map((m) => m.recipient.receiveId)).toEqual(['oc_demo_office']);
    const card = JSON.stringify((await outbox('lookback-list:'))[0]!.content);
    expect(card).toContain('效果减弱 1');
    expect(card).toContain('未答复 1');
    expect((await runJob(app, 'lookback-list', at('2027-01-05', '10:40'), { tenant })).enqueued).toBe(0);
  });

  it('the annual assessment goes to every leader and the office, never the all-hands group, once, explained', async () => {
    const r = await runJob(app, 'assessment', at('2027-01-04', '11:30'), { tenant });
    expect(r.period.key).toBe('2026');
    expect(r.messages.map((m) => m.recipient.receiveId).sort()).toEqual(['oc_demo_office', 'ou_demo_leader_li', 'ou_demo_leader_wang', 'ou_demo_leader_zhao']);
    expect(r.messages.some((m) => m.recipient.receiveId === ALL_HANDS_CHAT_ID)).toBe(false);
    expect((await runJob(app, 'assessment', at('2027-01-05', '11:30'), { tenant })).enqueued).toBe(0);
    // The setting cannot name the all-hands group for this job.
    const { parseJobsSettings } = await import('../../src/jobs/settings.js');
    expect(() => parseJobsSettings({ assessment: { to: ['allHands'] } })).toThrow(/年度考核接收人只能是：office、leaders/);
    const card = JSON.stringify((await outbox('assessment:'))[0]!.content);
    expect(card).toContain('2026 年度改革考核结果');
    expect(card).toMatch(/完成情况：已销号 \d+\/\d+ 项（加权/);
    expect(card).toContain('战略任务落实');
    expect(card).toContain('三岔乡');
  });
});
