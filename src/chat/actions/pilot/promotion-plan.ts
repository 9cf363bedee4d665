// The 制定复制推广方案 form's submit: office only (checked here, not trusted from the card), the same
// rules and storage as the 「推广方案」 text — once per title, audited, the promoting units told once.
import { md } from '../../../cards/markup.js';
import { promotionDraftFromFields, type PromotionPlanFields } from '../../../core/pilot/promotion-plan.js';
import { createPromotionPlan } from '../../../pilot/promotion-plan.js';
import { noticeCard } from '../../cards.js';
import { notifyPromotingUnits } from '../../commands/pilot/promotion-plan.js';
import { refused, warn, type ActionSpec } from '../../context.js';

export const promotionPlanSubmitAction: ActionSpec = {
  needsTask: true,
  async handle(ctx, task) {
    const { db, app, tenant, actor, today } = ctx;
    if (!actor.roles.includes('ADMIN')) return refused({ reason: '只有县委改革办可以制定推广方案。' });
    const raw = (ctx.action.formValue ?? {}) as Record<string, unknown>;
    const fields = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string')) as PromotionPlanFields;
    const draft = promotionDraftFromFields(fields, today);
    if (!draft.ok) return warn(draft.reason);
    const out = await createPromotionPlan(db, app.clock, actor, task, draft.draft, async (tx, plan, units) => {
      await notifyPromotingUnits(tx, tenant.id, plan, units);
    });
    if (!out.ok) return refused(out);
    const batches = [...new Set(out.units.map((u) => u.batch))].map((b) => md`${b}：${out.units.filter((u) => u.batch === b).map((u) => u.unitName).join('、')}`).reduce((a, b) => md`${a}\n${b}`, md``);
    const done = noticeCard(`推广方案 · ${out.plan.title}`, md`**核心机制**：${out.plan.corePractice}\n**底线要求**：${out.plan.bottomLines}${batches}\n\n<font color='grey'>${out.created ? `已制定并通知推广单位 · ${actor.name}` : '该方案此前已制定，未重复创建'}</font>`, 'green');
    return { toast: { type: out.created ? 'success' : 'info', content: out.created ? '推广方案已制定，已通知推广单位' : '该推广方案此前已制定，未重复创建' }, card: { type: 'raw', data: done } };
  },
};
