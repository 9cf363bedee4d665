// A recalled message (im.message.recalled_v1) no longer stands: what it recorded is withdrawn while
// it can be (ledger/withdraw.ts), the cards it caused are updated in place — the office's 销号审核
// card, a 问题反映 or 进度回落 notice, 催办 notices, the receipt — or, not sent yet, never sent; and
// the sender is told in private what was withdrawn and what stands. Idempotent: a repeated recall
// event changes nothing more and says nothing twice.
import type { AppContext } from '../app.js';
import type { Tx } from '../db/client.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { recordAudit } from '../db/repos/audit.js';
import { shanghaiDate, shanghaiShort } from '../core/dates.js';
import { onTimeJudge } from '../core/stats.js';
import { joinMd, joinText, md, txt } from '../cards/markup.js';
import type { Card } from '../cards/render.js';
import { loadTask } from '../ledger/actions.js';
import { withdrawMessageReports, type WithdrawnReport } from '../ledger/withdraw.js';
import { cancelOrLocate, type QueuedMessage } from '../outbox/index.js';
import { noticeCard, receiptCard, reviewCard } from './cards.js';
import { patchCard, sendPrivately, text } from './say.js';
import type { MessageRecalled } from './types.js';

/** Thrown when a card the recall must update is being sent right now: the event is retried shortly. */
export class RecallRetryLater extends Error {
  constructor() {
    super('撤回涉及的卡片正在发送中，稍后重试');
  }
}

const WHO: Record<string, string> = { message_owner: '您', group_owner: '群主', group_manager: '群管理员', enterprise_manager: '企业管理员' };

export async function handleRecall(app: AppContext, tenant: TenantRef, event: MessageRecalled): Promise<void> {
  const db = app.db.prisma;
  const calendar = await app.calendars.calendarFor(tenant.id);
  const when = shanghaiShort(app.clock.now());
  let inFlight = false;
  const reports = await withdrawMessageReports(db, app.clock, tenant.id, event.messageId,
    { actor: event.senderOpenId ? `recall:${event.senderOpenId}` : `recall:${event.recallType}`, why: `消息被撤回（${event.recallType}）` },
    async (tx, reports) => {
      const patch = async (rows: QueuedMessage[], view: (row: QueuedMessage) => Card | null) => {
        for (const row of rows) {
          if (row.state === 'in_flight') inFlight = true;
          if (row.state !== 'sent' || !row.feishuMessageId || row.msgType !== 'interactive') continue;
          const next = view(row);
          if (next) await patchCard(tx, tenant.id, row.feishuMessageId, `recall-patch:${row.id}`, next);
        }
      };
      for (const r of reports) {
        if (r.outcome === 'kept') continue;
        const withdrawnLine = md`报送人已撤回这条消息 · ${when}`;
        const reporter = r.reporterId ? (await tx.person.findUnique({ where: { id: r.reporterId }, select: { name: true } }))?.name ?? '—' : '—';
        const completedOn = shanghaiDate(r.reportedAt);
        const onTime = onTimeJudge(calendar)({ deadline: r.task.deadline, completedOn, closedOn: null });
        await patch(await cancelOrLocate(tx, tenant.id, { prefixes: [`review:${r.reportId}:`] }), () =>
          reviewCard(r.task, { text: r.text, reporter, completedOn, onTime }, { text: md`${withdrawnLine}，${r.note}。无需审核。`, colour: 'grey' }));
        await patch(await cancelOrLocate(tx, tenant.id, { prefixes: [`problem:${r.reportId}:`, `percent-drop:${r.reportId}:`] }), (row) =>
          noticeCard(`${row.dedupeKey.startsWith('problem:') ? '问题反映' : '进度回落'}（已撤回）：${r.task.code}`, md`**${r.task.title}**\n${r.text}\n\n${withdrawnLine}，${r.note}。`, 'grey'));
      }
      await withdrawUrges(tx, tenant.id, event, when, patch);
      // The reply to the recalled message: a receipt becomes "已撤回"; one not sent yet never goes.
      const reply = await cancelOrLocate(tx, tenant.id, { exact: [`reply:${event.messageId}`] });
      await patch(reply, () => replyView(reports, when));
      await tellSender(tx, tenant.id, event, reports);
    });
  if (inFlight) throw new RecallRetryLater();
  if (reports.length) app.logger.info({ messageId: event.messageId, reports: reports.map((r) => [r.reportId, r.outcome]) }, '消息已撤回，已撤销其登记的报送');
}

