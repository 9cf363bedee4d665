// 推广方案 <试点编号> <核心机制> 底线要求:… 首批推广单位:… [日期] 重点推广单位:… 后续跟进单位:… [标题:…]
// (office only): creates the 复制推广 plan from a pilot at 总结评估/经验形成 — once per title,
// audited — and tells each promoting unit's liaisons and commissioners (through the outbox).
// Without a text: the form card (cards/promotion-plan-form.json; 提交 in actions/pilot/promotion-plan.ts).
import { md, txt } from '../../../cards/markup.js';
import { parsePromotionPlanText } from '../../../core/pilot/promotion-plan.js';
import { findTaskByCode } from '../../../ledger/actions.js';
import { unitPeople } from '../../../ledger/recipients.js';
import { createPromotionPlan, type PlanUnit } from '../../../pilot/promotion-plan.js';
import { renderCard, type Card } from '../../../cards/render.js';
import type { DbOrTx } from '../../../db/client.js';
import { noticeCard } from '../../cards.js';
import type { CommandHandler } from '../../context.js';
import { card, sendTo, text } from '../../say.js';
import { refusedCommand } from '../report.js';

const USAGE = (code: string) => `请写明核心机制、底线要求和推广单位，如：推广方案 ${code} 三位一体培育机制 底线要求：不改变土地用途 首批推广单位：石堡镇、城关镇 2026-12-01 重点推广单位：县农业农村局 2027-01-04（后续跟进单位、标题 可选）`;

/** Tells each promoting unit's liaisons and commissioners, once per plan and unit; returns how many messages were queued. */
export async function notifyPromotingUnits(tx: DbOrTx, tenantId: number, plan: { id: number; title: string; corePractice: string; bottomLines: string }, units: PlanUnit[]): Promise<number> {
  let told = 0;
  for (const u of units) {
    const to = await unitPeople(tx, tenantId, u.unitId, ['LIAISON', 'COMMISSIONER']);
    told += await sendTo(tx, tenantId, to, `promotion-plan:${plan.id}:unit${u.unitId}`, card(noticeCard(`复制推广任务：${plan.title}`,
      md`${u.unitName}列为**${u.batch}**，自 ${u.startOn} 起推广。\n**核心机制**：${plan.corePractice}\n**底线要求**（不得改变）：${plan.bottomLines}\n\n请结合本地实际推进，每月发送「推广」报送推广进展、存在问题和适应性调整（改了什么、为什么）。`, 'blue')));
  }
  return told;
}

export function promotionPlanFormCard(task: { id: number; code: string; title: string }, pilot: { level: string; stage: string }): Card {
  return renderCard('promotion-plan-form', { code: task.code, taskTitle: task.title, level: pilot.level, stage: pilot.stage, taskId: task.id });
}

export const promotionPlanCommand: CommandHandler<'promotionPlan'> = async (ctx, command) => {
  const { db, app, tenant, actor, today } = ctx;
  if (!actor.roles.includes('ADMIN')) return refusedCommand('推广方案', command.codeText, '只有县委改革办可以制定推广方案。');
  const found = await findTaskByCode(db, tenant.id, command.codeText);
  if (!found.ok) return refusedCommand('推广方案', command.codeText, found.reason);
  const task = found.task;
  if (!command.text) {
    // The form card, in the chat it was asked in (only the office can submit it).
    const pilot = await db.pilot.findUnique({ where: { tenantId_taskId: { tenantId: tenant.id, taskId: task.id } } });
    if (!pilot) return refusedCommand('推广方案', task.code, `${task.code} 还不是试点，不能据此制定推广方案。`);
    return { ok: true, reply: card(promotionPlanFormCard(task, pilot)), summary: md`推广方案 ${task.code}：表单` };
  }
  const parsed = parsePromotionPlanText(command.text, today);
  if (!parsed.ok) return refusedCommand('推广方案', task.code, `${parsed.reason}。${USAGE(task.code)}`);
  let told = 0;
  const out = await createPromotionPlan(db, app.clock, actor, task, parsed.draft, async (tx, plan, units) => {
    told = await notifyPromotingUnits(tx, tenant.id, plan, units);
  });
  if (!out.ok) return refusedCommand('推广方案', task.code, out.reason);
  const batches = [...new Set(out.units.map((u) => u.batch))].map((b) => `${b}：${out.units.filter((u) => u.batch === b).map((u) => u.unitName).join('、')}`).join('；');
  if (!out.created) {
    return { ok: true, reply: text(txt`推广方案「${out.plan.title}」已经制定（${batches}），未重复创建。`), summary: md`推广方案 ${task.code}：已有` };
  }
  return {
    ok: true,
    reply: text(txt`已制定推广方案「${out.plan.title}」：${batches}。已通知推广单位（${told} 条消息）。`),
    summary: md`✓ 推广方案 ${task.code}：${out.units.length} 个推广单位`,
  };
};
