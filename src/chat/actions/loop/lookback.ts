// 回头看's buttons: 填报回头看 (the card, privately), 提交 (the lead unit's answer, once), 重新立项 (the
// office reopens a weak or stopped reform as a follow-up task with its 任务交办单).
import { md } from '../../../cards/markup.js';
import { answerLookback, lookbackFor, reopenLookback } from '../../../loop/lookbacks.js';
import { officeRecipients } from '../../../ledger/recipients.js';
import { doneLine, noticeCard } from '../../cards.js';
import { refused, warn, type ActionContext, type ActionSpec } from '../../context.js';
import { card, sendPrivately, sendTo } from '../../say.js';
import { lookbackCard } from '../../commands/loop/lookback.js';
import { dispatchInTx } from '../../commands/loop/effects.js';
import { readDate } from '../../commands/loop/suggest.js';
import { clickKey } from './suggestion.js';
import { isPrivateCard } from '../audience.js';

const field = (ctx: ActionContext, name: string) => {
  const v = (ctx.action.formValue ?? {})[name];
  return typeof v === 'string' ? v.trim() : '';
};

async function itemOf(ctx: ActionContext) {
  return ctx.value.t ? lookbackFor(ctx.db, ctx.tenant.id, ctx.value.t, ctx.today) : null;
}

export const lookbackFormAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const item = await itemOf(ctx);
    if (!item) return refused({ reason: '该事项没有到期的回头看' });
    const view = lookbackCard(item);
    if (await isPrivateCard(ctx.db, ctx.action)) return { card: { type: 'raw', data: view } };
    if (!ctx.actor.openId) return refused({ reason: '您的人员信息中没有飞书账号，无法私信发送' });
    await sendPrivately(ctx.db, ctx.tenant.id, ctx.actor.openId, `lb-form:${item.taskId}:${clickKey(ctx)}`, card(view));
    return { toast: { type: 'info', content: '回头看填报卡片已私信发给您' } };
  },
};

export const lookbackAnswerAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const item = await itemOf(ctx);
    if (!item) return refused({ reason: '该事项没有到期的回头看' });
    const evidence = field(ctx, 'evidence').slice(0, 1000);
    const out = await answerLookback(ctx.db, ctx.app.clock, ctx.actor, item, { answer: field(ctx, 'answer'), evidence, numbers: field(ctx, 'numbers').slice(0, 500) || null }, async (tx, r) => {
      if (r.item.answer !== '持续见效') {
        await sendTo(tx, ctx.tenant.id, await officeRecipients(tx, ctx.tenant.id), `lookback:${item.taskId}:${item.dueOn}:weak`, card(noticeCard(`回头看：${item.code} ${r.item.answer}`,
          md`**${item.title}**\n${item.leadUnitName}：${r.item.answer}\n${evidence}\n发送「回头看」可重新立项整改。`, r.item.answer === '已停止运行' ? 'red' : 'orange')));
      }
    });
    if (!out.ok) return out.already ? { toast: { type: 'info', content: out.reason }, card: { type: 'raw', data: lookbackCard(item) } } : out.reason.startsWith('只有') ? refused(out) : warn(out.reason);
    return { toast: { type: 'success', content: '回头看已提交' }, card: { type: 'raw', data: lookbackCard(out.item, { text: md`${doneLine(`已答复：${out.item.answer}`, ctx.actor.name, out.at)}\n${evidence}`, colour: out.item.answer === '持续见效' ? 'green' : 'orange' }) } };
  },
};

export const lookbackReopenAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const item = await itemOf(ctx);
    if (!item) return refused({ reason: '该事项没有到期的回头看' });
    const deadline = readDate(field(ctx, 'deadline'));
    if (!ctx.actor.roles.includes('ADMIN')) return refused({ reason: '只有县委改革办可以重新立项。' });
    if (!deadline) return warn('整改完成时限应为日期，如 2027-06-30');
    const out = await reopenLookback(ctx.db, ctx.app.clock, ctx.actor, item, deadline, async (tx, r) => {
      await dispatchInTx(tx, ctx.tenant.id, r.taskId);
    });
    if (!out.ok) return out.already ? { toast: { type: 'info', content: out.reason } } : refused(out);
    return { toast: { type: 'success', content: `已重新立项 ${out.code}，任务交办单已发${item.leadUnitName}` } };
  },
};
