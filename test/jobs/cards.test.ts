// The cards stay readable and under Feishu's 30 KB at any size — counts first, lists cut with
// "等 N 项" — and ledger text cannot inject markdown or @all.
import { describe, expect, it } from 'vitest';
import { CARD_MAX_BYTES } from '../../src/cards/render.js';
import { cardBytes } from '../../src/jobs/cards.js';
import type { JobDirectoryData, JobLedger, TallyRow } from '../../src/jobs/data.js';
import { planHalfYear, planYearEnd } from '../../src/jobs/plans/reviews.js';
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
  it('a half-year tally of 5,000 overdue tasks in 300 units fits in 30 KB, counts first, the list cut with 等 N 项', () => {
    const rows: TallyRow[] = Array.from({ length: 5_000 }, (_, i) => ({
      taskId: i + 1, code: `BM-2026-${String(i).padStart(5, '0')}`, title: longTitle, unitId: (i % 300) + 1, unitName: `第${(i % 300) + 1}街道办事处综合行政执法和改革工作单位`,
      status: '推进中', deadline: '2026-03-31', completedOn: null, closedOn: null, startDate: '2026-01-01', createdOn: '2026-01-01',
    }));
    const plan = planHalfYear(rows, directory(300), { tenantId: 1, at: at('2026-07-01', '11:00'), calendar, config });
    expect(plan.messages.map((m) => m.recipient.label)).toEqual(['全体工作群', '领导甲']);
    const card = plan.messages[0]!.card;
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_MAX_BYTES);
    const text = cardText(card).join('\n');
    expect(text.indexOf('全县改革事项 5000 项')).toBeLessThan(text.indexOf('逾期事项（5000 项）'));
    expect(text).toMatch(/…等 5000 项（另有 \d+ 项未列出）/);
    expect(text).toMatch(/图表：各单位完成率（%）/);
    const year = planYearEnd(rows, directory(300), { tenantId: 1, at: at('2027-01-04', '11:00'), calendar, config });
    expect(cardBytes(year.messages[0]!.card)).toBeLessThanOrEqual(CARD_MAX_BYTES);
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
    expect(cardBytes(late.messages[0]!.card)).toBeLessThanOrEqual(CARD_MAX_BYTES);
    expect(cardText(late.messages[0]!.card).join('\n')).toMatch(/逾期事项（151 项）[\s\S]*…等 151 项/);
  });
});
