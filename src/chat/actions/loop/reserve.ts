// The 储备库 cards' buttons: 风控审查 (opens the form privately), 提交审查结论, 立项 (opens the form),
// 立项并交办 (makes the task and sends its 任务交办单 in the same transaction).
import { md } from '../../../cards/markup.js';
import type { Card } from '../../../cards/render.js';
import { checkLoopPermission } from '../../../core/loop/permissions.js';
import { RISK_DIMENSIONS, type DimensionReview } from '../../../core/loop/risk.js';
import { launchItem, loadReserve, recordReview, reviewsOf } from '../../../loop/reserve.js';
import { readTaskForm } from '../../../loop/tasks.js';
import { loadTask } from '../../../ledger/actions.js';
import { doneLine, noticeCard } from '../../cards.js';
import { refused, warn, type ActionContext, type ActionSpec } from '../../context.js';
import { card, sendPrivately } from '../../say.js';
import { launchFormCard, riskFormCard } from '../../commands/loop/cards.js';
import { activeUnits, dispatchInTx } from '../../commands/loop/effects.js';
import { clickKey } from './suggestion.js';
import { isPrivateCard } from '../audience.js';

/** A form is one person's view: in place in their private chat, else sent to it. */
async function showForm(ctx: ActionContext, view: Card, key: string) {
  if (await isPrivateCard(ctx.db, ctx.action)) return { card: { type: 'raw' as const, data: view } };
  if (!ctx.actor.openId) return refused({ reason: '您的人员信息中没有飞书账号，无法私信发送' });
  await sendPrivately(ctx.db, ctx.tenant.id, ctx.actor.openId, `${key}:${clickKey(ctx)}`, card(view));
  return { toast: { type: 'info' as const, content: '表单已私信发给您，请在与台账机器人的私聊中填写' } };
}

export const riskFormAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const allowed = checkLoopPermission(ctx.actor, 'review');
    if (!allowed.ok) return refused(allowed);
    const item = ctx.value.id ? await loadReserve(ctx.db, ctx.tenant.id, ctx.value.id) : null;
    if (!item) return refused({ reason: '该议题不存在' });
    return showForm(ctx, riskFormCard({ number: item.number, title: item.title, id: item.id, reviews: item.reviews }), `risk-form:${item.id}`);
  },
};

const KEYS: Record<(typeof RISK_DIMENSIONS)[number], string> = { 可行性: 'feasibility', 合法性: 'legality', 社会风险: 'social', 舆情风险: 'opinion' };

export const riskSubmitAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const allowed = checkLoopPermission(ctx.actor, 'review');
    if (!allowed.ok) return refused(allowed);
    const form = ctx.action.formValue ?? {};
    const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim().slice(0, 500) : undefined);
    const dims = RISK_DIMENSIONS.map((d) => ({ dimension: d, result: str(KEYS[d]), note: str(`${KEYS[d]}Note`) ?? '' })) as Partial<DimensionReview>[];
    const item = ctx.value.id ? await loadReserve(ctx.db, ctx.tenant.id, ctx.value.id) : null;
    const task = !item && ctx.value.t ? await loadTask(ctx.db, ctx.tenant.id, ctx.value.t) : null;
    if (!item && !task) return refused({ reason: '审查对象不存在' });
    const out = await recordReview(ctx.db, ctx.app.clock, ctx.actor, item ? { item } : { taskId: task!.id, tenantId: ctx.tenant.id }, dims, `card:${clickKey(ctx)}`);
    if (!out.ok) return out.already ? refused(out) : warn(out.reason);
    const reviews = await reviewsOf(ctx.db, ctx.tenant.id, item ? { reserveItemId: item.id } : { taskId: task!.id });
    const next = out.verdict === '不通过' ? '审查未通过，不能立项。' : item ? `可以立项：发送「立项 ${item.number}」或在储备库中点「立项」。` : '已记入事项历史。';
    const view = riskFormCard({ number: item?.number ?? task!.code, title: item?.title ?? task!.title, reviews }, {
      text: md`${doneLine(`审查结论：${out.verdict}`, ctx.actor.name, out.at)}\n${next}`, colour: out.verdict === '通过' ? 'green' : out.verdict === '有条件通过' ? 'orange' : 'red',
    });
    return { toast: { type: out.duplicate ? 'info' : 'success', content: out.duplicate ? '该审查结论此前已记录' : `审查结论：${out.verdict}` }, card: { type: 'raw', data: view } };
  },
};

export const launchFormAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const allowed = checkLoopPermission(ctx.actor, 'launch');
    if (!allowed.ok) return refused(allowed);
    const item = ctx.value.id ? await loadReserve(ctx.db, ctx.tenant.id, ctx.value.id) : null;
    if (!item) return refused({ reason: '该议题不存在' });
    return showForm(ctx, launchFormCard(item, await activeUnits(ctx.db, ctx.tenant.id)), `launch-form:${item.id}`);
  },
};

export const launchSubmitAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const item = ctx.value.id ? await loadReserve(ctx.db, ctx.tenant.id, ctx.value.id) : null;
    if (!item) return refused({ reason: '该议题不存在' });
    const allowed = checkLoopPermission(ctx.actor, 'launch');
    if (!allowed.ok) return refused(allowed);
    const form = await readTaskForm(ctx.db, ctx.tenant.id, ctx.action.formValue ?? {});
    if (!form.ok) return warn(form.reason);
    let told = 0;
    const out = await launchItem(ctx.db, ctx.app.clock, ctx.actor, item, { ...form.value, title: form.value.title ?? item.title }, async (tx, r) => {
      told = (await dispatchInTx(tx, ctx.tenant.id, r.taskId)).length;
      if (item.suggestionId) {
        const s = await tx.suggestion.findFirst({ where: { id: item.suggestionId }, select: { suggesterId: true, number: true } });
        const p = s ? await tx.person.findFirst({ where: { id: s.suggesterId }, select: { openId: true } }) : null;
        if (p?.openId) await sendPrivately(tx, ctx.tenant.id, p.openId, `sg:${item.suggestionId}:立项:${r.taskId}`, card(noticeCard(`您的改革建议已立项（${s!.number}）`, md`**${item.title}**\n已列入改革台账：${r.code}，由有关单位牵头推进。感谢您为改革建言献策！`, 'green')));
      }
    });
    if (!out.ok) return refused(out);
    const now = (await loadReserve(ctx.db, ctx.tenant.id, item.id))!;
    const view = launchFormCard(now, [], { text: md`${doneLine(`已立项：${out.code}`, ctx.actor.name, out.at)}\n任务交办单已发牵头单位（${told} 处）。`, colour: 'green' });
    return { toast: { type: 'success', content: `已立项 ${out.code}，任务交办单已发出` }, card: { type: 'raw', data: view } };
  },
};
