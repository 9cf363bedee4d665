// Each job's recipients and content on a fixed ledger (the demo county 清源县, with a few progress
// reports added), on SQLite and PostgreSQL. Nothing is sent here: plans are plain data.
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { recordAudit } from '../../src/db/repos/audit.js';
import type { TenantRef } from '../../src/db/repos/tenants.js';
import { putSetting } from '../../src/db/repos/settings.js';
import { planJob } from '../../src/jobs/run.js';
import type { JobPlan, PlannedMessage } from '../../src/jobs/plan.js';
import { cardText } from '../../src/jobs/preview.js';
import { describeEachDatabase } from '../helpers/db.js';
import { at, calendar, demoTenant, report } from './helpers.js';

const who = (p: JobPlan) => p.messages.map((m) => `${m.subject}→${m.recipient.label}`);
const text = (m: PlannedMessage) => cardText(m.card).join('\n');
const header = (m: PlannedMessage) => (m.card['header'] as { template: string }).template;
const bySubject = (p: JobPlan, subject: string) => p.messages.filter((m) => m.subject === subject);

async function taskId(prisma: Db, tenantId: number, code: string): Promise<number> {
  return (await prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: code } })).id;
}

describeEachDatabase('job plans on the demo ledger', (ctx) => {
  let prisma: Db;
  let tenant: TenantRef;
  let id: (code: string) => Promise<number>;

  beforeAll(async () => {
    prisma = ctx().prisma;
    tenant = await demoTenant(prisma, 'plans');
    id = (code) => taskId(prisma, tenant.id, code);
    // Reports early in November for the tasks whose units keep reporting.
    for (const code of ['QY-2026-002', 'QY-2026-011', 'QY-2026-014', 'QY-2026-017', 'QY-2026-018', 'QY-2026-004', 'QY-2026-010']) {
      await report(prisma, tenant.id, code, at('2026-11-05', '15:00'));
    }
  });

  it('reminders: 5/3/1 working days before and on the day, to the liaison and the unit group, with buttons', async () => {
    const plan = await planJob(prisma, tenant.id, 'reminders', at('2026-11-23'), calendar);
    // QY-008 deadline Mon 11-30 (5 working days); QY-013 milestone 11-24 (1). QY-004/001 fall on 11-27 (4): none.
    expect(who(plan)).toEqual([`task${await id('QY-2026-008')}→萧雨`, `task${await id('QY-2026-013')}→范蕾`]);
    const m = plan.messages[0]!;
    // One key per (job, recipient, period): each recipient gets one message per run (src/jobs/batch.ts).
    expect(m.dedupeKey).toBe(`reminders:t${tenant.id}:ou_demo_shenpi_liaison:2026-11-23`);
    expect(m.title).toBe('临期提醒：QY-2026-008 还有 5 个工作日到期');
    expect(text(m)).toContain('完成时限 2026-11-30：还有 5 个工作日');
    expect(text(m)).toContain('领衔领导：赵志强');
    // The buttons the chat handlers answer.
    expect(JSON.stringify(m.card)).toContain(JSON.stringify({ a: 'progress_form', t: await id('QY-2026-008') }));
    expect(JSON.stringify(m.card)).toContain(JSON.stringify({ a: 'extension', t: await id('QY-2026-008') }));

    const due = await planJob(prisma, tenant.id, 'reminders', at('2026-11-27'), calendar);
    // On the day: QY-001's milestone and QY-004's deadline and milestone; the units with a group get it there too.
    expect(who(due)).toEqual([
      `task${await id('QY-2026-001')}→张晓燕`, `task${await id('QY-2026-001')}→县农业农村局工作群`,
      `task${await id('QY-2026-004')}→唐静`, `task${await id('QY-2026-004')}→县卫生健康局工作群`,
      `task${await id('QY-2026-008')}→萧雨`,
    ]);
    const qy004 = bySubject(due, `task${await id('QY-2026-004')}`)[0]!;
    expect(qy004.title).toBe('今日到期提醒：QY-2026-004');
    expect(text(qy004)).toMatch(/到期事项（2 项）\n· 完成时限 2026-11-27：今天到期\n· 节点「47个村卫生室全部接入」 2026-11-27：今天到期/);
    expect(header(qy004)).toBe('blue');
  });

  it('overdue: colour and days in the header; red also reaches the unit head and lead leaders on its escalation days', async () => {
    const plan = await planJob(prisma, tenant.id, 'overdue', at('2026-11-27', '09:30'), calendar);
    const msgs = (code: string) => id(code).then((t) => bySubject(plan, `task${t}`));
    // One message per recipient: 程功 (石堡镇's liaison) has several items, listed in one card with
    // each item's buttons; nobody gets two.
    const keys = plan.messages.map((m) => `${m.recipient.receiveIdType}:${m.recipient.receiveId}`);
    expect(new Set(keys).size).toBe(keys.length);
    const chenggong = plan.messages.filter((m) => m.recipient.label === '程功');
    expect(chenggong).toHaveLength(1);
    expect(chenggong[0]!.subject).toBe('items');
    expect(chenggong[0]!.dedupeKey).toBe(`overdue:t${tenant.id}:ou_demo_shibao_liaison:2026-11-27`);
    expect(chenggong[0]!.title).toMatch(/^逾期预警：\d+ 项事项已逾期（红色 \d+ 项）$/);
    expect(header(chenggong[0]!)).toBe('red');
    expect(text(chenggong[0]!)).toContain('QY-2026-011');
    expect(JSON.stringify(chenggong[0]!.card)).toContain(JSON.stringify({ a: 'progress_form', t: await id('QY-2026-011') }));
    // QY-011: 31 working days overdue, red, (31 − 1) divisible by 5 → also the head and the lead leader.
    expect((await msgs('QY-2026-011')).map((m) => m.recipient.label)).toEqual(['潘强', '李红梅']);
    expect((await msgs('QY-2026-011'))[0]!.title).toBe('逾期预警（红色）：QY-2026-011 已逾期 31 个工作日');
    expect(header((await msgs('QY-2026-011'))[0]!)).toBe('red');
    expect(text((await msgs('QY-2026-011'))[0]!)).toContain('红色督办：已同时告知牵头单位一把手、领衔领导');
    // QY-002: 20 working days, red, not an escalation day → the liaison only.
    expect(plan.messages.filter((m) => text(m).includes('QY-2026-002')).map((m) => m.recipient.label)).toEqual(['郭磊']);
    // QY-017: 10 working days → still yellow, liaison only; QY-018: deadline Wed 11-25 → 2 days, yellow.
    expect((await msgs('QY-2026-017')).map((m) => [m.recipient.label, header(m)])).toEqual([['冯雪', 'orange']]);
    const qy018 = plan.messages.filter((m) => text(m).includes('QY-2026-018'));
    expect(qy018).toHaveLength(1);
    expect(text(qy018[0]!)).toMatch(/QY-2026-018[^\n]*\n?[^\n]*(黄色)[\s\S]*已逾期 \**2\** 个工作日/);
    // Closed, pending review and not yet due tasks get nothing.
    for (const code of ['QY-2026-003', 'QY-2026-005', 'QY-2026-009']) expect(plan.messages.filter((m) => text(m).includes(code))).toEqual([]);
  });

  it('overdue warnings repeat at the configured interval', async () => {
    const other = await demoTenant(prisma, 'plans-repeat');
    await putSetting(prisma, other.id, 'jobs', { overdue: { repeatEveryWorkingDays: 5, redAlsoTo: [] } }, 'test');
    await report(prisma, other.id, 'QY-2026-018', at('2026-11-05', '15:00'));
    const subjects = async (date: string) => (await planJob(prisma, other.id, 'overdue', at(date, '09:30'), calendar)).messages.map((m) => m.title);
    // QY-018 is due Wed 11-25: warned on its 1st overdue working day (11-26), then the 6th (12-03).
    expect((await subjects('2026-11-26')).filter((t) => t.includes('QY-2026-018'))).toHaveLength(1);
    expect((await subjects('2026-11-27')).filter((t) => t.includes('QY-2026-018'))).toHaveLength(0);
    expect((await subjects('2026-12-03')).filter((t) => t.includes('QY-2026-018'))).toHaveLength(1);
  });

  it('nudges: one message per recipient, escalated to the head for items that missed last cycle too', async () => {
    const plan = await planJob(prisma, tenant.id, 'nudges', at('2026-11-25', '10:00'), calendar);
    expect(plan.period.key).toBe('2026-11');
    // One message per recipient per run, keyed by (job, recipient, period).
    const keys = plan.messages.map((m) => m.dedupeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const m of plan.messages) expect(m.dedupeKey).toBe(`nudges:t${tenant.id}:${m.recipient.receiveId}:2026-11`);
    const reported = (code: string) => plan.messages.filter((m) => text(m).includes(code));
    // 公安局, 司法局 (014 reported; 015 not), 卫健局, 审批局 (010 reported; 008 not), 石堡镇 (both reported) …
    for (const code of ['QY-2026-002', 'QY-2026-011', 'QY-2026-014', 'QY-2026-004', 'QY-2026-010']) expect(reported(code)).toEqual([]);
    // 农业农村局: QY-001 never reported → liaison and, escalated, the head; each its single-item card.
    const nongye = bySubject(plan, `task${await id('QY-2026-001')}`);
    expect(nongye.map((m) => m.recipient.label)).toEqual(['张晓燕', '刘振华']);
    expect(nongye[0]!.title).toBe('请报送2026年11月改革进展：QY-2026-001');
    expect(text(nongye[0]!)).toContain('QY-2026-001');
    expect(text(nongye[0]!)).toContain('该事项上个报告周期也没有报送进展，已同时告知牵头单位一把手');
    expect(header(nongye[0]!)).toBe('red');
    expect(JSON.stringify(nongye[0]!.card)).toContain(JSON.stringify({ a: 'progress_form', t: await id('QY-2026-001') }));
    // A unit that reported last cycle but not this one is nudged without escalation.
    const other = await demoTenant(prisma, 'plans-nudge');
    await report(prisma, other.id, 'QY-2026-001', at('2026-10-20', '10:00'));
    const plan2 = await planJob(prisma, other.id, 'nudges', at('2026-11-25', '10:00'), calendar);
    const qy001 = (await prisma.task.findFirstOrThrow({ where: { tenantId: other.id, codeKey: 'QY-2026-001' } })).id;
    const nongye2 = plan2.messages.filter((m) => m.subject === `task${qy001}`);
    expect(nongye2.map((m) => m.recipient.label)).toEqual(['张晓燕']);
    expect(header(nongye2[0]!)).toBe('orange');
  });

  it('nudges: a liaison with many unreported items gets ONE card listing them, each with its buttons, cut with 「等 N 项」', async () => {
    const many = await demoTenant(prisma, 'plans-nudge-many');
    const shibao = await prisma.unit.findFirstOrThrow({ where: { tenantId: many.id, name: '石堡镇' } });
    const { count } = await prisma.task.updateMany({ where: { tenantId: many.id }, data: { leadUnitId: shibao.id, status: '推进中' } });
    expect(count).toBeGreaterThan(10);
    const plan = await planJob(prisma, many.id, 'nudges', at('2026-11-25', '10:00'), calendar);
    const liaison = plan.messages.filter((m) => m.recipient.label === '程功');
    expect(liaison).toHaveLength(1);
    const m = liaison[0]!;
    expect(m.subject).toBe('items');
    expect(m.dedupeKey).toBe(`nudges:t${many.id}:ou_demo_shibao_liaison:2026-11`);
    expect(m.title).toBe(`请报送2026年11月改革进展：${count} 项未报`);
    expect(text(m)).toContain(`等 ${count} 项（另有 ${count - 10} 项未列出）`);
    const buttons = JSON.stringify(m.card).match(/"a":"progress_form"/g) ?? [];
    expect(buttons).toHaveLength(10);
    expect(JSON.stringify(m.card)).toContain('"a":"extension"');
    // The head hears once too, of the items that missed last cycle as well.
    const head = plan.messages.filter((x) => x.recipient.label === '潘强');
    expect(head).toHaveLength(1);
    // Nobody gets two messages.
    const ids = plan.messages.map((x) => x.recipient.receiveId);
    expect(new Set(ids).size).toBe(ids.length);
    // A re-plan yields the same keys: the outbox keeps it exactly once.
    const again = await planJob(prisma, many.id, 'nudges', at('2026-11-25', '16:00'), calendar);
    expect(again.messages.map((x) => x.dedupeKey).sort()).toEqual(plan.messages.map((x) => x.dedupeKey).sort());
  });

  it('digest: each leader gets their led items, red ones first, and what changed in the week', async () => {
    await report(prisma, tenant.id, 'QY-2026-004', at('2026-11-18', '10:00'), '远程会诊平台已接入 40 个村卫生室', 85);
    await recordAudit(prisma, [{ tenantId: tenant.id, actor: 'test', entity: 'task', entityId: await id('QY-2026-016'), action: 'update', before: { status: '待签收' }, after: { status: '推进中' }, at: at('2026-11-20', '16:00') }]);
    const plan = await planJob(prisma, tenant.id, 'digest', at('2026-11-23', '08:30'), calendar);
    expect(plan.period.key).toBe('2026-W48');
    expect(who(plan).map((w) => w.split('→')[1])).toEqual(['王建国', '李红梅', '赵志强']);
    const [wang, li, zhao] = plan.messages as [PlannedMessage, PlannedMessage, PlannedMessage];
    expect(text(wang)).toContain('领衔事项 3 项');
    expect(text(wang)).toContain('QY-2026-004 “行走的医院”：互联网+医疗健康远程会诊：报送进展（11-18 10:00，85%）：远程会诊平台已接入 40 个村卫生室');
    expect(text(zhao)).toContain('QY-2026-016 公共数据授权运营试点：待签收 → 推进中（11-20 16:00）');
    // 李红梅 leads QY-001 and QY-013, which have never reported (two cycles): red, listed first.
    expect(header(li)).toBe('red');
    expect(text(li)).toMatch(/红色事项（\d+ 项）/);
    const all = text(li).split('全部领衔事项')[1]!;
    expect(all.indexOf('[红色]')).toBeLessThan(all.indexOf('[正常]'));
  });

  it('honour roll: two cards to the all-hands group; units ranked on outcomes with the score explained, only positive scores listed', async () => {
    const other = await demoTenant(prisma, 'plans-honour');
    // 城关街道 closed QY-006 early in November (deadline 12-31).
    await prisma.task.updateMany({ where: { tenantId: other.id, codeKey: 'QY-2026-006' }, data: { status: '已销号', completedOn: '2026-11-10', closedOn: '2026-11-12' } });
    const plan = await planJob(prisma, other.id, 'honour-roll', at('2026-12-01', '10:00'), calendar);
    expect(plan.period.key).toBe('2026-11');
    expect(who(plan)).toEqual([`tenant${other.id}.roll→全体工作群`, `tenant${other.id}.table→全体工作群`]);
    const roll = text(plan.messages[0]!);
    expect(roll).toContain('光荣榜 · 2026年11月');
    expect(roll).toMatch(/第 1 名　城关街道　25 分\n按时销号 1 项，得 10 分；提前完成 1 项，加 5 分；无逾期未完成事项；按时报送进展 1\/2 项（50%），得 10 分；合计 25 分，排第1名。/);
    // Published to everyone: only positive scores are listed; units that scored 0 are counted, not
    // named or "tied"; a unit with nothing to be assessed is said to have none.
    expect(roll).not.toMatch(/（并列）|　0 分|　-\d/);
    expect(roll).toContain('另有 7 个单位本期得分未上榜。');
    expect(roll).toContain('本期无考核事项（1 个单位）：三岔乡');
    expect(roll).toContain('光荣榜只看工作实绩，不看发消息多少');
    const table = text(plan.messages[1]!);
    expect(table).toContain('2026年11月县级领导领衔事项进展表');
    expect(table).toMatch(/王建国（2 项）[\s\S]*李红梅（3 项）[\s\S]*赵志强（4 项）/);
  });

  it('quarterly review after the National Day holiday: Q3 figures to the office and every leader', async () => {
    const plan = await planJob(prisma, tenant.id, 'quarterly', at('2026-10-08', '10:30'), calendar);
    expect(plan.period.key).toBe('2026-Q3');
    expect(who(plan).map((w) => w.split('→')[1])).toEqual(['县委改革办工作群', '王建国', '李红梅', '赵志强']);
    const t = text(plan.messages[0]!);
    // Closed in Q3: QY-003 (on time) and QY-012 (reported after its deadline).
    expect(t).toContain('销号 2 项（其中按时 1 项）');
    expect(t).toMatch(/表格（10 行）：单位 \| 事项 \| 在办 \| 本季销号 \| 逾期 \| 红色/);
  });

  it('half-year tally: per-unit totals, rates and ranks, a chart, the overdue list, to all hands and leaders', async () => {
    const plan = await planJob(prisma, tenant.id, 'half-year', at('2026-07-01', '11:00'), calendar);
    expect(plan.period.key).toBe('2026-H1');
    expect(who(plan).map((w) => w.split('→')[1])).toEqual(['全体工作群', '王建国', '李红梅', '赵志强']);
    const m = plan.messages[0]!;
    const t = text(m);
    // 15 tasks had started by June 30; only QY-007 was closed by July 1.
    expect(t).toContain('全县改革事项 15 项：已完成（销号）1 项，其中按时完成 1 项；逾期未完成 0 项');
    expect(t).toContain('完成率 6.7%');
    expect(t).toMatch(/表格（9 行）：名次 \| 单位 \| 总数 \| 完成 \| 按时 \| 逾期 \| 完成率\n {2}1 \| 三岔乡 \| 1 \| 1 \| 1 \| 0 \| 100%/);
    const chart = (m.card['body'] as { elements: { tag: string; chart_spec?: { type: string } }[] }).elements.find((e) => e.tag === 'chart');
    expect(chart?.chart_spec?.type).toBe('bar');
    expect(header(m)).toBe('green');
  });

  it('year-end ledger: every task closed, pending review, carried over or overdue', async () => {
    const plan = await planJob(prisma, tenant.id, 'year-end', at('2027-01-04', '11:00'), calendar);
    expect(plan.period.key).toBe('2026');
    const t = text(plan.messages[0]!);
    expect(t).toContain('2026 年台账共 18 项');
    expect(t).toMatch(/\[已销号\] 3 项　\[待销号\] 1 项　\[结转下年\] 3 项　\[逾期\] 11 项/);
    expect(t).toContain('待销号（1 项）\n· QY-2026-005');
    expect(plan.notes.some((n) => n.includes('2027'))).toBe(false); // coverage notes are added by runJob, not the plan
  });
});
