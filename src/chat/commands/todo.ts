// 待办 — what is waiting on the caller. The office: completions to review, disputes, extension
// requests, problems awaiting coordination, tasks unsigned for more than N working days, units
// nobody can be reached in. A liaison (or anyone of a unit): what their unit must do — sign, report
// this cycle, rejected completions. A county leader: the items they lead that need them.
// 未报送 (office): units and tasks with no report this cycle.
import { joinMd, md, txt, type Md } from '../../cards/markup.js';
import { cycleContaining } from '../../core/periods.js';
import { loadLedgerTasks } from '../../ledger/overview.js';
import { supervisionThresholds } from '../../ledger/settings.js';
import { noticeCard } from '../cards.js';
import type { CommandHandler, MessageContext } from '../context.js';
import { card, text } from '../say.js';
import { actorUnitIds } from '../../core/permissions.js';
import { actorUnitNames } from '../../ledger/actions.js';
import { unitHolders } from '../../ledger/recipients.js';

/** Unsigned this many working days or more is listed for the office. */
export const UNSIGNED_WORKING_DAYS = 3;
const MAX = 15;

function section(title: string, lines: Md[]): Md | null {
  if (lines.length === 0) return null;
  const shown = lines.slice(0, MAX);
  return joinMd([md`**${title}（${lines.length}）**`, ...shown, ...(lines.length > MAX ? [md`……等 ${lines.length} 项`] : [])]);
}

export const todoCommand: CommandHandler<'todo'> = async (ctx) => {
  const isOffice = ctx.actor.roles.includes('ADMIN');
  const unitIds = actorUnitIds(ctx.actor);
  const sections = isOffice ? await officeTodo(ctx) : unitIds.length ? await unitTodo(ctx, unitIds) : await leaderTodo(ctx);
  const body = sections.filter((s): s is Md => s !== null);
  const who = isOffice ? '改革办' : actorUnitNames(ctx.actor) ?? ctx.actor.name;
  const reply = card(noticeCard(`${who} · 待办`, body.length ? joinMd(body, '\n\n') : md`暂无待办事项。`, body.length ? 'orange' : 'green'));
  return { ok: true, reply, summary: md`待办：见单独回复` };
};

async function officeTodo(ctx: MessageContext): Promise<(Md | null)[]> {
  const { db, tenant, today, calendar } = ctx;
  const tasks = await loadLedgerTasks(db, tenant.id, { statuses: ['待签收', '有异议', '待销号'] }, { coUnits: false });
  const units = new Map((await db.unit.findMany({ where: { tenantId: tenant.id } })).map((u) => [u.id, u]));
  const unitName = (id: number) => units.get(id)?.name ?? '—';
  const line = (t: { code: string; title: string; leadUnitId: number }, extra = '') => md`· ${t.code} ${t.title}（${unitName(t.leadUnitId)}）${extra}`;
  const reviews = tasks.filter((t) => t.status === '待销号').map((t) => md`${line(t, t.completedOn ? ` 报告完成 ${t.completedOn}` : '')}　→ 销号 ${t.code} ／ 退回 ${t.code} 理由`);
  const disputes = tasks.filter((t) => t.status === '有异议').map((t) => md`${line(t)}　→ 异议处理 ${t.code} 维持 答复`);
  const extensions = await db.extensionRequest.findMany({ where: { tenantId: tenant.id, status: '待审批' }, orderBy: { id: 'asc' } });
  const extTasks = new Map((await db.task.findMany({ where: { id: { in: extensions.map((e) => e.taskId) } }, select: { id: true, code: true, title: true, leadUnitId: true } })).map((t) => [t.id, t]));
  const extLines = extensions.flatMap((e) => { const t = extTasks.get(e.taskId); return t ? [md`${line(t, ` ${e.fromDeadline ?? '—'} → ${e.toDeadline}`)}：${e.reason}`] : []; });
  const answered = new Set((await db.problemAnswer.findMany({ where: { tenantId: tenant.id }, select: { reportId: true } })).map((a) => a.reportId));
  const issued = new Set((await db.cardIssue.findMany({ where: { tenantId: tenant.id, kind: 'problem' }, select: { subjectId: true } })).map((c) => c.subjectId));
  const problems = (await db.progressReport.findMany({ where: { tenantId: tenant.id, kind: '问题', withdrawnAt: null, id: { in: [...issued] } }, include: { task: { select: { code: true, title: true, leadUnitId: true } } }, orderBy: { id: 'asc' } }))
    .filter((p) => !answered.has(p.id)).map((p) => md`${line(p.task)}：${p.text}`);
  // Unsigned for more than N working days since the task was loaded (or its dispatch card went out).
  const sent = new Map((await db.cardIssue.findMany({ where: { tenantId: tenant.id, kind: 'dispatch' } })).map((c) => [c.subjectId, c.issuedOn]));
  const unsigned = tasks.filter((t) => t.status === '待签收').flatMap((t) => {
    const since = sent.get(t.id) ?? t.startDate;
    if (!since || since > today) return [];
    const days = calendar.workingDaysBetween(since, today);
    return days > UNSIGNED_WORKING_DAYS ? [md`${line(t)} 已 ${days} 个工作日未签收　→ 交办单 ${t.code}`] : [];
  });
  // Units with open tasks whose liaisons/heads have no Feishu account and no group.
  // 兼职 counts: a liaison whose primary unit is another reaches this one too.
  const holders = await unitHolders(db, tenant.id, [...units.keys()], { reachableOnly: true });
  const reachable = new Set(holders.filter((h) => /LIAISON|UNIT_HEAD/.test(h.roles)).map((h) => h.unitId));
  const openUnits = new Set((await db.task.findMany({ where: { tenantId: tenant.id, status: { in: ['待签收', '推进中', '有异议', '已调整'] } }, select: { leadUnitId: true }, distinct: ['leadUnitId'] })).map((t) => t.leadUnitId));
  const nobody = [...openUnits].filter((id) => !reachable.has(id) && !units.get(id)?.chatId).map((id) => md`· ${unitName(id)}：没有登记飞书账号的联络员或一把手，也没有工作群`);
  return [
    section('待审核销号', reviews), section('交办异议', disputes), section('延期申请', extLines), section('待协调问题', problems),
    section(`超过 ${UNSIGNED_WORKING_DAYS} 个工作日未签收`, unsigned), section('无人可联系的单位', nobody),
  ];
}

