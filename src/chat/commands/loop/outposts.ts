// 前哨站 [单位] (the office designates a unit, or lists them) and 考核 [年度] (the annual assessment
// previewed in the chat for the leaders and the office — never for others: the card, its bar chart
// as an image and the Excel sheet, each once per message through the outbox).
import { md, txt } from '../../../cards/markup.js';
import { recordAudit } from '../../../db/repos/audit.js';
import { assessUnits } from '../../../core/loop/assessment.js';
import { checkLoopPermission } from '../../../core/loop/permissions.js';
import { loadOutposts } from '../../../loop/outposts.js';
import { loadAssessment } from '../../../loop/assessment-inputs.js';
import { assessmentCard } from './assessment-card.js';
import { assessmentFiles } from '../../../loop/assessment-files.js';
import { enqueueFile } from '../../../outbox/index.js';
import type { CommandHandler } from '../../context.js';
import { card, text } from '../../say.js';
import { refusedCommand } from '../report.js';

export const outpostCommand: CommandHandler<'outpost'> = async (ctx, c) => {
  const allowed = checkLoopPermission(ctx.actor, 'handleSuggestion');
  if (!allowed.ok) return refusedCommand('前哨站', '', '只有县委改革办可以指定前哨站。');
  if (c.text === null) {
    const list = await loadOutposts(ctx.db, ctx.tenant.id);
    return { ok: true, reply: text(list.length ? txt`前哨站（每月初收到建议征集卡片）：${list.map((u) => u.name).join('、')}。发送「前哨站 <单位>」增加或取消。` : txt`还没有前哨站。发送「前哨站 石堡镇」指定。`), summary: md`✓ 前哨站：${list.length} 个` };
  }
  const unit = await ctx.db.unit.findFirst({ where: { tenantId: ctx.tenant.id, name: c.text.trim(), active: true } });
  if (!unit) return refusedCommand('前哨站', c.text, `没有名为「${c.text.trim()}」的单位`);
  const now = ctx.app.clock.now();
  const on = await ctx.db.$transaction(async (tx) => {
    const existing = await tx.outpost.findUnique({ where: { tenantId_unitId: { tenantId: ctx.tenant.id, unitId: unit.id } } });
    if (existing) await tx.outpost.delete({ where: { tenantId_unitId: { tenantId: ctx.tenant.id, unitId: unit.id } } });
    else await tx.outpost.create({ data: { tenantId: ctx.tenant.id, unitId: unit.id } });
    await recordAudit(tx, [{ tenantId: ctx.tenant.id, actor: `person:${ctx.actor.personId}`, entity: 'outpost', entityId: unit.id, action: existing ? 'delete' : 'create', at: now, after: { unit: unit.name } }]);
    return !existing;
  });
  return { ok: true, reply: text(on ? txt`已将${unit.name}设为前哨站，每月第一个工作日会收到改革建议征集卡片。` : txt`已取消${unit.name}的前哨站。`), summary: md`✓ 前哨站 ${unit.name}：${on ? '已设' : '已取消'}` };
};

export const assessmentCommand: CommandHandler<'assessment'> = async (ctx, c) => {
  const allowed = checkLoopPermission(ctx.actor, 'viewAssessment');
  if (!allowed.ok) return refusedCommand('考核', '', allowed.reason);
  const thisYear = Number(ctx.today.slice(0, 4));
  const year = c.text && /^\d{4}$/.test(c.text.trim()) ? Number(c.text.trim()) : thisYear;
  if (year < 2000 || year > thisYear) return refusedCommand('考核', c.text ?? '', `年度应为 2000–${thisYear}`);
  const data = await loadAssessment(ctx.db, ctx.tenant.id, year);
  const ranked = assessUnits(data.units, data.weights, year === thisYear ? ctx.today : `${year}-12-31`);
  const view = assessmentCard(year, ranked, data.weights);
  const files = await assessmentFiles(year, ranked, year === thisYear ? ctx.today : undefined);
  const to = { tenantId: ctx.tenant.id, kind: 'reply' as const, receiveId: ctx.msg.messageId };
  if (files.chart) await enqueueFile(ctx.db, { ...to, dedupeKey: `image:${ctx.sourceRef}`, fileName: files.chart.fileName, bytes: files.chart.png, image: true });
  await enqueueFile(ctx.db, { ...to, dedupeKey: `file:${ctx.sourceRef}`, fileName: files.workbook.fileName, bytes: files.workbook.bytes });
  return { ok: true, reply: card(year === thisYear ? { ...view, header: { ...(view.header as object), subtitle: { tag: 'plain_text', content: `截至 ${ctx.today} 的预览` } } } : view), summary: md`✓ 考核 ${year}：${ranked.length} 个单位，得分图和 Excel 随后发出` };
};
