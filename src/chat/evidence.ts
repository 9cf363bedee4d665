// 佐证材料 in the chat: a file or image sent as a reply to the bot's 回执 of a progress or completion
// report is attached to that report (Evidence). Only the reporter's own unit (or the reporter, or
// the office) may attach. The sender is told it is attached; for a completion the office's open
// 销号审核 cards are updated in place to list it (found through their outbox rows). Re-delivered:
// the (message, file) pair is unique, nothing is attached or said twice.
// Not in the form itself: a JSON 2.0 card has no file-upload component for its form container (input,
// selects, person/date/time pickers, 多图选择 of the card's own images, checker, button —
// https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-components/component-json-v2-overview),
// so every 回执, a form's included, asks for a reply with the file (chat/cards.ts receiptCard).
import type { AppContext } from '../app.js';
import { txt } from '../cards/markup.js';
import { recordAudit } from '../db/repos/audit.js';
import { shanghaiDate } from '../core/dates.js';
import { onTimeJudge } from '../core/stats.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { loadTask, type LedgerActor } from '../ledger/actions.js';
import { evidenceOf, reportForReceipt, reviewSetting } from '../ledger/evidence.js';
import { reviewCard } from './cards.js';
import { patchCard, replyTo, text } from './say.js';
import type { ChatMessage } from './types.js';
import { inUnit } from '../core/permissions.js';

/** Attaches the file if the message replies to a receipt; false when it is not such a reply. */
export async function attachEvidence(app: AppContext, tenant: TenantRef, actor: LedgerActor, msg: ChatMessage): Promise<boolean> {
  if (!msg.parentId) return false;
  const db = app.db.prisma;
  const report = await reportForReceipt(db, tenant.id, msg.parentId);
  if (!report || report.kind === '问题') return false;
  const file = msg.attachment!;
  const reporterUnit = report.reporterId ? (await db.person.findUnique({ where: { id: report.reporterId }, select: { unitId: true } }))?.unitId : null;
  const allowed = actor.roles.includes('ADMIN') || actor.personId === report.reporterId || inUnit(actor, reporterUnit) || inUnit(actor, report.task.leadUnitId);
  if (!allowed) {
    await replyTo(db, tenant.id, msg, text(txt`只有报送单位的人员可以为 ${report.task.code} 的报送补充佐证材料。`));
    return true;
  }
  const created = await db.$transaction(async (tx) => {
    const existing = await tx.evidence.findUnique({ where: { messageId_fileKey: { messageId: msg.messageId, fileKey: file.key } } });
    if (existing) return false;
    await tx.evidence.create({
      data: { tenantId: tenant.id, taskId: report.taskId, reportId: report.id, messageId: msg.messageId, fileKey: file.key, fileName: file.name, kind: file.type, addedBy: actor.personId, createdAt: app.clock.now() },
    });
    await recordAudit(tx, [{ tenantId: tenant.id, actor: `person:${actor.personId}`, entity: 'report', entityId: report.id, action: 'update', before: { evidence: null }, after: { evidence: file.name, fileKey: file.key }, at: app.clock.now() }]);
    const count = await tx.evidence.count({ where: { reportId: report.id } });
    await replyTo(tx, tenant.id, msg, text(txt`佐证材料「${file.name}」已附在 ${report.task.code} ${shanghaiDate(report.reportedAt)} 的${report.kind === '完成' ? '完成报告' : '进展'}上（共 ${count} 份）。`));
    return true;
  });
  if (created && report.kind === '完成' && report.task.status === '待销号') await refreshReviewCards(app, tenant, report.id, report.taskId);
  return true;
}

/** The office's open 销号审核 cards of a completion report, re-rendered with its evidence. */
async function refreshReviewCards(app: AppContext, tenant: TenantRef, reportId: number, taskId: number): Promise<void> {
  const db = app.db.prisma;
  const task = await loadTask(db, tenant.id, taskId);
  const report = await db.progressReport.findUnique({ where: { id: reportId }, include: { reporter: { include: { unit: true } } } });
  if (!task || !report) return;
  const evidence = await evidenceOf(db, reportId);
  const { requireEvidence } = await reviewSetting(db, tenant.id);
  const completedOn = shanghaiDate(report.reportedAt);
  const calendar = await app.calendars.calendarFor(tenant.id);
  const info = {
    text: report.text, reporter: `${report.reporter?.name ?? '—'}（${report.reporter?.unit?.name ?? '—'}）`, completedOn,
    onTime: onTimeJudge(calendar)({ deadline: task.deadline, completedOn, closedOn: null }), evidence, requireEvidence: requireEvidence ?? false,
  };
  const sent = await db.outboxMessage.findMany({ where: { tenantId: tenant.id, dedupeKey: { startsWith: `review:${reportId}:` }, status: 'sent', feishuMessageId: { not: null } } });
  for (const row of sent.filter((r) => r.dedupeKey.startsWith(`review:${reportId}:`))) {
    await patchCard(db, tenant.id, row.feishuMessageId!, `review-evidence:${reportId}:${evidence.length}:${row.feishuMessageId}`, reviewCard(task, info));
  }
}
