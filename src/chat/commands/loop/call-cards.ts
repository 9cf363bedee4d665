// 揭榜挂帅's cards: the 发榜 form, the 榜单, the 揭榜 form, and the side-by-side 比选 card.
import { button, markdownElement, renderCard, truncateList, type Card } from '../../../cards/render.js';
import { joinMd, md, type Md } from '../../../cards/markup.js';
import { truncate } from '../../../core/text.js';
import { applyingUnit, callPhase } from '../../../core/loop/call.js';
import type { CallRecord } from '../../../loop/calls.js';
import { noticeCard, type CardOutcome } from '../../cards.js';

export function callFormCard(): Card {
  return renderCard('loop-call-form', { intro: md`发布后，榜单发到全体工作群（或所选单位），各单位可「我要揭榜」或发送「揭榜 <榜单号>」。截止前 3 个和 1 个工作日提醒。` });
}

function callBody(c: CallRecord): Md {
  return joinMd([
    md`**任务要求**：${truncate(c.requirements, 800)}`,
    ...(c.support ? [md`**支持政策**：${truncate(c.support, 600)}`] : []),
    md`**揭榜截止**：${c.deadline}　**发布范围**：${c.audience === 'all' ? '全体单位' : c.audienceNames.join('、')}`,
  ]);
}

export function callCard(c: CallRecord, today: string, done?: CardOutcome): Card {
  const phase = callPhase(c, today);
  return renderCard('loop-call', {
    number: c.number, heading: `揭榜挂帅榜单：${c.number}`, subtitle: phase, title: c.title, body: callBody(c), id: c.id,
    open: !done && phase === '征集中', done: Boolean(done) || phase !== '征集中',
    doneText: done?.text ?? (phase === '已挂帅' ? md`已确定挂帅单位，详见台账 ${c.taskCode ?? ''}` : md`${phase}`),
    headerColor: done?.colour ?? (phase === '征集中' ? 'orange' : 'grey'),
  });
}

export function applyFormCard(c: CallRecord, unit: string, done?: CardOutcome): Card {
  return renderCard('loop-apply-form', { number: c.number, unit, title: c.title, body: callBody(c), id: c.id, done: Boolean(done), doneText: done?.text ?? '', headerColor: done?.colour ?? 'blue' });
}

/** The office compares the applications side by side and picks one. */
export function compareCard(c: CallRecord, today: string, done?: CardOutcome): Card {
  const { shown, moreText } = truncateList(c.applications, 10);
  const table = shown.length ? [{
    tag: 'table', page_size: 10, row_height: 'auto', header_style: { bold: true, background_style: 'grey' },
    columns: [
      { name: 'unit', display_name: '揭榜单位', data_type: 'text', width: 'auto' },
      { name: 'plan', display_name: '实施思路', data_type: 'text' },
      { name: 'lead', display_name: '团队负责人', data_type: 'text', width: 'auto' },
      { name: 'expected', display_name: '预期成果', data_type: 'text' },
      { name: 'status', display_name: '状态', data_type: 'text', width: 'auto' },
    ],
    rows: shown.map((a) => ({ unit: a.unitName, plan: truncate(a.plan, 200), lead: a.teamLead, expected: truncate(a.expected, 200), status: a.status })),
  }] : [];
  const phase = callPhase(c, today);
  const canPick = !done && c.status === '征集中' && c.applications.length > 0;
  return renderCard('loop-call-compare', {
    number: c.number, subtitle: `${phase} · ${c.applications.length} 个单位揭榜`, title: c.title, table,
    rows: [markdownElement(c.applications.length ? md`${moreText ? md`${moreText}\n` : ''}<font color='grey'>截止 ${c.deadline}；未选中的揭榜方案留存备查。</font>` : md`还没有单位揭榜（截止 ${c.deadline}）。`)],
    canPick, options: shown.map((a) => ({ text: { tag: 'plain_text', content: a.unitName }, value: String(a.id) })), id: c.id,
    done: Boolean(done) || c.status !== '征集中', doneText: done?.text ?? (c.status === '已挂帅' ? md`已挂帅：${c.applications.find((a) => a.id === c.winnerId)?.unitName ?? ''}（${c.taskCode ?? ''}）` : md`${phase}`),
    headerColor: done?.colour ?? (canPick ? 'blue' : 'grey'),
  });
}

/** `unitIds`: the viewer's units, primary first (兼职: each call is judged for the unit that would apply to it). */
export function callListCard(calls: CallRecord[], today: string, office: boolean, unitIds: readonly number[]): Card {
  const rows = calls.slice(0, 10).flatMap((c) => {
    const phase = callPhase(c, today);
    const unitId = applyingUnit(c, unitIds);
    const mine = unitId !== null && c.applications.some((a) => a.unitId === unitId);
    const els: Card[] = [markdownElement(md`**${c.number}** ${truncate(c.title, 40)}\n<font color='grey'>${phase} · 截止 ${c.deadline} · 揭榜 ${c.applications.length} 个单位${mine ? ' · 本单位已揭榜' : ''}${c.taskCode ? ` · ${c.taskCode}` : ''}</font>`)];
    if (office) els.push(button('比选', { a: 'call_compare', id: c.id }));
    else if (phase === '征集中' && !mine) els.push(button('我要揭榜', { a: 'call_apply_form', id: c.id }, 'primary'));
    return els;
  });
  return noticeCard('揭榜挂帅榜单', calls.length ? md`共 ${calls.length} 个榜单。` : md`暂无榜单。${office ? md`发送「发榜」发布榜单。` : ''}`, 'orange', rows);
}