/** The receipt card, redone to say the report was withdrawn (or, for several, a list). */
function replyView(reports: WithdrawnReport[], when: string): Card | null {
  if (reports.length === 0) return null;
  if (reports.length === 1) {
    const r = reports[0]!;
    if (r.outcome === 'kept') return null;
    return receiptCard({
      kind: r.kind, task: r.task, reporter: '—', at: r.reportedAt, text: r.text, percent: r.percent, problems: r.problems, nextSteps: r.nextSteps,
      withdrawn: md`这条消息已于 ${when} 撤回，${r.note}。`,
    });
  }
  return noticeCard('这条消息已撤回', joinMd(reports.map((r) => md`${r.outcome === 'kept' ? '✗ 未撤销' : '✓ 已撤销'}：${r.kind} ${r.task.code}${r.percent !== null ? `（${r.percent}%）` : ''} — ${r.note}`)), 'grey');
}

/**
 * 催办 notices the message caused (keys `urge:<sourceRef>:t<taskId>:<recipient>`): not sent yet →
 * never sent; sent → the card says it was withdrawn. Audited on the task.
 */
async function withdrawUrges(tx: Tx, tenantId: number, event: MessageRecalled, when: string, patch: (rows: QueuedMessage[], view: (row: QueuedMessage) => Card | null) => Promise<void>) {
  const rows = await cancelOrLocate(tx, tenantId, { prefixes: [`urge:msg:${event.messageId}:`, `urge:msg:${event.messageId}#`] });
  const taskIds = [...new Set(rows.map((r) => /:t(\d+):/.exec(r.dedupeKey)?.[1]).filter((id): id is string => !!id).map(Number))];
  for (const taskId of taskIds) {
    const task = await loadTask(tx, tenantId, taskId);
    if (!task) continue;
    const mine = rows.filter((r) => r.dedupeKey.includes(`:t${taskId}:`));
    const marker = JSON.stringify({ urgeWithdrawn: event.messageId });
    const already = (await tx.auditLog.findMany({ where: { tenantId, entity: 'task', entityId: String(taskId), after: { contains: 'urgeWithdrawn' } }, select: { after: true } })).some((a) => a.after === marker);
    if (!already) {
      await recordAudit(tx, [{ tenantId, actor: event.senderOpenId ? `recall:${event.senderOpenId}` : `recall:${event.recallType}`, entity: 'task', entityId: taskId, action: 'update', after: { urgeWithdrawn: event.messageId } }]);
    }
    await patch(mine, () => noticeCard(`催办通知（已撤回）：${task.code}`, md`**${task.title}**\n改革办已于 ${when} 撤回这条催办通知，请以最新通知为准。`, 'grey'));
  }
}

/** The sender hears in private what was withdrawn and what stands (once per recalled message). */
async function tellSender(tx: Tx, tenantId: number, event: MessageRecalled, reports: WithdrawnReport[]) {
  if (reports.length === 0) return;
  let openId = event.senderOpenId;
  if (!openId) {
    const reporterId = reports.find((r) => r.reporterId !== null)?.reporterId;
    openId = reporterId ? (await tx.person.findUnique({ where: { id: reporterId }, select: { openId: true } }))?.openId ?? undefined : undefined;
  }
  if (!openId) return;
  const who = WHO[event.recallType] ?? '有人';
  const lines = reports.map((r) => txt`· ${r.kind} ${r.task.code}${r.percent !== null ? `（${r.percent}%）` : ''}：${r.note}`);
  const kept = reports.some((r) => r.outcome === 'kept');
  const head = who === '您' ? txt`您撤回了一条消息，其中登记的内容处理如下：` : txt`您的一条消息被${who}撤回，其中登记的内容处理如下：`;
  const tail = reports.some((r) => r.kind === '完成' && r.outcome !== 'kept') ? txt`\n改革办的销号审核卡片已同步更新。` : txt``;
  const footer = kept ? txt`\n未撤销的内容如需更正，请联系县委改革办。` : txt``;
  await sendPrivately(tx, tenantId, openId, `recall:${event.messageId}`, text(joinText([head, ...lines, txt`${tail}${footer}`].filter((t) => t.source !== ''))));
}
