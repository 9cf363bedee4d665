// The reform loop's chat cards (templates cards/loop-*.json; lists and notices on notice.json).
// Ledger text goes in as plain strings (escaped by the renderer) or as md`…`.
import { button, markdownElement, renderCard, truncateList, type Card } from '../../../cards/render.js';
import { joinMd, md, type Md } from '../../../cards/markup.js';
import { shanghaiShort } from '../../../core/dates.js';
import { truncate } from '../../../core/text.js';
import { FINAL_SUGGESTION_STATUSES } from '../../../core/loop/suggestion.js';
import type { SuggestionRecord } from '../../../loop/suggestions.js';
import type { ReserveRecord, ReviewRecord } from '../../../loop/reserve.js';
import { noticeCard, type CardOutcome } from '../../cards.js';

type Option = { text: { tag: 'plain_text'; content: string }; value: string };
export const unitOptions = (units: { id: number; name: string }[]): Option[] =>
  truncateList(units, 100).shown.map((u) => ({ text: { tag: 'plain_text', content: u.name }, value: String(u.id) }));

export function suggestionFormCard(who: string, intro?: Md): Card {
  return renderCard('loop-suggestion-form', {
    heading: '提交改革建议', subtitle: who,
    intro: intro ?? md`基层议改革：请写下您发现的问题和建议举措，县委改革办会逐条办理并告知结果。`,
  });
}

function suggestionDetails(s: SuggestionRecord): Md {
  const lines: Md[] = [];
  if (s.problem) lines.push(md`**发现的问题**：${truncate(s.problem, 400)}`);
  if (s.proposal) lines.push(md`**建议举措**：${truncate(s.proposal, 600)}`);
  if (s.proposedLeadUnit) lines.push(md`**建议牵头单位**：${s.proposedLeadUnit}`);
  if (s.studyUnitName) lines.push(md`**转单位研究**：${s.studyUnitName}（${s.studyDue ?? '—'} 前答复）${s.studyAnswer ? md`\n**研究意见**：${truncate(s.studyAnswer, 400)}` : ''}`);
  return lines.length ? joinMd(lines) : md`（无补充说明）`;
}

/**
 * The suggester's receipt. The title is the text's first sentence (titleOf), so a text suggestion
 * shows its text alone: the title above it would say its first sentence twice.
 */
export function suggestionReceiptCard(s: SuggestionRecord, typed?: string): Card {
  const owner = md`承办：县委改革办${s.ownerName ? md` ${s.ownerName}` : ''}。`;
  return noticeCard(`改革建议已收到：${s.number}`, typed
    ? md`${truncate(typed, 600)}\n\n${owner}办理结果（采纳入库、转单位研究、合并或不予采纳）会私信告知您。`
    : md`**${s.title}**\n${owner}办理结果会私信告知您。`, 'green');
}

/** The office's card for one suggestion: details and the four actions while it is open. */
export function suggestionCard(s: SuggestionRecord, units: { id: number; name: string }[], done?: CardOutcome): Card {
  const open = !done && !FINAL_SUGGESTION_STATUSES.includes(s.status);
  return renderCard('loop-suggestion', {
    number: s.number, heading: `改革建议 ${s.number}`, status: s.status, title: s.title,
    suggester: `${s.suggesterName}${s.suggesterUnit ? `（${s.suggesterUnit}）` : ''}`, owner: s.ownerName ?? '—', when: shanghaiShort(s.createdAt),
    details: suggestionDetails(s), id: s.id, open, canStudy: open && s.status === '待处理', unitOptions: unitOptions(units),
    done: Boolean(done), doneText: done?.text ?? '', headerColor: done?.colour ?? (open ? 'blue' : 'grey'),
  });
}

/** To the unit asked to study a suggestion; answered in the card. */
export function studyCard(s: SuggestionRecord, done?: CardOutcome): Card {
  return renderCard('loop-study', {
    number: s.number, due: s.studyDue ?? '—', title: s.title, details: suggestionDetails({ ...s, studyUnitName: null }), id: s.id,
    done: Boolean(done), doneText: done?.text ?? '', headerColor: done?.colour ?? 'blue',
  });
}

/** The suggester hears each outcome. */
export function outcomeCard(s: SuggestionRecord, headline: string, body: Md, colour: CardOutcome['colour']): Card {
  return noticeCard(`${headline}（${s.number}）`, md`**${s.title}**\n${body}`, colour);
}

