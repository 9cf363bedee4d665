// The cards stay readable and within the 25-KB budget (Feishu refuses 30 KB after rendering) at any size — counts first, lists cut with
// "等 N 项" — and ledger text cannot inject markdown or @all.
import { describe, expect, it } from 'vitest';
import { CARD_MAX_BYTES } from '../../src/cards/render.js';
import { cardBytes } from '../../src/jobs/cards.js';
import type { JobDirectoryData, JobLedger, TallyRow } from '../../src/jobs/data.js';
import { planHalfYear, planQuarterly, planYearEnd } from '../../src/jobs/plans/reviews.js';
import { planDigest } from '../../src/jobs/plans/digest.js';
import { planOverdue, planReminders } from '../../src/jobs/plans/reminders.js';
import { cardText } from '../../src/jobs/preview.js';
import { DEFAULT_JOBS_SETTINGS } from '../../src/jobs/settings.js';
import { DEFAULT_HONOUR_WEIGHTS } from '../../src/core/honour.js';
import { DEFAULT_THRESHOLDS } from '../../src/core/supervision.js';
import { at, calendar } from './helpers.js';

const config = { jobs: structuredClone(DEFAULT_JOBS_SETTINGS), thresholds: { ...DEFAULT_THRESHOLDS }, weights: { ...DEFAULT_HONOUR_WEIGHTS } };
const longTitle = '推进“放管服”改革和优化营商环境工作，全面落实“一件事一次办”，持续深化审批制度改革并建立健全长效机制'.repeat(2);

function directory(units: number): JobDirectoryData {
  return {
    units: Array.from({ length: units }, (_, i) => ({ id: i + 1, name: `第${i + 1}街道办事处综合行政执法和改革工作单位`, chatId: `oc_unit_${i + 1}` })),
    people: [
      { id: 1, name: '领导甲', unitId: null, roles: ['LEADER'], openId: 'ou_leader_1' },
      { id: 2, name: '联络员', unitId: 1, roles: ['LIAISON'], openId: 'ou_liaison_1' },
    ],
    office: [{ receiveIdType: 'chat_id', receiveId: 'oc_office', label: '改革办工作群' }],
    allHands: [{ receiveIdType: 'chat_id', receiveId: 'oc_all', label: '全体工作群' }],
  };
}

describe('job cards', () => {
  it('a half-year tally of 5,000 overdue tasks in 300 units fits the 25-KB budget, counts first, the list cut with 等 N 项', () => {
    const rows: TallyRow[] = Array.from({ length: 5_000 }, (_, i) => ({
      taskId: i + 1, code: `BM-2026-${String(i).padStart(5, '0')}`, title: longTitle, unitId: (i % 300) + 1, unitName: `第${(i % 300) + 1}街道办事处综合行政执法和改革工作单位`,
      status: '推进中', deadline: '2026-03-31', completedOn: null, closedOn: null, startDate: '2026-01-01', createdOn: '2026-01-01',
    }));
    const plan = planHalfYear(rows, directory(300), { tenantId: 1, at: at('2026-07-01', '11:00'), calendar, config });
    expect(plan.messages.map((m) => m.recipient.label)).toEqual(['全体工作群', '领导甲']);
    const card = plan.messages[0]!.card;
    // Filled close to, never past, 25 KB: Feishu's 30 KB is measured after rendering, style tags on top (230025).
    expect(CARD_MAX_BYTES).toBe(25 * 1024);
    expect(cardBytes(card)).toBeLessThanOrEqual(25 * 1024);
    expect(cardBytes(card)).toBeGreaterThan(15 * 1024);
    const text = cardText(card).join('\n');
    expect(text.indexOf('全县改革事项 5000 项')).toBeLessThan(text.indexOf('逾期事项（5000 项）'));
    expect(text).toMatch(/…等 5000 项（另有 \d+ 项未列出）/);
    expect(text).toMatch(/图表：各单位完成率（%）/);
    const year = planYearEnd(rows, directory(300), { tenantId: 1, at: at('2027-01-04', '11:00'), calendar, config });
    expect(cardBytes(year.messages[0]!.card)).toBeLessThanOrEqual(25 * 1024);
  });

  it('ledger text is escaped: no markdown, no @all from a task title', () => {
    const ledger: JobLedger = {
      tenantId: 1,
      ...directory(1),
      tasks: [{
        id: 7, code: 'X-1', title: '**加粗** <at id=all></at> [链接](http://x)', category: '其他', leadUnitId: 1, leadLeaderIds: [1], coUnitIds: [],
        ownerName: '_张_', completedOn: null, closedOn: null, lastReportAt: null, weight: 1, status: '推进中',
        deadline: '2026-11-30', startDate: '2026-01-01', milestones: [], lastReportOn: '2026-11-10', lastPercent: 40, createdOn: '2026-01-01',
      }],
    };
    const plan = planReminders(ledger, { tenantId: 1, at: at('2026-11-23'), calendar, config });
    const json = JSON.stringify(plan.messages[0]!.card);
    expect(json).not.toContain('<at id=all>');
    expect(json).toContain('&#60;at id=all&#62;');
    expect(json).toContain('&#42;&#42;加粗&#42;&#42;');
    expect(json).toContain('&#91;链接&#93;');
    expect(cardText(plan.messages[0]!.card).join('\n')).toContain('**加粗** <at id=all></at> [链接](http://x)');
    // Overdue, with many reasons: still fits.
    const late = planOverdue({ ...ledger, tasks: [{ ...ledger.tasks[0]!, deadline: '2026-11-02', milestones: Array.from({ length: 150 }, (_, i) => ({ title: `${longTitle}${i}`, dueDate: '2026-10-30' })) }] }, { tenantId: 1, at: at('2026-11-23', '09:30'), calendar, config });
    expect(cardBytes(late.messages[0]!.card)).toBeLessThanOrEqual(25 * 1024);
    expect(cardText(late.messages[0]!.card).join('\n')).toMatch(/逾期事项（151 项）[\s\S]*…等 151 项/);
  });
});