/** What the caller's units must do (兼职: all of them). */
async function unitTodo(ctx: MessageContext, unitIds: readonly number[]): Promise<(Md | null)[]> {
  const { db, tenant, today } = ctx;
  const cycle = cycleContaining(today, (await supervisionThresholds(db, tenant.id)).reportingCycle);
  const tasks = await loadLedgerTasks(db, tenant.id, { unitIds, statuses: ['待签收', '推进中', '已调整'] }, { coUnits: false });
  const sign = tasks.filter((t) => t.status === '待签收').map((t) => md`· ${t.code} ${t.title}　→ 签收 ${t.code}`);
  const report = tasks.filter((t) => t.status !== '待签收' && !(t.lastReportOn && t.lastReportOn >= cycle.start)).map((t) => md`· ${t.code} ${t.title}　→ 进展 ${t.code} 内容`);
  // Completions the office sent back (the last status change was 退回) and not yet reported again.
  const rejected: Md[] = [];
  for (const t of tasks.filter((x) => x.status === '推进中')) {
    const last = await db.auditLog.findFirst({ where: { tenantId: tenant.id, entity: 'task', entityId: String(t.id), action: 'update', after: { contains: '"status"' } }, orderBy: { id: 'desc' } });
    const after = last?.after ? (JSON.parse(last.after) as { action?: string; reason?: string }) : {};
    if (after.action === '退回') rejected.push(md`· ${t.code} ${t.title}：${after.reason ?? ''}　→ 完成 ${t.code} 补充后的完成情况`);
  }
  return [section('待签收', sign), section(`本期（${cycle.start} 起）未报送进展`, report), section('销号被退回', rejected)];
}

async function leaderTodo(ctx: MessageContext): Promise<(Md | null)[]> {
  const tasks = (await loadLedgerTasks(ctx.db, ctx.tenant.id, { openOnly: true }, { coUnits: false })).filter((t) => t.leadLeaderIds.includes(ctx.actor.personId));
  return [section('领衔事项', tasks.map((t) => md`· ${t.code} ${t.title}（${t.status}，完成时限 ${t.deadline ?? '—'}）　→ 批示 ${t.code} 内容`))];
}

export const unreportedCommand: CommandHandler<'unreported'> = async (ctx) => {
  if (!ctx.actor.roles.includes('ADMIN')) return { ok: false, reply: text(txt`只有改革办可以查看未报送情况。发送「待办」查看本单位要办的事。`), summary: md`✗ 未报送：只有改革办可以查看` };
  const { db, tenant, today } = ctx;
  const cycle = cycleContaining(today, (await supervisionThresholds(db, tenant.id)).reportingCycle);
  const tasks = (await loadLedgerTasks(db, tenant.id, { statuses: ['推进中', '已调整'] }, { coUnits: false })).filter((t) => !(t.lastReportOn && t.lastReportOn >= cycle.start));
  const units = new Map((await db.unit.findMany({ where: { tenantId: tenant.id } })).map((u) => [u.id, u.name]));
  const byUnit = new Map<number, typeof tasks>();
  for (const t of tasks) byUnit.set(t.leadUnitId, [...(byUnit.get(t.leadUnitId) ?? []), t]);
  const lines = [...byUnit].sort((a, b) => b[1].length - a[1].length).map(([u, ts]) => md`**${units.get(u) ?? '—'}**（${ts.length} 项）：${ts.slice(0, 8).map((t) => t.code).join('、')}${ts.length > 8 ? ` 等` : ''}`);
  const body = lines.length ? joinMd([md`本期 ${cycle.start} 至 ${cycle.end}，${byUnit.size} 个单位 ${tasks.length} 项在办事项尚未报送进展：`, ...lines.slice(0, 40)]) : md`本期（${cycle.start} 起）所有在办事项均已报送进展。`;
  return { ok: true, reply: card(noticeCard(`未报送 · ${cycle.label}`, body, lines.length ? 'orange' : 'green')), summary: md`未报送：见单独回复` };
};
