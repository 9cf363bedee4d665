// The suggestion cards' buttons: 提交建议 (the form), 办理 (the office opens one suggestion), 采纳入库,
// 转单位研究, 合并, 不予采纳, and the study unit's 提交研究意见. Each re-checks permission and state on the
// server (src/loop/suggestions.ts); after a click the card shows what happened and who did it.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { md } from '../../../cards/markup.js';
import type { SuggestionAction } from '../../../core/loop/suggestion.js';
import { checkLoopPermission } from '../../../core/loop/permissions.js';
import { findByNumber } from '../../../loop/common.js';
import { actOnSuggestion, createSuggestion, loadSuggestion } from '../../../loop/suggestions.js';
import { doneLine } from '../../cards.js';
import { refused, warn, type ActionContext, type ActionSpec } from '../../context.js';
import type { CardActionResponse } from '../../types.js';
import { card, sendPrivately } from '../../say.js';
import { studyCard, suggestionCard, suggestionReceiptCard } from '../../commands/loop/cards.js';
import { activeUnits, afterSuggestionAction } from '../../commands/loop/effects.js';
import { readDate } from '../../commands/loop/suggest.js';

/** This click's own key (the callback token is unique to it). */
export const clickKey = (ctx: ActionContext) => createHash('sha256').update(ctx.action.token || `${ctx.action.messageId}:${JSON.stringify(ctx.action.formValue ?? null)}:${ctx.actor.personId}`).digest('hex').slice(0, 32);

const text = (label: string, max: number, required = true) => {
  const base = z.string({ error: `请填写${label}` }).trim().max(max, { error: `${label}最多 ${max} 字` });
  return required ? base.min(1, { error: `请填写${label}` }) : base.optional();
};
const formSchema = z.object({ title: text('题目', 100), problem: text('发现的问题', 1000, false), proposal: text('建议举措', 1000), leadUnit: text('建议牵头单位', 50, false) });

export const submitSuggestionAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const form = formSchema.safeParse(ctx.action.formValue ?? {});
    if (!form.success) return warn(form.error.issues[0]!.message);
    const f = form.data;
    const out = await createSuggestion(ctx.db, ctx.app.clock, ctx.actor, { title: f.title!, problem: f.problem || null, proposal: f.proposal!, proposedLeadUnit: f.leadUnit || null, sourceRef: `card:${clickKey(ctx)}` });
    if (!out.ok) return refused(out);
    const s = out.suggestion;
    return {
      toast: { type: out.duplicate ? 'info' : 'success', content: out.duplicate ? `这条建议此前已收到（${s.number}）` : `改革建议已收到：${s.number}` },
      card: { type: 'raw', data: suggestionReceiptCard(s) },
    };
  },
};

async function loadOr(ctx: ActionContext) {
  return ctx.value.id ? await loadSuggestion(ctx.db, ctx.tenant.id, ctx.value.id) : null;
}

/** 办理: the suggestion's card, privately to the office person who clicked. */
export const openSuggestionAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const allowed = checkLoopPermission(ctx.actor, 'handleSuggestion');
    if (!allowed.ok) return refused(allowed);
    const s = await loadOr(ctx);
    if (!s) return refused({ reason: '该建议不存在' });
    if (!ctx.actor.openId) return refused({ reason: '您的人员信息中没有飞书账号，无法私信发送' });
    await sendPrivately(ctx.db, ctx.tenant.id, ctx.actor.openId, `sg-open:${s.id}:${clickKey(ctx)}`, card(suggestionCard(s, await activeUnits(ctx.db, ctx.tenant.id))));
    return { toast: { type: 'info', content: `${s.number} 的办理卡片已私信发给您` } };
  },
};

const LABEL: Record<SuggestionAction, string> = { 采纳入库: '已采纳入库', 转单位研究: '已转单位研究', 单位答复: '已提交研究意见', 合并: '已合并', 不予采纳: '已不予采纳' };

function officeAction(action: SuggestionAction, read: (ctx: ActionContext) => Promise<{ ok: true; input: Parameters<typeof actOnSuggestion>[5] } | { ok: false; reason: string }>): ActionSpec {
  return {
    needsTask: false,
    async handle(ctx): Promise<CardActionResponse> {
      const s = await loadOr(ctx);
      if (!s) return refused({ reason: '该建议不存在' });
      const input = await read(ctx);
      if (!input.ok) return warn(input.reason);
      const out = await actOnSuggestion(ctx.db, ctx.app.clock, ctx.actor, s, action, input.input, (tx, r) => afterSuggestionAction(tx, ctx.tenant.id, r, action));
      if (!out.ok) {
        if (!out.already) return refused(out);
        const now = (await loadSuggestion(ctx.db, ctx.tenant.id, s.id))!;
        const view = action === '单位答复' ? studyCard(now, { text: md`当前状态：${now.status}`, colour: 'grey' }) : suggestionCard(now, [], { text: md`当前状态：${now.status}${now.outcome ? md`\n${now.outcome}` : ''}`, colour: 'grey' });
        return { toast: { type: 'info', content: out.reason }, card: { type: 'raw', data: view } };
      }
      const r = out.suggestion;
      const detail = action === '采纳入库' ? `入库编号 ${out.reserve?.number}` : action === '转单位研究' ? `${r.studyUnitName}，${r.studyDue} 前答复` : action === '合并' ? `合并到 ${r.mergedIntoNumber}` : r.outcome;
      const done = { text: doneLine(LABEL[action], ctx.actor.name, out.at, detail), colour: action === '不予采纳' ? 'grey' as const : 'green' as const };
      const view = action === '单位答复' ? studyCard(r, done) : suggestionCard(r, [], done);
      return { toast: { type: 'success', content: `${LABEL[action]}，已告知建议人` }, card: { type: 'raw', data: view } };
    },
  };
}

const field = (ctx: ActionContext, name: string) => {
  const v = (ctx.action.formValue ?? {})[name];
  return typeof v === 'string' ? v.trim() : '';
};

export const adoptAction = officeAction('采纳入库', async () => ({ ok: true, input: {} }));
export const declineAction = officeAction('不予采纳', async (ctx) => {
  const reason = field(ctx, 'reason');
  return reason.length >= 2 && reason.length <= 500 ? { ok: true, input: { reason } } : { ok: false, reason: '请填写不予采纳的理由（2–500 字）' };
});
export const studyAction = officeAction('转单位研究', async (ctx) => {
  const unitId = Number(field(ctx, 'unit'));
  const due = readDate(field(ctx, 'due'));
  if (!Number.isInteger(unitId) || unitId <= 0) return { ok: false, reason: '请选择研究单位' };
  if (!due) return { ok: false, reason: '答复时限应为日期，如 2026-12-15' };
  return { ok: true, input: { unitId, due } };
});
export const mergeAction = officeAction('合并', async (ctx) => {
  const into = await findByNumber(ctx.db, 'suggestion', ctx.tenant.id, field(ctx, 'into'), Number(ctx.today.slice(0, 4)));
  return into.ok ? { ok: true, input: { intoId: into.id } } : into;
});
export const answerAction = officeAction('单位答复', async (ctx) => {
  const answer = field(ctx, 'answer');
  return answer && answer.length <= 1000 ? { ok: true, input: { answer } } : { ok: false, reason: '请填写研究意见（最多 1000 字）' };
});
