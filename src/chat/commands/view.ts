// 查看 <编号>: the task's fields, latest progress and percent, and its timeline — dispatch,
// sign-for, reports, problems and their answers, urges, extensions, status changes, 批示 — from
// the reports, the audit log and the office's records. Anyone registered in the ledger may look.
import { md, type Md } from '../../cards/markup.js';
import { shanghaiShort } from '../../core/dates.js';
import type { TaskRecord } from '../../ledger/actions.js';
import { taskViewCard, type TimelineEntry } from '../office-cards.js';
import type { MessageContext } from '../context.js';
import { card } from '../say.js';

/** Non-person actors in the audit log (src/db/repos/audit.ts callers) and how 查看 names them. */
const SYSTEM_ACTORS: [prefix: string, label: string][] = [
  ['import', '台账导入'], ['demo', '示范数据'], ['cli', '命令行'], ['job', '定时任务'], ['scheduler', '定时任务'],
  ['feishu-directory', '飞书通讯录'], ['calendar', '工作日历'], ['plan', '台账导入'],
];
import { withTask } from './tasks.js';

type Json = Record<string, unknown>;
const parse = (s: string | null): Json => { try { return s ? (JSON.parse(s) as Json) : {}; } catch { return {}; } };

export const viewCommand = (ctx: MessageContext, c: { codeText: string }) => withTask(ctx, '查看', c.codeText, async (task) => ({
  ok: true, reply: card(await viewCard(ctx, task)), summary: md`查看 ${task.code}`,
}));

async function viewCard(ctx: MessageContext, task: TaskRecord) {
  const { db, tenant } = ctx;
  const [row, milestones, reports, audits, extensions, instructions] = await Promise.all([
    db.task.findUniqueOrThrow({ where: { id: task.id }, select: { originalDeadline: true, createdAt: true } }),
    db.milestone.findMany({ where: { taskId: task.id }, orderBy: { dueDate: 'asc' } }),
    db.progressReport.findMany({ where: { taskId: task.id }, orderBy: { id: 'asc' }, include: { reporter: { select: { name: true } } } }),
    db.auditLog.findMany({ where: { tenantId: tenant.id, entity: 'task', entityId: String(task.id) }, orderBy: { id: 'asc' } }),
    db.extensionRequest.findMany({ where: { tenantId: tenant.id, taskId: task.id }, orderBy: { id: 'asc' } }),
    db.instruction.findMany({ where: { tenantId: tenant.id, taskId: task.id }, orderBy: { id: 'asc' } }),
  ]);
  const answers = await db.problemAnswer.findMany({ where: { reportId: { in: reports.filter((r) => r.kind === '问题').map((r) => r.id) } } });
  const ids = new Set<number>([...audits.flatMap((a) => (a.actor.startsWith('person:') ? [Number(a.actor.slice(7))] : [])), ...extensions.map((e) => e.requesterId), ...instructions.map((i) => i.leaderId), ...answers.map((a) => a.byId)]);
  const names = new Map((await db.person.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  // Who did it, as an official reads it: a person's name, or what the system step was — never an internal id.
  const nameOf = (actor: string) => (actor.startsWith('person:') ? names.get(Number(actor.slice(7))) ?? '—' : SYSTEM_ACTORS.find(([prefix]) => actor.startsWith(prefix))?.[1] ?? '系统');

  const t: TimelineEntry[] = [{ at: row.createdAt, text: md`交办（载入台账）· 牵头单位 ${task.leadUnitName}` }];
  for (const a of audits) {
    const before = parse(a.before);
    const after = parse(a.after);
    const who = nameOf(a.actor);
    let text: Md | null = null;
    if (typeof after['status'] === 'string' && after['status'] !== before['status']) {
      const action = typeof after['action'] === 'string' ? after['action'] : '状态调整';
      const reason = typeof after['reason'] === 'string' && after['reason'] ? md`（${after['reason']}）` : md``;
      text = md`${action === '签收' ? '签收' : action}：${String(before['status'] ?? '—')} → ${after['status']} · ${who}${reason}`;
    } else if (typeof after['urged'] === 'string') text = md`催办 · ${who}：${after['urged']}`;
    else if (typeof after['deadline'] === 'string' && before['deadline'] !== undefined) text = md`完成时限：${String(before['deadline'] ?? '—')} → ${after['deadline']} · ${who}`;
    else if (typeof after['leadUnit'] === 'string') text = md`牵头单位：${String(before['leadUnit'] ?? '—')} → ${after['leadUnit']} · ${who}`;
    if (text) t.push({ at: a.at, text });
  }
  for (const r of reports) {
    const w = r.withdrawnAt ? md`（已撤回）` : md``;
    const p = r.percent !== null ? md` ${r.percent}%` : md``;
    t.push({ at: r.reportedAt, text: md`${r.kind === '问题' ? '反映问题' : r.kind === '完成' ? '报告完成' : '报送进展'} · ${r.reporter?.name ?? '—'}：${r.text}${p}${w}` });
    const ans = answers.find((a) => a.reportId === r.id);
    if (ans) t.push({ at: ans.at, text: md`问题${ans.outcome} · ${names.get(ans.byId) ?? '—'}：${ans.answer}` });
  }
  for (const e of extensions) {
    t.push({ at: e.requestedAt, text: md`申请延期至 ${e.toDeadline} · ${names.get(e.requesterId) ?? '—'}：${e.reason}` });
    if (e.decidedAt) t.push({ at: e.decidedAt, text: md`延期${e.status}${e.decisionReason ? md`：${e.decisionReason}` : ''}` });
  }
  for (const i of instructions) t.push({ at: i.at, text: md`领导批示 · ${names.get(i.leaderId) ?? '—'}：${i.text}` });
  t.sort((a, b) => a.at.getTime() - b.at.getTime());

  const latest = [...reports].reverse().find((r) => !r.withdrawnAt && r.kind !== '问题');
  const latestMd = latest ? md`${latest.text}（${shanghaiShort(latest.reportedAt)} · ${latest.reporter?.name ?? '—'}）　进度 ${task.lastPercent ?? '—'}%` : md`尚未报送`;
  return taskViewCard({ ...task, originalDeadline: row.originalDeadline }, {
    milestones: milestones.map((m) => `${m.title}（${m.dueDate}${m.doneDate ? '，已完成' : ''}）`), latest: latestMd, timeline: t,
  });
}
