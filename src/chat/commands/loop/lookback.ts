// 回头看: the card that asks the lead unit (also sent by the job), and the 「回头看」 command — the
// office's list (answers, and 重新立项 for weak or stopped reforms) or a unit's own pending ones.
import { button, markdownElement, renderCard, truncateList, type Card } from '../../../cards/render.js';
import { md } from '../../../cards/markup.js';
import { truncate } from '../../../core/text.js';
import { lookbacksDue, type LookbackItem } from '../../../loop/lookbacks.js';
import type { CommandHandler } from '../../context.js';
import { noticeCard, type CardOutcome } from '../../cards.js';
import { card } from '../../say.js';
import { actorUnitIds } from '../../../core/permissions.js';
import { actorUnitNames } from '../../../ledger/actions.js';

export function lookbackCard(l: LookbackItem, done?: CardOutcome): Card {
  return renderCard('loop-lookback', {
    code: l.code, subtitle: `${l.leadUnitName} · 销号于 ${l.closedOn}`, title: l.title, taskId: l.taskId,
    body: md`该项改革已于 ${l.closedOn} 销号。请牵头单位对照改革目标，回头看改革举措是否仍在运行、成效是否持续，并提供佐证和数据。`,
    done: Boolean(done) || l.answer !== null, doneText: done?.text ?? (l.answer ? md`已答复：**${l.answer}**\n${l.evidence ?? ''}${l.numbers ? md`\n数据：${l.numbers}` : ''}` : ''),
    headerColor: done?.colour ?? (l.answer ? 'grey' : 'orange'),
  });
}

const ANSWER_COLOUR: Record<string, string> = { 持续见效: 'green', 效果减弱: 'orange', 已停止运行: 'red' };

/** The office's list: each item, its answer, and a reopen form for the weak and stopped ones. */
export function lookbackListCard(items: LookbackItem[], heading: string, office: boolean): Card {
  const { shown, moreText } = truncateList(items, 12);
  const rows = shown.flatMap((l) => {
    const state = l.answer ? md`<font color='${ANSWER_COLOUR[l.answer]!}'>${l.answer}</font>${l.evidence ? md` · ${truncate(l.evidence, 60)}` : ''}` : md`<font color='grey'>未答复</font>`;
    const els: Card[] = [markdownElement(md`**${l.code}** ${truncate(l.title, 36)}\n${l.leadUnitName} · 到期 ${l.dueOn} · ${state}${l.followUpTaskId && l.followUpTaskId > 0 ? ' · 已重新立项' : ''}`)];
    if (!office && !l.answer) els.push(button('填报回头看', { a: 'lb_form', t: l.taskId }, 'primary'));
    if (office && l.answer && l.answer !== '持续见效' && !l.followUpTaskId) {
      els.push({ tag: 'form', name: `reopen_${l.taskId}`, elements: [
        { tag: 'input', name: 'deadline', required: true, placeholder: { tag: 'plain_text', content: '整改完成时限，如 2027-06-30' }, max_length: 20 },
        { tag: 'button', name: `lb_reopen_${l.taskId}`, text: { tag: 'plain_text', content: '重新立项' }, type: 'danger', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'lb_reopen', t: l.taskId } }] },
      ] });
    }
    return els;
  });
  const n = (a: string | null) => items.filter((l) => l.answer === a).length;
  return noticeCard(heading, items.length
    ? md`共 ${items.length} 项：持续见效 ${n('持续见效')}、效果减弱 ${n('效果减弱')}、已停止运行 ${n('已停止运行')}、未答复 ${n(null)}。${moreText ? md`\n${moreText}` : ''}`
    : md`暂无到期的回头看事项。`, 'blue', rows);
}

export const lookbacksCommand: CommandHandler<'lookbacks'> = async (ctx) => {
  const office = ctx.actor.roles.includes('ADMIN') || ctx.actor.roles.includes('LEADER');
  if (!office && actorUnitIds(ctx.actor).length === 0) return { ok: false, reply: card(noticeCard('回头看', md`回头看由事项牵头单位填报，您的人员信息中没有所属单位。`, 'grey')), summary: md`✗ 回头看：没有所属单位` };
  const items = await lookbacksDue(ctx.db, ctx.tenant.id, ctx.today, office ? {} : { unitIds: actorUnitIds(ctx.actor) });
  const list = office ? items : items.filter((l) => !l.answer);
  return { ok: true, reply: card(lookbackListCard(list, office ? '改革事项回头看' : `回头看：${actorUnitNames(ctx.actor)}`, ctx.actor.roles.includes('ADMIN'))), summary: md`✓ 回头看：${list.length} 项` };
};
