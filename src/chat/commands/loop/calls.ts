// 发榜 (the office's form), 榜单 (the list; the office compares from it), 揭榜 [榜单号] (the list of open
// calls, or the form for one).
import { md } from '../../../cards/markup.js';
import { checkLoopPermission } from '../../../core/loop/permissions.js';
import { actorUnitIds } from '../../../core/permissions.js';
import { findByNumber } from '../../../loop/common.js';
import { applicationCheck, listCalls, loadCall } from '../../../loop/calls.js';
import type { CommandHandler } from '../../context.js';
import { card } from '../../say.js';
import { refusedCommand } from '../report.js';
import { applyFormCard, callFormCard, callListCard } from './call-cards.js';

export const publishCallCommand: CommandHandler<'publishCall'> = async (ctx) => {
  const allowed = checkLoopPermission(ctx.actor, 'publishCall');
  if (!allowed.ok) return refusedCommand('发榜', '', allowed.reason);
  return { ok: true, reply: card(callFormCard()), summary: md`✓ 发榜：已发出榜单表` };
};

export const callsCommand: CommandHandler<'calls'> = async (ctx) => {
  const calls = await listCalls(ctx.db, ctx.tenant.id);
  return { ok: true, reply: card(callListCard(calls, ctx.today, ctx.actor.roles.includes('ADMIN'), actorUnitIds(ctx.actor))), summary: md`✓ 榜单：${calls.length} 个` };
};

export const applyCommand: CommandHandler<'apply'> = async (ctx, c) => {
  if (c.text === null) {
    const calls = await listCalls(ctx.db, ctx.tenant.id, { openOnly: true });
    return { ok: true, reply: card(callListCard(calls, ctx.today, false, actorUnitIds(ctx.actor))), summary: md`✓ 揭榜：${calls.length} 个榜单征集中` };
  }
  const found = await findByNumber(ctx.db, 'call', ctx.tenant.id, c.text.trim(), Number(ctx.today.slice(0, 4)));
  if (!found.ok) return refusedCommand('揭榜', c.text, found.reason);
  const call = (await loadCall(ctx.db, ctx.tenant.id, found.id))!;
  const check = applicationCheck(call, ctx.actor, ctx.today);
  if (!check.ok) return refusedCommand('揭榜', call.number, check.reason);
  return { ok: true, reply: card(applyFormCard(call, check.unitName)), summary: md`✓ 揭榜 ${call.number}：已发出揭榜表` };
};
