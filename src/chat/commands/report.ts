// 进展 / 问题 / 完成 <编号> <内容>: a report on a task. One report per message (its message id is
// the report's sourceRef), answered with a 回执 card; problems reach the office, completions get
// the office a 销号审核 card.
import { shanghaiDate } from '../../core/dates.js';
import { onTimeJudge } from '../../core/stats.js';
import type { DbOrTx } from '../../db/client.js';
import { findTaskByCode, submitReport, type LedgerActor, type TaskRecord } from '../../ledger/actions.js';
import { officeRecipients } from '../../ledger/recipients.js';
import { mdEscape } from '../../cards/render.js';
import type { WorkingCalendar } from '../../core/calendar.js';
import { noticeCard, receiptCard, reviewCard } from '../cards.js';
import type { CommandHandler } from '../context.js';
import { card, sendTo, text } from '../say.js';

const KIND = { progress: '进展', problem: '问题', complete: '完成' } as const;

export const reportCommand: CommandHandler<'progress' | 'problem' | 'complete'> = async (ctx, command) => {
  const { db, app, tenant, actor, msg } = ctx;
  const found = await findTaskByCode(db, tenant.id, command.codeText);
  if (!found.ok) return void (await ctx.reply(text(found.reason)));
  const kind = KIND[command.kind];
  const outcome = await submitReport(db, app.clock, actor, found.task, {
    kind, text: command.text, percent: command.percent, source: 'chat', sourceRef: `msg:${msg.messageId}`,
  }, async (tx, r) => {
    await ctx.reply(card(receiptCard({ kind, task: r.task, reporter: actor.name, at: r.at, text: command.text, percent: command.percent })), tx);
    await afterReport(ctx.calendar, tx, tenant.id, actor, r.task, kind, command.text, r.reportId, r.at);
  });
  if (!outcome.ok) return void (await ctx.reply(text(outcome.reason)));
  if (outcome.duplicate) {
    // A re-delivered message: the first delivery already answered (same reply key), nothing new.
    await ctx.reply(card(receiptCard({ kind, task: outcome.task, reporter: actor.name, at: outcome.at, text: command.text, percent: command.percent, duplicate: true })));
  }
};

/** What a report causes besides the receipt: the office hears of problems and reviews completions. */
export async function afterReport(calendar: WorkingCalendar, tx: DbOrTx, tenantId: number, actor: LedgerActor, task: TaskRecord, kind: '进展' | '问题' | '完成', body: string, reportId: number, at: Date) {
  if (kind === '问题') {
    await sendTo(tx, tenantId, await officeRecipients(tx, tenantId), `problem:${reportId}`, card(noticeCard(`问题反映：${task.code}`,
      `**${mdEscape(task.title)}**\n${task.leadUnitName} · ${actor.name}\n\n${mdEscape(body)}`, 'orange')));
  }
  if (kind === '完成') {
    const completedOn = shanghaiDate(at);
    const onTime = onTimeJudge(calendar)({ deadline: task.deadline, completedOn, closedOn: null });
    await sendTo(tx, tenantId, await officeRecipients(tx, tenantId), `review:${reportId}`,
      card(reviewCard(task, { text: body, reporter: `${actor.name}（${actor.unitName ?? '—'}）`, completedOn, onTime })));
  }
}
