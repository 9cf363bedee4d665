// The 成果待确认 card's buttons (office only): 确认成果 → 已确认 (counts on the honour roll in the
// month confirmed), 不予认定 with a reason. Decided once; the reporter is told either way.
import { md } from '../../../cards/markup.js';
import { noticeCard } from '../../cards.js';
import { refused, warn, type ActionContext, type ActionSpec } from '../../context.js';
import type { CardActionResponse } from '../../types.js';
import { card, sendPrivately } from '../../say.js';
import { reasonSchema } from '../forms.js';
import { achievementCategories, achievementReviewCard, decideAchievement, type AchievementRow } from '../../../pilot/achievements.js';

async function cardFor(ctx: ActionContext, row: AchievementRow) {
  const [task, unit, reporter, categories] = await Promise.all([
    row.taskId ? ctx.db.task.findUnique({ where: { id: row.taskId }, select: { code: true, title: true } }) : null,
    ctx.db.unit.findUnique({ where: { id: row.unitId }, select: { name: true } }),
    row.reporterId ? ctx.db.person.findUnique({ where: { id: row.reporterId }, select: { name: true } }) : null,
    achievementCategories(ctx.db, ctx.tenant.id),
  ]);
  return achievementReviewCard(row, {
    code: task?.code ?? '—', taskTitle: task?.title ?? '—', unit: unit?.name ?? '—', reporter: reporter?.name ?? '—',
    points: categories.find((c) => c.key === row.category)?.points ?? 0,
  });
}

async function decide(ctx: ActionContext, decision: 'confirm' | 'reject'): Promise<CardActionResponse> {
  const { db, app, tenant, actor, value } = ctx;
  if (!value.t) return warn('卡片缺少成果编号');
  let note: string | null = null;
  if (decision === 'reject') {
    const r = reasonSchema.safeParse(ctx.action.formValue ?? {});
    if (!r.success) return warn(r.error.issues[0]!.message);
    note = r.data.reason;
  }
  const out = await decideAchievement(db, app.clock, actor, value.t, decision, note, async (tx, row) => {
    const reporter = row.reporterId ? await tx.person.findUnique({ where: { id: row.reporterId }, select: { openId: true } }) : null;
    if (reporter?.openId) {
      await sendPrivately(tx, tenant.id, reporter.openId, `achievement-decided:${row.id}`, card(noticeCard(
        decision === 'confirm' ? '成果已确认' : '成果不予认定',
        decision === 'confirm' ? md`**${row.category}**：${row.description}\n已计入本月光荣榜。` : md`**${row.category}**：${row.description}\n理由：${note ?? ''}`,
        decision === 'confirm' ? 'green' : 'grey')));
    }
  });
  if (!out.ok) {
    if ('row' in out && out.row) return { toast: { type: 'info', content: out.reason }, card: { type: 'raw', data: await cardFor(ctx, out.row) } };
    return refused(out);
  }
  return { toast: { type: 'success', content: decision === 'confirm' ? '已确认' : '已不予认定' }, card: { type: 'raw', data: await cardFor(ctx, out.row) } };
}

export const achievementConfirmAction: ActionSpec = { needsTask: false, handle: (ctx) => decide(ctx, 'confirm') };
export const achievementRejectAction: ActionSpec = { needsTask: false, handle: (ctx) => decide(ctx, 'reject') };
