// 建议 <内容> (anyone registered; without text: the form card), 建议处理 (the office's list), and the
// office's text actions on a suggestion: 采纳入库 / 不予采纳 / 转单位研究 / 合并.
import { md, txt } from '../../../cards/markup.js';
import { truncate } from '../../../core/text.js';
import { isIsoDate } from '../../../core/dates.js';
import type { SuggestionAction } from '../../../core/loop/suggestion.js';
import { checkLoopPermission } from '../../../core/loop/permissions.js';
import { findByNumber } from '../../../loop/common.js';
import { actOnSuggestion, createSuggestion, loadSuggestion, pendingSuggestions, type SuggestionRecord } from '../../../loop/suggestions.js';
import type { CommandHandler, CommandResult, MessageContext } from '../../context.js';
import { card, text } from '../../say.js';
import { refusedCommand } from '../report.js';
import { suggestionFormCard, suggestionListCard, suggestionReceiptCard } from './cards.js';
import { afterSuggestionAction } from './effects.js';

/** "推行积分制管理。具体做法是…" → its first sentence (at most 30 characters) is the title. */
export function titleOf(textBody: string): string {
  const first = textBody.split(/[\n。！？!?；;]/).map((s) => s.trim()).find(Boolean) ?? textBody;
  return truncate(first, 30);
}

export const suggestCommand: CommandHandler<'suggest'> = async (ctx, command) => {
  const { db, app, actor, sourceRef } = ctx;
  if (command.text === null) {
    return { ok: true, reply: card(suggestionFormCard(actor.unitName ? `${actor.name} · ${actor.unitName}` : actor.name)), summary: md`✓ 建议：已发出建议表单` };
  }
  const out = await createSuggestion(db, app.clock, actor, { title: titleOf(command.text), proposal: command.text, sourceRef });
  if (!out.ok) return refusedCommand('建议', '', out.reason);
  const s = out.suggestion;
  return {
    ok: true,
    reply: card(suggestionReceiptCard(s, command.text)),
    summary: md`✓ 建议 ${s.number}：已收到`,
  };
};

export const suggestionsCommand: CommandHandler<'suggestions'> = async (ctx) => {
  const allowed = checkLoopPermission(ctx.actor, 'handleSuggestion');
  if (!allowed.ok) return refusedCommand('建议处理', '', allowed.reason);
  const list = await pendingSuggestions(ctx.db, ctx.tenant.id);
  return { ok: true, reply: card(suggestionListCard(list, '待处理的改革建议', '没有待处理的改革建议。')), summary: md`✓ 建议处理：${list.length} 条待处理` };
};

async function findSuggestion(ctx: MessageContext, typed: string): Promise<{ ok: true; s: SuggestionRecord } | { ok: false; reason: string }> {
  const found = await findByNumber(ctx.db, 'suggestion', ctx.tenant.id, typed, Number(ctx.today.slice(0, 4)));
  if (!found.ok) return found;
  return { ok: true, s: (await loadSuggestion(ctx.db, ctx.tenant.id, found.id))! };
}

/** "2026-12-15", "2026/12/15", "2026.12.15", "2026年12月15日" → ISO, else null. */
export function readDate(typed: string): string | null {
  const m = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$/.exec(typed.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

async function act(ctx: MessageContext, label: string, typed: string, action: SuggestionAction, input: Parameters<typeof actOnSuggestion>[5]): Promise<CommandResult> {
  const found = await findSuggestion(ctx, typed);
  if (!found.ok) return refusedCommand(label, typed, found.reason);
  const out = await actOnSuggestion(ctx.db, ctx.app.clock, ctx.actor, found.s, action, input, (tx, r) => afterSuggestionAction(tx, ctx.tenant.id, r, action));
  if (!out.ok) return refusedCommand(label, found.s.number, out.reason);
  const s = out.suggestion;
  const what = action === '采纳入库' ? `已采纳入库（${out.reserve?.number}）` : action === '转单位研究' ? `已转${s.studyUnitName}研究，答复时限 ${s.studyDue}` : action === '合并' ? `已合并到 ${s.mergedIntoNumber}` : '已不予采纳';
  return { ok: true, reply: text(txt`${s.number}「${s.title}」${what}，已告知建议人${s.suggesterName}。`), summary: md`✓ ${label} ${s.number}：${what}` };
}

export const adoptCommand: CommandHandler<'adopt'> = (ctx, c) => act(ctx, '采纳入库', c.codeText, '采纳入库', {});
export const declineCommand: CommandHandler<'decline'> = (ctx, c) => act(ctx, '不予采纳', c.codeText, '不予采纳', { reason: c.text });
export const mergeCommand: CommandHandler<'merge'> = async (ctx, c) => {
  const into = await findByNumber(ctx.db, 'suggestion', ctx.tenant.id, c.text.trim(), Number(ctx.today.slice(0, 4)));
  if (!into.ok) return refusedCommand('合并', c.codeText, into.reason);
  return act(ctx, '合并', c.codeText, '合并', { intoId: into.id });
};
export const studyCommand: CommandHandler<'study'> = async (ctx, c) => {
  // "石堡镇 2026-12-15": the unit, then the due date.
  const m = /^(.+?)\s+(\S+)$/.exec(c.text.trim());
  const due = m ? readDate(m[2]!) : null;
  if (!m || !due) return refusedCommand('转单位研究', c.codeText, '请写明研究单位和答复时限，如「转单位研究 JY-2026-001 石堡镇 2026-12-15」');
  const unit = await ctx.db.unit.findFirst({ where: { tenantId: ctx.tenant.id, name: m[1]!.trim(), active: true }, select: { id: true } });
  if (!unit) return refusedCommand('转单位研究', c.codeText, `没有名为「${m[1]!.trim()}」的单位`);
  return act(ctx, '转单位研究', c.codeText, '转单位研究', { unitId: unit.id, due });
};
