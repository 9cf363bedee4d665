// Withdrawing what a chat message recorded, when the message is recalled (im.message.recalled_v1).
// Reports are append-only: a withdrawn report is marked (withdrawnAt), never deleted, and audited;
// the task's last percent and last report date are recomputed without it. A completion report
// withdrawn while the office has not decided (the task still 待销号) puts the task back where it
// was (推进中 or 已调整); once closed out (已销号) it stands and only the office can change it.
import type { Db, Tx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import type { Clock } from '../clock.js';
import type { ReportKind, TaskStatus } from '../core/types.js';
import { loadTask, type TaskRecord } from './actions.js';

export interface WithdrawnReport {
  reportId: number;
  sourceRef: string;
  kind: ReportKind;
  text: string;
  percent: number | null;
  problems: string | null;
  nextSteps: string | null;
  reportedAt: Date;
  reporterId: number | null;
  /** The task after the withdrawal. */
  task: TaskRecord;
  /**
   * withdrawn — marked now; earlier — withdrawn by an earlier delivery of the same recall;
   * kept — it stands (reason in `note`).
   */
  outcome: 'withdrawn' | 'earlier' | 'kept';
  /** Chinese: what happened to the task, or why the report stands. */
  note: string;
}

/** Source refs of the commands of one message: `msg:<id>` and `msg:<id>#<n>` (src/chat/router.ts). */
export function messageSourceRefs(messageId: string) {
  return { OR: [{ sourceRef: `msg:${messageId}` }, { sourceRef: { startsWith: `msg:${messageId}#` } }] };
}

/**
 * Withdraws every report the message recorded (all in one transaction, audited as `by`), then runs
 * `effects` in the same transaction with the outcome of each — also for reports an earlier delivery
 * of this recall already withdrew, so cards can be updated idempotently.
 */
export async function withdrawMessageReports(
  db: Db,
  clock: Clock,
  tenantId: number,
  messageId: string,
  by: { actor: string; why: string },
  effects?: (tx: Tx, reports: WithdrawnReport[]) => Promise<void>,
): Promise<WithdrawnReport[]> {
  const now = clock.now();
  return db.$transaction(async (tx) => {
    const reports = (await tx.progressReport.findMany({ where: { tenantId, ...messageSourceRefs(messageId) }, orderBy: { id: 'asc' } }))
      // LIKE treats "_" as a wildcard (and SQLite ignores case): the database narrows, this decides.
      .filter((r) => r.sourceRef === `msg:${messageId}` || r.sourceRef?.startsWith(`msg:${messageId}#`));
    const out: WithdrawnReport[] = [];
    for (const r of reports) {
      const base = {
        reportId: r.id, sourceRef: r.sourceRef ?? '', kind: r.kind as ReportKind, text: r.text, percent: r.percent,
        problems: r.problems, nextSteps: r.nextSteps, reportedAt: r.reportedAt, reporterId: r.reporterId,
      };
      const task = await loadTask(tx, tenantId, r.taskId);
      if (!task) continue;
      if (r.withdrawnAt) {
        out.push({ ...base, task, outcome: 'earlier', note: '已撤销登记' });
        continue;
      }
      let restored: TaskStatus | null = null;
      if (r.kind === '完成') {
        const latest = await tx.progressReport.findFirst({ where: { taskId: r.taskId, kind: '完成', withdrawnAt: null }, orderBy: { id: 'desc' }, select: { id: true } });
        if (task.status === '已销号' && latest?.id === r.id) {
          out.push({ ...base, task, outcome: 'kept', note: '改革办已审核销号，撤回消息不改变台账；如需更正，请联系县委改革办' });
          continue;
        }
        if (task.status === '待销号' && latest?.id === r.id) restored = await statusBeforeCompletion(tx, tenantId, task.id);
      }
      await tx.progressReport.update({ where: { id: r.id }, data: { withdrawnAt: now } });
      const last = await lastFacts(tx, r.taskId);
      if (restored) {
        // Only from 待销号: the office may be deciding this very moment (同意销号 guards the same way).
        const moved = await tx.task.updateMany({
          where: { id: task.id, status: '待销号' },
          data: { status: restored, completedOn: null, statusReason: null, levelOn: null, ...last },
        });
        if (moved.count === 0) restored = null;
      }
      if (!restored) await tx.task.update({ where: { id: task.id }, data: { ...last, levelOn: null } });
      await recordAudit(tx, [
        { tenantId, actor: by.actor, entity: 'report', entityId: r.id, action: 'update', at: now, before: { withdrawnAt: null }, after: { withdrawnAt: now.toISOString(), why: by.why } },
        ...(restored ? [{ tenantId, actor: by.actor, entity: 'task' as const, entityId: task.id, action: 'update' as const, at: now, before: { status: '待销号' }, after: { status: restored, why: by.why } }] : []),
      ]);
      const after = (await loadTask(tx, tenantId, task.id)) ?? task;
      out.push({
        ...base, task: after, outcome: 'withdrawn',
        note: restored ? `已撤销登记，事项恢复为「${restored}」` : r.kind === '完成' && task.status !== '待销号' ? '已撤销登记（改革办此前已退回）' : '已撤销登记',
      });
    }
    await effects?.(tx, out);
    return out;
  });
}

/** The status a task had before its completion was reported (from the audit log), 推进中 if unknown. */
async function statusBeforeCompletion(tx: Tx, tenantId: number, taskId: number): Promise<TaskStatus> {
  const entries = await tx.auditLog.findMany({ where: { tenantId, entity: 'task', entityId: String(taskId), action: 'update' }, orderBy: { id: 'desc' }, take: 20, select: { before: true, after: true } });
  for (const e of entries) {
    const after = e.after ? (JSON.parse(e.after) as { status?: string }) : {};
    const before = e.before ? (JSON.parse(e.before) as { status?: string }) : {};
    if (after.status === '待销号' && (before.status === '推进中' || before.status === '已调整')) return before.status;
  }
  return '推进中';
}

/** lastReportAt and lastPercent from the reports that still stand. */
async function lastFacts(tx: Tx, taskId: number): Promise<{ lastReportAt: Date | null; lastPercent: number | null }> {
  const [latest, withPercent] = await Promise.all([
    tx.progressReport.findFirst({ where: { taskId, withdrawnAt: null }, orderBy: [{ reportedAt: 'desc' }, { id: 'desc' }], select: { reportedAt: true } }),
    tx.progressReport.findFirst({ where: { taskId, withdrawnAt: null, percent: { not: null } }, orderBy: [{ reportedAt: 'desc' }, { id: 'desc' }], select: { percent: true } }),
  ]);
  return { lastReportAt: latest?.reportedAt ?? null, lastPercent: withPercent?.percent ?? null };
}
