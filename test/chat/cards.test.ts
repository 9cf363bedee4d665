// The chat cards' colours and titles say what happened: a 销号审核 sent back is not green like
// one closed out; a withdrawn one is grey; a dispute is not green like a signature; a receipt of
// something recorded before is grey.
import { describe, expect, it } from 'vitest';
import { md } from '../../src/cards/markup.js';
import { dispatchCard, receiptCard, reviewCard } from '../../src/chat/cards.js';
import type { TaskRecord } from '../../src/ledger/actions.js';

const task: TaskRecord = {
  id: 9, tenantId: 1, code: 'QY-2026-009', title: '社区治理共同体建设试点', category: '改革试点', status: '待销号', statusReason: null,
  deadline: '2027-03-31', deliverable: null, ownerName: null, leadLeaderNames: [], coUnitNames: [], lastPercent: null,
  leadUnitId: 1, leadUnitName: '城关街道', coUnitIds: [], leadLeaderIds: [],
};
const head = (c: Record<string, unknown>) => c['header'] as { template: string; title: { content: string } };
const info = { text: '已出台', reporter: '袁媛', completedOn: '2026-11-23', onTime: true };

describe('chat card colours and titles', () => {
  it('销号审核: open orange, closed out green, sent back orange, withdrawn grey — each titled so', () => {
    expect(head(reviewCard(task, info))).toMatchObject({ template: 'orange', title: { content: '销号审核' } });
    expect(head(reviewCard(task, info, { text: md`已同意销号`, colour: 'green' }))).toMatchObject({ template: 'green', title: { content: '销号审核 · 已销号' } });
    expect(head(reviewCard(task, info, { text: md`已退回`, colour: 'orange' }))).toMatchObject({ template: 'orange', title: { content: '销号审核 · 已退回' } });
    expect(head(reviewCard(task, info, { text: md`已撤回`, colour: 'grey' }))).toMatchObject({ template: 'grey', title: { content: '销号审核 · 已撤回' } });
  });

  it('任务交办单: signed green, disputed orange; receipts of a duplicate or a withdrawal grey', () => {
    expect(head(dispatchCard(task, [], { text: md`已签收`, colour: 'green' })).template).toBe('green');
    expect(head(dispatchCard(task, [], { text: md`已提出异议`, colour: 'orange' })).template).toBe('orange');
    const at = new Date('2026-11-23T01:30:00Z');
    expect(head(receiptCard({ kind: '进展', task, reporter: '袁媛', at, text: 'x' }))).toMatchObject({ template: 'green', title: { content: '进展已记录' } });
    expect(head(receiptCard({ kind: '进展', task, reporter: '袁媛', at, text: 'x', duplicate: true }))).toMatchObject({ template: 'grey', title: { content: '进展此前已记录' } });
    expect(head(receiptCard({ kind: '完成', task, reporter: '袁媛', at, text: 'x', withdrawn: md`已撤回` }))).toMatchObject({ template: 'grey', title: { content: '完成报告已撤回' } });
  });
});
