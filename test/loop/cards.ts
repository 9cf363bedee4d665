// Every reform-loop card template rendered in each of its states (test/cards/templates.test.ts
// validates them as Feishu does).
import type { Card } from '../../src/cards/render.js';
import { trustedMd } from '../../src/cards/markup.js';
import type { Db } from '../../src/db/client.js';
import { launchFormCard, riskFormCard, studyCard, suggestionCard, suggestionFormCard } from '../../src/chat/commands/loop/cards.js';
import type { SuggestionRecord } from '../../src/loop/suggestions.js';
import type { ReserveRecord } from '../../src/loop/reserve.js';

export const LOOP_TEMPLATES = ['loop-suggestion-form', 'loop-suggestion', 'loop-study', 'loop-risk-form', 'loop-launch-form'];

export async function loopCards(db: Db, tenantId: number): Promise<[string, Card][]> {
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
  return [
    ['loop-suggestion-form', suggestionFormCard('袁媛 · 城关街道')],
    ['loop-suggestion', suggestionCard(s, units)],
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
