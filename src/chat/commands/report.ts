// 进展 / 问题 / 完成 <编号> <内容>: a report on a task. One report per command (the command's
// sourceRef: message id, plus its line for the second command on), answered with a 回执 card;
// problems reach the office, completions get the office a 销号审核 card, a percent that falls
// sharply is recorded and flagged to the office.
import { shanghaiDate } from '../../core/dates.js';
import { sharpDrop } from '../../core/percent.js';
import { onTimeJudge } from '../../core/stats.js';
import type { DbOrTx } from '../../db/client.js';
import { findTaskByCode, submitReport, unitActingFor, type LedgerActor, type ReportResult, type TaskRecord } from '../../ledger/actions.js';
import { officeRecipients } from '../../ledger/recipients.js';
import { md, txt } from '../../cards/markup.js';
import type { WorkingCalendar } from '../../core/calendar.js';
import { noticeCard, receiptCard, reviewCard, type ReportKindLabel } from '../cards.js';
import type { CommandHandler, CommandResult } from '../context.js';
import { card, sendTo, text } from '../say.js';
import { reviewSetting } from '../../ledger/evidence.js';
import { problemCard } from '../office-cards.js';
import { recordCardIssue } from '../../ledger/office.js';

const KIND = { progress: '进展', problem: '问题', complete: '完成' } as const;

/** A refusal: the reason as the reply, and as the command's line in a summary. */
export function refusedCommand(label: string, codeText: string, reason: string): CommandResult {
  return { ok: false, reply: text(txt`${reason}`), summary: md`✗ ${label} ${codeText}：${reason}` };
}

export const reportCommand: CommandHandler<'progress' | 'problem' | 'complete'> = async (ctx, command) => {
  const { db, app, tenant, actor, sourceRef } = ctx;
  const kind = KIND[command.kind];
  const found = await findTaskByCode(db, tenant.id, command.codeText);
  if (!found.ok) return refusedCommand(kind, command.codeText, found.reason);
  const outcome = await submitReport(db, app.clock, actor, found.task, {
    kind, text: command.text, percent: command.percent, source: 'chat', sourceRef,
  }, (tx, r) => afterReport(ctx.calendar, tx, tenant.id, actor, r.task, kind, command.text, r));
  if (!outcome.ok) return refusedCommand(kind, found.task.code, outcome.reason);
  const note = dropNote(outcome);
  return {
    ok: true,
    reply: card(receiptCard({ kind, task: outcome.task, reporter: actor.name, at: outcome.at, text: command.text, percent: command.percent, duplicate: outcome.duplicate, note })),
    summary: md`✓ ${kind} ${outcome.task.code} ${outcome.duplicate ? '此前已记录' : '已记录'}${command.percent !== null ? `（${command.percent}%）` : ''}${kind === '完成' && !outcome.duplicate ? '，已提交销号审核' : ''}${note ? `。${note}` : ''}`,
  };
};

/** Said on the receipt when the percent fell sharply: the report stands, the office checks it. */
export function dropNote(r: Pick<ReportResult, 'previousPercent' | 'duplicate'> & { task: { lastPercent: number | null } }): string | null {
  const drop = r.duplicate ? null : sharpDrop(r.previousPercent, r.task.lastPercent);
  return drop ? `进度较上次（${r.previousPercent}%）回落 ${drop} 个百分点，已提示改革办核实。` : null;
}

/**
 * What a report causes besides the receipt, in its transaction: the office hears of problems,
 * reviews completions, and is told of a percent that fell sharply.
 */
export async function afterReport(calendar: WorkingCalendar, tx: DbOrTx, tenantId: number, actor: LedgerActor, task: TaskRecord, kind: ReportKindLabel, body: string, r: Pick<ReportResult, 'reportId' | 'at' | 'previousPercent'>) {
  const office = () => officeRecipients(tx, tenantId);
  if (kind === '问题') {
    await sendTo(tx, tenantId, await office(), `problem:${r.reportId}`, card(problemCard(task, { id: r.reportId, taskId: task.id, text: body, reporterId: actor.personId, reporterName: actor.name, reportedAt: r.at, withdrawn: false })));
    await recordCardIssue(tx, tenantId, 'problem', r.reportId, shanghaiDate(r.at));
  }
  if (kind === '完成') {
    const completedOn = shanghaiDate(r.at);
    const onTime = onTimeJudge(calendar)({ deadline: task.deadline, completedOn, closedOn: null });
    await sendTo(tx, tenantId, await office(), `review:${r.reportId}`,
      card(reviewCard(task, { text: body, reporter: `${actor.name}（${unitActingFor(actor, task) ?? '—'}）`, completedOn, onTime, requireEvidence: (await reviewSetting(tx, tenantId)).requireEvidence ?? false })));
    await recordCardIssue(tx, tenantId, 'review', task.id, completedOn);
  }
  const drop = sharpDrop(r.previousPercent, task.lastPercent);
  if (drop) {
    await sendTo(tx, tenantId, await office(), `percent-drop:${r.reportId}`, card(noticeCard(`进度回落：${task.code}`,
      md`**${task.title}**\n${task.leadUnitName} · ${actor.name} 报送进度 **${task.lastPercent}%**，较上次（${r.previousPercent}%）回落 ${drop} 个百分点。\n报送内容：${body}\n\n进展已照常登记，请与牵头单位核实。`, 'orange')));
  }
}