describe('colours and titles say what happened', () => {
  const ledgerWith = (task: Partial<JobLedger['tasks'][number]>): JobLedger => ({
    tenantId: 1, ...directory(1),
    tasks: [{
      id: 7, code: 'X-1', title: '口袋公园建设', category: '其他', leadUnitId: 1, leadLeaderIds: [1], coUnitIds: [], ownerName: '董明',
      completedOn: null, closedOn: null, lastReportAt: null, weight: 1, status: '推进中', deadline: '2026-12-31', startDate: '2026-01-01',
      milestones: [], lastReportOn: '2026-11-10', lastPercent: 40, createdOn: '2026-01-01', ...task,
    }],
  });

  it('a late milestone on a task due weeks later is titled as a milestone, not as the task being late', () => {
    const late = planOverdue(ledgerWith({ milestones: [{ title: '完成选址', dueDate: '2026-11-17' }] }), { tenantId: 1, at: at('2026-11-23', '09:30'), calendar, config });
    expect(late.messages[0]!.title).toBe('节点逾期预警（黄色）：X-1 节点「完成选址」已逾期 4 个工作日');
    const text = cardText(late.messages[0]!.card).join('\n');
    expect(text).toContain('逾期节点（1 项）');
    expect(text).toContain('完成时限 2026-12-31 尚未到期');
    // The task itself late: titled as before.
    const own = planOverdue(ledgerWith({ deadline: '2026-11-17' }), { tenantId: 1, at: at('2026-11-23', '09:30'), calendar, config });
    expect(own.messages[0]!.title).toBe('逾期预警（黄色）：X-1 已逾期 4 个工作日');
    // A milestone coming up is a milestone reminder.
    const soon = planReminders(ledgerWith({ milestones: [{ title: '完成选址', dueDate: '2026-11-26' }] }), { tenantId: 1, at: at('2026-11-23'), calendar, config });
    expect(soon.messages[0]!.title).toBe('节点临期提醒：X-1 节点「完成选址」 还有 3 个工作日到期');
  });

  it('the year-end pie binds each category to its colour: 逾期 red, 已销号 green', () => {
    const rows: TallyRow[] = [
      { taskId: 1, code: 'A', title: 'a', unitId: 1, unitName: 'u', status: '推进中', deadline: '2026-03-31', completedOn: null, closedOn: null, startDate: '2026-01-01', createdOn: '2026-01-01' },
      { taskId: 2, code: 'B', title: 'b', unitId: 1, unitName: 'u', status: '已销号', deadline: '2026-03-31', completedOn: '2026-03-01', closedOn: '2026-03-02', startDate: '2026-01-01', createdOn: '2026-01-01' },
    ];
    const plan = planYearEnd(rows, directory(1), { tenantId: 1, at: at('2027-01-04', '11:00'), calendar, config });
    const chart = (plan.messages[0]!.card['body'] as { elements: { tag: string; chart_spec?: { color?: { domain: string[]; range: string[] } } }[] }).elements.find((e) => e.tag === 'chart')!;
    const colour = Object.fromEntries(chart.chart_spec!.color!.domain.map((d, i) => [d, chart.chart_spec!.color!.range[i]]));
    expect(colour).toEqual({ 已销号: '#34c724', 待销号: '#3370ff', 结转下年: '#8f959e', 逾期: '#f54a45' });
    // No command line for officials.
    expect(cardText(plan.messages[0]!.card).join('\n')).not.toMatch(/taizhang|export|导出台账/);
    // The detailed list is a button that sends the file (src/chat/actions/export.ts).
    expect(cardText(plan.messages[0]!.card).join('\n')).toContain('[按钮：获取逐项清单]');
    expect(JSON.stringify(plan.messages[0]!.card)).toContain('"a":"export_list"');
  });

  it('the first period after a load goes by the tasks\' own dates: closed months ago is not 新交办', () => {
    const loaded = '2026-11-20';
    const ledger = ledgerWith({ status: '已销号', completedOn: '2026-06-28', closedOn: '2026-06-30', startDate: null, createdOn: loaded });
    const digest = planDigest(ledger, { reports: [], statusChanges: [], createdTaskIds: [7] }, { tenantId: 1, at: at('2026-11-23', '08:30'), calendar, config });
    expect(cardText(digest.messages[0]!.card).join('\n')).not.toContain('新交办');
    const fresh = planDigest(ledgerWith({ startDate: null, createdOn: loaded }), { reports: [], statusChanges: [], createdTaskIds: [7] }, { tenantId: 1, at: at('2026-11-23', '08:30'), calendar, config });
    expect(cardText(fresh.messages[0]!.card).join('\n')).toContain('新交办');
    const quarter = planQuarterly(ledgerWith({ startDate: '2026-01-01', createdOn: '2026-10-20' }), { tenantId: 1, at: at('2027-01-04', '10:30'), calendar, config });
    expect(cardText(quarter.messages[0]!.card).join('\n')).toContain('新交办 0 项');
  });
});
