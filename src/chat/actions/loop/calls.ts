// 揭榜挂帅's buttons: 发布榜单 (the 榜单 goes to the all-hands group or the chosen units' liaisons and
// groups), 我要揭榜 (the form, privately), 提交揭榜, 比选 (the side-by-side card, privately), 确定挂帅.
import { md } from '../../../cards/markup.js';
import { checkLoopPermission } from '../../../core/loop/permissions.js';
import { applicationCheck, applyToCall, loadCall, pickApplication, publishCall } from '../../../loop/calls.js';
import { allHandsRecipients, officeRecipients, unitPeople, type Recipient } from '../../../ledger/recipients.js';
import { doneLine, noticeCard } from '../../cards.js';
import { refused, warn, type ActionContext, type ActionSpec } from '../../context.js';
import { card, sendPrivately, sendTo } from '../../say.js';
import { applyFormCard, callCard, compareCard } from '../../commands/loop/call-cards.js';
import { dispatchInTx } from '../../commands/loop/effects.js';
import { readDate } from '../../commands/loop/suggest.js';
import { clickKey } from './suggestion.js';
import { isPrivateCard } from '../audience.js';
import type { Card } from '../../../cards/render.js';
import type { Tx } from '../../../db/client.js';

const field = (ctx: ActionContext, name: string) => {
  const v = (ctx.action.formValue ?? {})[name];
  return typeof v === 'string' ? v.trim() : '';
};

async function showPrivately(ctx: ActionContext, view: Card, key: string, what: string) {
  if (await isPrivateCard(ctx.db, ctx.action)) return { card: { type: 'raw' as const, data: view } };
  if (!ctx.actor.openId) return refused({ reason: '您的人员信息中没有飞书账号，无法私信发送' });
  await sendPrivately(ctx.db, ctx.tenant.id, ctx.actor.openId, `${key}:${clickKey(ctx)}`, card(view));
  return { toast: { type: 'info' as const, content: `${what}已私信发给您` } };
}

/** Each chosen unit's liaisons and its group. */
async function unitsRecipients(tx: Tx, tenantId: number, unitIds: number[]): Promise<Recipient[]> {
  const out: Recipient[] = [];
  for (const id of unitIds) {
    out.push(...await unitPeople(tx, tenantId, id, ['LIAISON']));
    const u = await tx.unit.findFirst({ where: { tenantId, id } });
    if (u?.chatId) out.push({ receiveIdType: 'chat_id', receiveId: u.chatId, label: `${u.name}工作群` });
  }
  return out;
}

export const publishCallAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const allowed = checkLoopPermission(ctx.actor, 'publishCall');
    if (!allowed.ok) return refused(allowed);
    const title = field(ctx, 'title'), requirements = field(ctx, 'requirements'), support = field(ctx, 'support') || null;
    const deadline = readDate(field(ctx, 'deadline'));
    if (!title || !requirements) return warn('请填写题目和任务要求');
    if (!deadline) return warn('揭榜截止应为日期，如 2026-12-15');
    const names = field(ctx, 'audience').split(/[、，,；;\s]+/).filter(Boolean).filter((n) => n !== '全体' && n !== '全体单位');
    const units = names.length ? await ctx.db.unit.findMany({ where: { tenantId: ctx.tenant.id, name: { in: names }, active: true }, select: { id: true, name: true } }) : [];
    const unknown = names.filter((n) => !units.some((u) => u.name === n));
    if (unknown.length) return warn(`没有这些单位：${unknown.join('、')}`);
    let told = 0;
    const out = await publishCall(ctx.db, ctx.app.clock, ctx.actor, { title, requirements, support, deadline, audience: units.length ? units.map((u) => u.id) : 'all', sourceRef: `card:${clickKey(ctx)}` }, async (tx, r) => {
      const to = r.call.audience === 'all' ? await allHandsRecipients(tx, ctx.tenant.id) : await unitsRecipients(tx, ctx.tenant.id, r.call.audience);
      told = to.length;
      await sendTo(tx, ctx.tenant.id, to, `call:${r.call.id}:publish`, card(callCard(r.call, ctx.today)));
    });
    if (!out.ok) return warn(out.reason);
    const view = noticeCard(`榜单已发布：${out.call.number}`, md`**${out.call.title}**\n揭榜截止 ${out.call.deadline}；发布范围：${out.call.audience === 'all' ? '全体单位' : out.call.audienceNames.join('、')}${told ? md`（${told} 处）` : ''}。\n发送「榜单」查看揭榜情况并比选。`, 'green');
    return { toast: { type: out.duplicate ? 'info' : 'success', content: out.duplicate ? '该榜单此前已发布' : `榜单 ${out.call.number} 已发布` }, card: { type: 'raw', data: view } };
  },
};

