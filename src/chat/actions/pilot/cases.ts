// 典型案例 cards: 报送案例 (the form, privately), 提交案例 (once per click; the office gets a review
// card), 点评并入选汇编 (office only, once; audited).
import { createHash } from 'node:crypto';
import type { DbOrTx } from '../../../db/client.js';
import { officeRecipients } from '../../../ledger/recipients.js';
import { linksOfCase } from '../../../pilot/case-links.js';
import { caseFormCard, caseFormSchema, caseReviewCard, caseReviewSchema, quarterLabelOf, quarterOf, selectCase, submitCase } from '../../../pilot/cases.js';
import { refused, warn, type ActionContext, type ActionSpec } from '../../context.js';
import { card, sendPrivately, sendTo } from '../../say.js';
import { noticeCard } from '../../cards.js';
import { md } from '../../../cards/markup.js';

const clickKey = (ctx: ActionContext) => createHash('sha256').update(ctx.action.token || `${ctx.action.messageId}:${JSON.stringify(ctx.action.formValue ?? null)}:${ctx.actor.personId}`).digest('hex').slice(0, 32);
/** The case's own unit (兼职: the one its linked tasks belong to, not necessarily the submitter's primary unit). */
const unitName = async (db: DbOrTx, id: number) => (await db.unit.findUnique({ where: { id }, select: { name: true } }))?.name ?? '—';

export const caseFormAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const { db, tenant, actor, today } = ctx;
    if (actor.unitId === null) return refused({ reason: '您没有所属单位，无法以单位名义报送案例。' });
    if (!actor.openId) return refused({ reason: '您的人员信息中没有飞书账号，无法私信发送，请联系县委改革办补充' });
    const quarter = quarterOf(today);
    const theme = await db.caseTheme.findUnique({ where: { tenantId_quarter: { tenantId: tenant.id, quarter: quarter.key } } });
    await sendPrivately(db, tenant.id, actor.openId, `case-form:${clickKey(ctx)}`, card(caseFormCard(quarter.label, theme?.theme ?? '不限', actor.unitName ?? '本单位')));
    return { toast: { type: 'info', content: '案例报送表单已私信发给您，请在与台账机器人的私聊中填写' } };
  },
};

export const caseSubmitAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const { db, app, tenant, actor, today } = ctx;
    const form = caseFormSchema.safeParse(ctx.action.formValue ?? {});
    if (!form.success) return warn(form.error.issues[0]!.message);
    const quarter = quarterOf(today);
    const out = await submitCase(db, app.clock, actor, today, form.data, `card:${clickKey(ctx)}`, async (tx, row) => {
      const office = await officeRecipients(tx, tenant.id);
      await sendTo(tx, tenant.id, office, `case-review:${row.id}`, card(caseReviewCard(row, await unitName(tx, row.unitId), quarter.label, await linksOfCase(tx, tenant.id, row))));
    });
    if (!out.ok) return refused(out);
    // The form (private to the submitter) becomes the receipt: it says what went in, and cannot be sent again.
    const receipt = noticeCard('案例已提交', md`**${out.row.title}**\n${quarter.label} · ${await unitName(db, out.row.unitId)}\n改革办点评后会私信告知结果。`, 'green');
    return {
      toast: { type: out.created ? 'success' : 'info', content: out.created ? '案例已提交，改革办点评后告知结果' : '该案例此前已提交，未重复登记' },
      card: { type: 'raw', data: receipt },
    };
  },
};

export const caseSelectAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const { db, app, actor, value } = ctx;
    if (!value.t) return warn('卡片缺少案例编号');
    if (!actor.roles.includes('ADMIN')) return refused({ reason: '只有县委改革办可以点评和遴选案例。' });
    const review = caseReviewSchema.safeParse(ctx.action.formValue ?? {});
    if (!review.success) return warn(review.error.issues[0]!.message);
    // The submitter was promised the result (「改革办点评后告知结果」): told privately, once, with the selection.
    const out = await selectCase(db, app.clock, actor, value.t, review.data, async (tx, row) => {
      const submitter = row.submittedById ? await tx.person.findFirst({ where: { id: row.submittedById, tenantId: actor.tenantId, active: true }, select: { openId: true } }) : null;
      if (!submitter?.openId) return;
      await sendPrivately(tx, actor.tenantId, submitter.openId, `case-selected:${row.id}`, card(noticeCard('案例已入选本季度汇编',
        md`您单位报送的案例「${row.title}」已入选${quarterLabelOf(row.quarter)}案例汇编。\n**亮点**：${row.highlights ?? ''}\n**推广价值**：${row.promotionValue ?? ''}\n**评级**：${row.rating ?? ''}`, 'green')));
    });
    if (!out.ok) {
      if (out.row) return { toast: { type: 'info', content: out.reason }, card: { type: 'raw', data: caseReviewCard(out.row, await unitName(db, out.row.unitId), quarterLabelOf(out.row.quarter), await linksOfCase(db, actor.tenantId, out.row)) } };
      return refused(out);
    }
    return { toast: { type: 'success', content: '已点评，案例入选本季度汇编' }, card: { type: 'raw', data: caseReviewCard(out.row, await unitName(db, out.row.unitId), quarterLabelOf(out.row.quarter), await linksOfCase(db, actor.tenantId, out.row), { name: actor.name, at: app.clock.now() }) } };
  },
};
