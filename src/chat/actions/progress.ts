// 填报进展 opens the 进展填报 form (the caller's unit's open tasks); 提交 records the report and
// turns the form into a 回执. One report per click (the callback token identifies the click), and
// an identical second submission moments later is the same report (ledger/actions.ts). A form or
// a receipt is one person's view: it replaces the clicked card only in that person's private chat;
// on a card shared in a group it comes as a new private message and the group's card stays.
import { createHash } from 'node:crypto';
import { checkRequest } from '../../core/status.js';
import { actorUnitNames, loadTask, submitReport, type LedgerActor, type TaskRecord } from '../../ledger/actions.js';
import { actorUnitIds } from '../../core/permissions.js';
import { loadLedgerTasks } from '../../ledger/overview.js';
import type { Db } from '../../db/client.js';
import type { Card } from '../../cards/render.js';
import { progressFormCard, receiptCard } from '../cards.js';
import { refused, type ActionContext, type ActionSpec } from '../context.js';
import { afterReport, dropNote } from '../commands/report.js';
import type { CardActionResponse } from '../types.js';
import { card, sendPrivately } from '../say.js';
import { isPrivateCard } from './audience.js';
import { progressFormSchema } from './forms.js';

async function openTasksFor(db: Db, tenantId: number, actor: LedgerActor) {
  const unitIds = actorUnitIds(actor);
  return unitIds.length
    ? loadLedgerTasks(db, tenantId, { unitIds, openOnly: true }, { coUnits: false })
    : actor.roles.includes('ADMIN') ? loadLedgerTasks(db, tenantId, { openOnly: true }, { coUnits: false }) : [];
}

/** This click's own key (the callback token is unique to it). */
export const clickKey = (ctx: ActionContext) => createHash('sha256').update(ctx.action.token || `${ctx.action.messageId}:${JSON.stringify(ctx.action.formValue ?? null)}:${ctx.actor.personId}`).digest('hex').slice(0, 32);

/**
 * Shows `view` to the clicker: in place when the clicked card is their own private one, else as a
 * new message in their private chat, with `toast` saying where it went.
 */
export async function showPrivately(ctx: ActionContext, view: Card, toast: CardActionResponse['toast'], keyPrefix: string, what?: string): Promise<CardActionResponse> {
  if (await isPrivateCard(ctx.db, ctx.action)) return { ...(toast ? { toast } : {}), card: { type: 'raw', data: view } };
  if (!ctx.actor.openId) return refused({ reason: '您的人员信息中没有飞书账号，无法私信发送，请联系县委改革办补充' });
  await sendPrivately(ctx.db, ctx.tenant.id, ctx.actor.openId, `${keyPrefix}:${clickKey(ctx)}`, card(view));
  const said = toast ? `${toast.content.replace(/。$/, '')}。` : '';
  return { toast: { type: toast?.type ?? 'info', content: `${said}${what ?? (keyPrefix === 'progress-form' ? '填报表单' : '回执')}已私信发给您，请在与台账机器人的私聊中查看` } };
}

export const progressFormAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const { db, tenant, actor, value } = ctx;
    if (value.t) {
      const task = await loadTask(db, tenant.id, value.t);
      if (!task) return refused({ reason: '该事项不存在或已删除' });
      const state = checkRequest(task.status, '填报进展');
      if (!state.ok) return refused(state);
    }
    const tasks = await openTasksFor(db, tenant.id, actor);
    return showPrivately(ctx, progressFormCard(actorUnitNames(actor) ?? actor.name, tasks, value.t), undefined, 'progress-form');
  },
};

export const submitProgressAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const { db, app, tenant, actor, action, calendar } = ctx;
    const form = progressFormSchema.safeParse(action.formValue ?? {});
    if (!form.success) return { toast: { type: 'warning', content: form.error.issues[0]!.message } };
    const task: TaskRecord | null = await loadTask(db, tenant.id, form.data.task);
    if (!task) return refused({ reason: '该事项不存在或已删除' });
    const { text } = form.data;
    const percent = form.data.percent ?? null;
    const problems = form.data.problems || null;
    const nextSteps = form.data.next || null;
    const out = await submitReport(db, app.clock, actor, task, {
      kind: '进展', text, percent, problems, nextSteps, source: 'card', sourceRef: `card:${clickKey(ctx)}:${ctx.action.messageId}`, // the message id finds the report from a reply to its 回执 (ledger/evidence.ts)
    }, async (tx, r) => {
      await afterReport(calendar, tx, tenant.id, actor, r.task, '进展', text, r);
      if (problems) await afterReport(calendar, tx, tenant.id, actor, r.task, '问题', problems, { ...r, previousPercent: r.task.lastPercent });
    });
    if (!out.ok) return refused(out);
    const note = dropNote(out);
    const receipt = receiptCard({ kind: '进展', task: out.task, reporter: actor.name, at: out.at, text, percent, problems, nextSteps, duplicate: out.duplicate, note });
    // Recorded is a success, also when the percent fell (the note says so; the office was told).
    const toast = { type: out.duplicate ? 'info' as const : 'success' as const, content: out.duplicate ? '这条进展此前已记录，未重复登记' : note ? `进展已记录。${note}` : '进展已记录' };
    return showPrivately(ctx, receipt, toast, 'progress-receipt');
  },
};
