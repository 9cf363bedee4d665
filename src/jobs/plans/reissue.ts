// 待办卡片续发: Feishu keeps a JSON 2.0 card clickable for 14 days only (src/core/card-life.ts), so
// every working day the cards still waited on — 任务交办单 (task 待签收), 交办异议 (有异议), 销号审核
// (待销号, also a task loaded from a file already 待销号 that never had one), 延期审批 (request
// 待审批), 问题反映 (not yet answered) — are sent afresh before the last one dies. When each was last
// issued comes from CardIssue (written with the original card) and from this job's own earlier
// messages (their keys carry the business date), so planning stays free of writes and a re-run of
// the same day queues nothing new: key `reissue:<kind>.<subject>:<recipient>:<date>`.
import type { Db } from '../../db/client.js';
import type { WorkingCalendar } from '../../core/calendar.js';
import { reissueDue } from '../../core/card-life.js';
import { loadTask } from '../../ledger/actions.js';
import { loadExtension, loadProblem, type CardKind } from '../../ledger/office.js';
import { officeRecipients, type Recipient } from '../../ledger/recipients.js';
import { dispatchCard } from '../../chat/cards.js';
import { disputeCard, extensionReviewCard, problemCard } from '../../chat/office-cards.js';
import { dispatchRecipients, openMilestones } from '../../chat/actions/dispatch.js';
import { completionInfo } from '../../chat/actions/review.js';
import { reviewCard } from '../../chat/cards.js';
import type { Card } from '../cards.js';
import { fanOut, todayOf, type JobPlan, type PlanContext } from '../plan.js';
import { jobPeriod } from '../schedule.js';

export interface ReissueSubject { kind: CardKind; subjectId: number; lastIssued: string | null }
export interface ReissueItem extends ReissueSubject { recipients: Recipient[]; card: Card; title: string }

const TITLES: Record<CardKind, string> = { dispatch: '任务交办单', dispute: '交办异议', review: '销号审核', extension: '延期审批', problem: '问题反映' };

/** Everything still waited on, with when its card was last issued. */
export async function loadReissueSubjects(db: Db, tenantId: number): Promise<ReissueSubject[]> {
  const issues = await db.cardIssue.findMany({ where: { tenantId } });
  const last = new Map<string, string>(issues.map((i) => [`${i.kind}.${i.subjectId}`, i.issuedOn]));
  const ours = await db.outboxMessage.findMany({ where: { tenantId, dedupeKey: { startsWith: 'reissue:' } }, select: { dedupeKey: true } });
  for (const { dedupeKey } of ours) {
    const [, subject, , date] = dedupeKey.split(':');
    if (subject && date && date > (last.get(subject) ?? '')) last.set(subject, date);
  }
  const of = (kind: CardKind, subjectId: number): ReissueSubject => ({ kind, subjectId, lastIssued: last.get(`${kind}.${subjectId}`) ?? null });
  const tasks = await db.task.findMany({ where: { tenantId, status: { in: ['待签收', '有异议', '待销号'] } }, select: { id: true, status: true }, orderBy: { id: 'asc' } });
  const kindOf = { 待签收: 'dispatch', 有异议: 'dispute', 待销号: 'review' } as const;
  const out = tasks.map((t) => of(kindOf[t.status as keyof typeof kindOf], t.id));
  const extensions = await db.extensionRequest.findMany({ where: { tenantId, status: '待审批' }, select: { id: true, taskId: true }, orderBy: { id: 'asc' } });
  // Only while the task can still be extended (not closed out, revoked or awaiting review).
  const extendable = new Set((await db.task.findMany({ where: { tenantId, id: { in: extensions.map((e) => e.taskId) }, status: { in: ['待签收', '推进中', '已调整'] } }, select: { id: true } })).map((t) => t.id));
  out.push(...extensions.filter((e) => extendable.has(e.taskId)).map((e) => of('extension', e.id)));
  // Problems: only those whose card this bot sent (older reports had a plain notice) and still unanswered.
  const problemIds = issues.filter((i) => i.kind === 'problem').map((i) => i.subjectId);
  const answered = new Set((await db.problemAnswer.findMany({ where: { reportId: { in: problemIds } }, select: { reportId: true } })).map((a) => a.reportId));
  const open = await db.progressReport.findMany({ where: { tenantId, id: { in: problemIds }, withdrawnAt: null }, select: { id: true } });
  out.push(...open.filter((p) => !answered.has(p.id)).map((p) => of('problem', p.id)));
  return out;
}

/** The card and recipients of each due subject. */
export async function loadReissueItems(db: Db, tenantId: number, calendar: WorkingCalendar, due: ReissueSubject[]): Promise<ReissueItem[]> {
  const office = await officeRecipients(db, tenantId);
  const items: ReissueItem[] = [];
  for (const s of due) {
    const taskId = s.kind === 'extension' ? (await loadExtension(db, tenantId, s.subjectId))?.taskId : s.kind === 'problem' ? (await loadProblem(db, tenantId, s.subjectId))?.taskId : s.subjectId;
    const task = taskId ? await loadTask(db, tenantId, taskId) : null;
    if (!task) continue;
    let card: Card;
    let recipients = office;
    if (s.kind === 'dispatch') {
      card = dispatchCard(task, await openMilestones(db, task.id));
      // 联合牵头: every lead unit's liaisons and group.
      recipients = (await Promise.all([task.leadUnitId, ...(task.jointLeadUnitIds ?? [])].map((u) => dispatchRecipients(db, tenantId, u)))).flat();
    } else if (s.kind === 'dispute') {
      card = disputeCard(task, task.leadUnitName, task.statusReason ?? '—');
    } else if (s.kind === 'review') {
      card = reviewCard(task, await completionInfo({ db, calendar, tenant: { id: tenantId } }, task));
    } else if (s.kind === 'extension') {
      card = extensionReviewCard(task, (await loadExtension(db, tenantId, s.subjectId))!);
    } else {
      card = problemCard(task, (await loadProblem(db, tenantId, s.subjectId))!);
    }
    items.push({ ...s, recipients, card, title: `${TITLES[s.kind]}：${task.code}` });
  }
  return items;
}

/** The subjects whose card must go out today. Pure. */
export function dueSubjects(subjects: ReissueSubject[], today: string, calendar: WorkingCalendar): ReissueSubject[] {
  return subjects.filter((s) => reissueDue(s.lastIssued, today, calendar));
}

export function planReissue(items: ReissueItem[], ctx: PlanContext): JobPlan {
  const today = todayOf(ctx);
  const period = jobPeriod('reissue', today, ctx.config.thresholds.reportingCycle);
  const notes: string[] = [];
  const messages = items.flatMap((i) => {
    if (i.recipients.length === 0) notes.push(`${i.title}：找不到接收人（牵头单位没有登记飞书账号的联络员或工作群，或未配置改革办群）`);
    return fanOut('reissue', `${i.kind}.${i.subjectId}`, period.key, i.recipients, i.card, i.title);
  });
  return { job: 'reissue', tenantId: ctx.tenantId, at: ctx.at, today, period, messages, notes };
}