export function suggestionListCard(list: SuggestionRecord[], heading: string, empty: string, intro?: Md): Card {
  const { shown, moreText } = truncateList(list, 15);
  const rows = shown.flatMap((s) => [
    markdownElement(md`**${s.number}** ${truncate(s.title, 40)}\n<font color='grey'>${s.suggesterName}${s.suggesterUnit ? ` · ${s.suggesterUnit}` : ''} · ${shanghaiShort(s.createdAt)}${s.studyAnswer ? ' · 单位已答复' : ''}</font>`),
    button('办理', { a: 'sg_open', id: s.id }),
  ]);
  return noticeCard(heading, list.length ? md`${intro ?? md`共 ${list.length} 条待处理。`}${moreText ? md`\n${moreText}` : ''}` : md`${empty}`, list.length ? 'blue' : 'green', rows);
}

const VERDICT_COLOUR: Record<string, string> = { 通过: 'green', 有条件通过: 'orange', 不通过: 'red' };
export function reviewLines(reviews: ReviewRecord[]): Md {
  const last = reviews.at(-1);
  if (!last) return md`风控审查：未审查`;
  const dims = joinMd(last.dimensions.map((d) => md`· ${d.dimension}：${d.result}${d.note ? md`（${truncate(d.note, 80)}）` : ''}`));
  return md`风控审查：**${last.verdict}** · ${last.reviewerName} · ${shanghaiShort(last.reviewedAt)}${reviews.length > 1 ? md`（第 ${reviews.length} 次审查）` : ''}\n${dims}`;
}

export function reserveListCard(items: ReserveRecord[], office: boolean, heading = '改革议题储备库'): Card {
  const { shown, moreText } = truncateList(items, 12);
  const rows = shown.flatMap((r) => {
    const topic = r.meeting ? md` · 深改委议题（${r.meeting}）` : '';
    const els: Card[] = [markdownElement(md`**${r.number}** ${truncate(r.title, 40)}\n<font color='grey'>${r.status} · 来源：${r.source}${r.suggestionNumber ? `（${r.suggestionNumber}）` : ''}${topic}${r.taskCode ? ` · 已立项 ${r.taskCode}` : ''}</font>\n${reviewLines(r.reviews)}`)];
    if (office && r.status !== '已立项') els.push(button('风控审查', { a: 'risk_form', id: r.id }));
    if (office && (r.status === '审查通过' || r.status === '有条件通过')) els.push(button('立项', { a: 'launch_form', id: r.id }, 'primary'));
    return els;
  });
  const count = (s: string) => items.filter((r) => r.status === s).length;
  return noticeCard(heading, items.length
    ? md`共 ${items.length} 项：待审查 ${count('待审查')}、审查通过 ${count('审查通过') + count('有条件通过')}、未通过 ${count('审查未通过')}、已立项 ${count('已立项')}。${moreText ? md`\n${moreText}` : ''}`
    : md`储备库暂无议题。改革建议经「采纳入库」后进入储备库。`, 'blue', rows);
}

export function riskFormCard(subject: { number: string; title: string; id?: number; taskId?: number; reviews: ReviewRecord[] }, done?: CardOutcome): Card {
  return renderCard('loop-risk-form', {
    number: subject.number, intro: md`**${subject.title}**\n${reviewLines(subject.reviews)}\n\n四个维度逐项给出结论；任一项不通过即审查未通过，通过或有条件通过后方可立项。`,
    id: subject.id, taskId: subject.taskId, done: Boolean(done), doneText: done?.text ?? '', headerColor: done?.colour ?? 'blue',
  });
}

export function launchFormCard(item: ReserveRecord, units: { id: number; name: string }[], done?: CardOutcome): Card {
  return renderCard('loop-launch-form', {
    heading: `立项：${item.number}`, subtitle: '风控审查通过的议题转为台账事项', headerColor: done?.colour ?? 'blue',
    intro: md`**${item.title}**\n${item.summary ? md`${truncate(item.summary, 600)}\n` : ''}${reviewLines(item.reviews)}`,
    title: item.title, unitOptions: unitOptions(units), initialUnit: undefined, id: item.id, action: 'launch_submit', submitText: '立项并交办',
    done: Boolean(done), doneText: done?.text ?? '',
  });
}

export { VERDICT_COLOUR };