export const applyFormAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const call = ctx.value.id ? await loadCall(ctx.db, ctx.tenant.id, ctx.value.id) : null;
    if (!call) return refused({ reason: '该榜单不存在' });
    const allowed = checkLoopPermission(ctx.actor, 'applyCall');
    if (!allowed.ok) return refused(allowed);
    const check = applicationCheck(call, ctx.actor, ctx.today);
    if (!check.ok) return check.already ? { toast: { type: 'info', content: check.reason } } : refused(check);
    return showPrivately(ctx, applyFormCard(call, check.unitName), `apply-form:${call.id}`, '揭榜表');
  },
};

export const applyAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const call = ctx.value.id ? await loadCall(ctx.db, ctx.tenant.id, ctx.value.id) : null;
    if (!call) return refused({ reason: '该榜单不存在' });
    const plan = field(ctx, 'plan'), teamLead = field(ctx, 'teamLead'), expected = field(ctx, 'expected');
    if (!plan || !teamLead || !expected) return warn('请填写实施思路、团队负责人和预期成果');
    const out = await applyToCall(ctx.db, ctx.app.clock, ctx.actor, call, { plan: plan.slice(0, 1000), teamLead: teamLead.slice(0, 50), expected: expected.slice(0, 1000) }, async (tx, r) => {
      await sendTo(tx, ctx.tenant.id, await officeRecipients(tx, ctx.tenant.id), `call:${call.id}:applied:${r.application.id}`, card(noticeCard(`新的揭榜：${call.number}`,
        md`**${call.title}**\n${r.application.unitName}揭榜（团队负责人：${r.application.teamLead}）。发送「榜单」比选。`, 'blue')));
    });
    if (!out.ok) return out.already ? { toast: { type: 'info', content: out.reason } } : refused(out);
    return { toast: { type: 'success', content: '揭榜已提交' }, card: { type: 'raw', data: applyFormCard(call, out.application.unitName, { text: doneLine('已揭榜', ctx.actor.name, out.at), colour: 'green' }) } };
  },
};

export const compareAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const allowed = checkLoopPermission(ctx.actor, 'publishCall');
    if (!allowed.ok) return refused(allowed);
    const call = ctx.value.id ? await loadCall(ctx.db, ctx.tenant.id, ctx.value.id) : null;
    if (!call) return refused({ reason: '该榜单不存在' });
    return showPrivately(ctx, compareCard(call, ctx.today), `compare:${call.id}`, '比选卡片');
  },
};

export const pickAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const call = ctx.value.id ? await loadCall(ctx.db, ctx.tenant.id, ctx.value.id) : null;
    if (!call) return refused({ reason: '该榜单不存在' });
    const allowed = checkLoopPermission(ctx.actor, 'publishCall');
    if (!allowed.ok) return refused(allowed);
    const deadline = readDate(field(ctx, 'deadline'));
    if (!deadline) return warn('完成时限应为日期，如 2027-06-30');
    const out = await pickApplication(ctx.db, ctx.app.clock, ctx.actor, call, Number(field(ctx, 'application')), deadline, async (tx, r) => {
      await dispatchInTx(tx, ctx.tenant.id, r.taskId);
      if (r.winner.applicantOpenId) await sendPrivately(tx, ctx.tenant.id, r.winner.applicantOpenId, `call:${call.id}:won`, card(noticeCard(`揭榜成功：${call.number}`, md`**${call.title}**\n${r.winner.unitName}挂帅，已列入改革台账 ${r.code}，请签收任务交办单。`, 'green')));
      for (const o of r.others) {
        if (o.applicantOpenId) await sendPrivately(tx, ctx.tenant.id, o.applicantOpenId, `call:${call.id}:lost:${o.id}`, card(noticeCard(`揭榜结果：${call.number}`, md`**${call.title}**\n经比选，由${r.winner.unitName}挂帅。贵单位的揭榜方案已留存，感谢积极揭榜！`, 'grey')));
      }
    });
    if (!out.ok) return out.already ? { toast: { type: 'info', content: out.reason } } : refused(out);
    return { toast: { type: 'success', content: `已确定${out.winner.unitName}挂帅，事项 ${out.code} 已交办` }, card: { type: 'raw', data: compareCard(out.call, ctx.today, { text: doneLine(`已挂帅：${out.winner.unitName}（${out.code}）`, ctx.actor.name, out.at), colour: 'green' }) } };
  },
};
