// 推广: a promoting unit's people get the report form of each plan their unit is in (privately);
// the office gets the plans with their batches and who has reported this month.
import { md, txt } from '../../../cards/markup.js';
import { monthContaining } from '../../../core/periods.js';
import { plansOfUnit, promotionFormCard } from '../../../pilot/promotion.js';
import { noticeCard } from '../../cards.js';
import type { CommandHandler } from '../../context.js';
import { card, sendPrivately, text } from '../../say.js';
import { actorUnitNames } from '../../../ledger/actions.js';

export const promotionCommand: CommandHandler<'promotion'> = async (ctx) => {
  const { db, tenant, actor, today, sourceRef } = ctx;
  const month = monthContaining(today);
  if (actor.unitId !== null && !actor.roles.includes('ADMIN')) {
    // 兼职: the plans of every unit of the person, each form naming its unit.
    const plans = (await Promise.all((actor.units ?? [{ unitId: actor.unitId, unitName: actor.unitName ?? '本单位' }]).map(async (u) =>
      (await plansOfUnit(db, tenant.id, u.unitId)).map((p) => ({ ...p, unitName: u.unitName || '本单位' }))))).flat();
    if (!plans.length) return { ok: false, reply: text(txt`${actorUnitNames(actor) ?? '本单位'}目前不是任何推广方案的推广单位。`), summary: md`✗ 推广：不是推广单位` };
    if (!actor.openId) return { ok: false, reply: text(txt`您的人员信息中没有飞书账号，无法私信发送表单，请联系县委改革办补充。`), summary: md`✗ 推广：无飞书账号` };
    for (const p of plans) {
      await sendPrivately(db, tenant.id, actor.openId, `promotion-form:${sourceRef}:${p.id}`, card(promotionFormCard(p, p.unitName, p.units[0]?.batch ?? '', month.label)));
    }
    const where = ctx.msg.chatType === 'p2p' ? txt`推广进展报送表单（${plans.length} 份）已发到本对话，填写后点「提交」。` : txt`推广进展报送表单（${plans.length} 份）已私信发给您。`;
    return { ok: true, reply: text(where), summary: md`推广：表单已私信发送` };
  }
  const plans = await db.promotionPlan.findMany({ where: { tenantId: tenant.id }, include: { units: true }, orderBy: { id: 'asc' } });
  if (!plans.length) return { ok: true, reply: text(txt`还没有推广方案。`), summary: md`推广：暂无方案` };
  const reports = await db.promotionReport.findMany({ where: { tenantId: tenant.id, period: month.key }, select: { planId: true, unitId: true } });
  const reported = new Set(reports.map((r) => `${r.planId}:${r.unitId}`));
  const names = new Map((await db.unit.findMany({ where: { tenantId: tenant.id }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const blocks = plans.map((p) => {
    const lines = p.units.map((u) => md`· ${u.batch}　${names.get(u.unitId) ?? '—'}　${reported.has(`${p.id}:${u.unitId}`) ? '本月已报送' : '本月未报送'}`);
    return md`**${p.title}**\n核心机制：${p.corePractice}\n底线要求：${p.bottomLines}\n${lines.reduce((a, b) => md`${a}\n${b}`)}`;
  });
  return { ok: true, reply: card(noticeCard(`复制推广 · ${month.label}`, blocks.reduce((a, b) => md`${a}\n\n${b}`))), summary: md`推广：${plans.length} 项方案` };
};
