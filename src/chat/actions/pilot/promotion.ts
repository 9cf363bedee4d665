// The 推广进展报送 form's 提交: a unit in the plan, once per click, audited.
import { createHash } from 'node:crypto';
import { submitPromotionReport, promotionFormSchema } from '../../../pilot/promotion.js';
import { refused, warn, type ActionSpec } from '../../context.js';

export const promotionSubmitAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const { db, app, actor, value, today } = ctx;
    if (!value.t) return warn('卡片缺少推广方案编号');
    const form = promotionFormSchema.safeParse(ctx.action.formValue ?? {});
    if (!form.success) return warn(form.error.issues[0]!.message);
    const key = createHash('sha256').update(ctx.action.token || `${ctx.action.messageId}:${JSON.stringify(ctx.action.formValue ?? null)}:${actor.personId}`).digest('hex').slice(0, 32);
    const out = await submitPromotionReport(db, app.clock, actor, value.t, today, form.data, `card:${key}`);
    if (!out.ok) return refused(out);
    return { toast: { type: out.created ? 'success' : 'info', content: out.created ? '推广进展已报送' : '这份报送此前已记录，未重复登记' } };
  },
};
