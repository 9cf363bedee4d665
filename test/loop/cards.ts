// Every reform-loop card template rendered in each of its states (test/cards/templates.test.ts
// validates them as Feishu does).
import type { Card } from '../../src/cards/render.js';
import { trustedMd } from '../../src/cards/markup.js';
import type { Db } from '../../src/db/client.js';
import { loadLoopDemo } from '../../src/demo/loop.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import { launchFormCard, riskFormCard, studyCard, suggestionCard, suggestionFormCard, suggestionReceiptCard } from '../../src/chat/commands/loop/cards.js';
import type { SuggestionRecord } from '../../src/loop/suggestions.js';
import type { ReserveRecord } from '../../src/loop/reserve.js';
import type { CallRecord } from '../../src/loop/calls.js';
import { lookbackCard, lookbackListCard } from '../../src/chat/commands/loop/lookback.js';
import { applyFormCard, callCard, callFormCard, callListCard, compareCard } from '../../src/chat/commands/loop/call-cards.js';

export const LOOP_TEMPLATES = ['loop-suggestion-form', 'loop-suggestion', 'loop-study', 'loop-risk-form', 'loop-launch-form', 'loop-call-form', 'loop-call', 'loop-apply-form', 'loop-call-compare', 'loop-lookback'];

export async function loopCards(db: Db, tenantId: number): Promise<[string, Card][]> {
  // The demo's loop data, so every loop job has something to plan at the test's moments.
  await loadLoopDemo(db, tenantId, shanghaiInstant('2026-11-23', '08:00'));
  const units = await db.unit.findMany({ where: { tenantId }, select: { id: true, name: true } });
  const s: SuggestionRecord = {
    id: 1, tenantId, number: 'JY-2026-001', title: '推行村级事务积分制管理 <at id=all></at>', problem: '村民参与度低', proposal: '积分兑换', proposedLeadUnit: '城关街道',
    status: '待处理', outcome: null, suggesterId: 1, suggesterName: '袁媛', suggesterOpenId: 'ou_x', suggesterUnit: '城关街道', ownerId: 2, ownerName: '周敏',
    studyUnitId: 3, studyUnitName: '石堡镇', studyDue: '2026-12-15', studyAnswer: '可行', mergedIntoNumber: null, createdAt: new Date('2026-11-23T01:30:00Z'),
  };
  const review = { id: 1, verdict: '有条件通过' as const, reviewerName: '周敏', reviewedAt: new Date('2026-11-23T01:30:00Z'), dimensions: [
    { dimension: '可行性' as const, result: '通过' as const, note: '' }, { dimension: '合法性' as const, result: '通过' as const, note: '' },
    { dimension: '社会风险' as const, result: '有条件通过' as const, note: '先试点' }, { dimension: '舆情风险' as const, result: '通过' as const, note: '' },
  ] };
  const item: ReserveRecord = {
    id: 1, tenantId, number: 'CB-2026-001', title: '推行村级事务积分制管理', summary: '建议举措：积分兑换', source: '改革建议', suggestionId: 1, suggestionNumber: 'JY-2026-001',
    tags: ['深改委议题'], meeting: '第十次会议', status: '有条件通过', taskId: null, taskCode: null, reviews: [review],
  };
  const done = { text: trustedMd('已采纳入库 · 周敏 · 11-23 09:30'), colour: 'green' as const };
  const call: CallRecord = {
    id: 1, tenantId, number: 'JB-2026-01', title: '破解“空壳村”难题', requirements: '一年内消除空壳村', support: '专项资金 50 万元', deadline: '2026-12-04',
    audience: [1, 2], audienceNames: ['城关街道', '石堡镇'], status: '征集中', winnerId: null, taskId: null, taskCode: null,
    applications: [1, 2].map((id) => ({ id, unitId: id, unitName: id === 1 ? '城关街道' : '石堡镇', applicantName: '袁媛', applicantOpenId: null, plan: '盘活闲置校舍 | *', teamLead: '袁媛', expected: '增收', status: '已揭榜', createdAt: new Date() })),
  };
  const today = '2026-11-23';
  const lb = { taskId: 1, code: 'QY-2026-007', title: '“五级联动”', category: '重点改革任务', leadUnitId: 1, leadUnitName: '三岔乡', closedOn: '2026-06-19', dueOn: '2026-11-19', lookbackId: null, answer: null, evidence: null, numbers: null, answeredAt: null, followUpTaskId: null };
  return [
    ['loop-lookback', lookbackCard(lb)],
    ['loop-lookback', lookbackCard({ ...lb, answer: '效果减弱', evidence: '参与率下降' })],
    ['notice', lookbackListCard([lb, { ...lb, taskId: 2, answer: '已停止运行', lookbackId: 3 }], '回头看', true)],
    ['loop-call-form', callFormCard()],
    ['loop-call', callCard(call, today)],
    ['loop-call', callCard({ ...call, status: '已挂帅', winnerId: 2, taskCode: 'QY-2026-031' }, today)],
    ['loop-apply-form', applyFormCard(call, '城关街道')],
    ['loop-apply-form', applyFormCard(call, '城关街道', done)],
    ['loop-call-compare', compareCard(call, today)],
    ['loop-call-compare', compareCard({ ...call, applications: [] }, today)],
    ['loop-call-compare', compareCard({ ...call, status: '已挂帅', winnerId: 2 }, today, done)],
    ['notice', callListCard([call], today, true, [])],
    ['notice', callListCard([call], today, false, [1])],
    ['loop-suggestion-form', suggestionFormCard('袁媛 · 城关街道')],
    ['loop-suggestion', suggestionCard(s, units)],
    // The suggester's receipts: from the form (title + owner) and from text (the title is its first sentence).
    ['notice', suggestionReceiptCard(s)],
    ['notice', suggestionReceiptCard({ ...s, title: '推行村级事务积分制管理' }, '推行村级事务积分制管理。具体做法是积分兑换，村民参与度低的问题可以缓解')],
    ['loop-suggestion', suggestionCard({ ...s, status: '研究中' }, units)],
    ['loop-suggestion', suggestionCard({ ...s, status: '已入库' }, [], done)],
    ['loop-study', studyCard(s)],
    ['loop-study', studyCard(s, done)],
    ['loop-risk-form', riskFormCard({ number: item.number, title: item.title, id: 1, reviews: [] })],
    ['loop-risk-form', riskFormCard({ number: 'QY-2026-001', title: '任务', taskId: 5, reviews: [review] }, done)],
    ['loop-launch-form', launchFormCard(item, units)],
    ['loop-launch-form', launchFormCard(item, [], done)],
  ];
}
