// Tasks the reform loop makes: 立项 from a 储备库 item, 挂帅 from a 榜单, a follow-up after 回头看. A new
// ledger task 待签收 (code in the ledger's own pattern, leaders, co-units, milestones), its origin
// linked (TaskOrigin), audited — inside the caller's transaction, so the 任务交办单 is queued with it.
import { codeKey } from '../core/codes.js';
import { nextTaskCode } from '../core/loop/numbers.js';
import { isIsoDate, shanghaiDate } from '../core/dates.js';
import { recordAudit } from '../db/repos/audit.js';
import type { DbOrTx } from '../db/client.js';
import type { Tx } from './common.js';

export interface NewTaskInput {
  title: string;
  category: string;
  leadUnitId: number;
  leaderIds: number[];
  coUnitIds: number[];
  deadline: string | null;
  milestones: { title: string; dueDate: string }[];
  deliverable?: string | null;
  implementationPath?: string | null;
  tags?: string[];
}

export interface TaskOriginInput {
  kind: '改革建议' | '揭榜挂帅' | '改革办' | '回头看';
  reserveItemId?: number | null;
  suggestionId?: number | null;
  callId?: number | null;
  lookbackId?: number | null;
}

export async function createLoopTask(tx: Tx, tenantId: number, actor: string, at: Date, input: NewTaskInput, origin: TaskOriginInput): Promise<{ id: number; code: string }> {
  const year = Number(shanghaiDate(at).slice(0, 4));
  const codes = (await tx.task.findMany({ where: { tenantId, code: { contains: `-${year}-` } }, select: { code: true } })).map((t) => t.code);
  const code = nextTaskCode(codes, year);
  const task = await tx.task.create({
    data: {
      tenantId, code, codeKey: codeKey(code), title: input.title, category: input.category, leadUnitId: input.leadUnitId,
      deadline: input.deadline, deliverable: input.deliverable ?? null, implementationPath: input.implementationPath ?? null,
      status: '待签收', tags: (input.tags ?? []).join(','), startDate: shanghaiDate(at),
      leadLeaders: { create: [...new Set(input.leaderIds)].map((personId) => ({ personId })) },
      coUnits: { create: [...new Set(input.coUnitIds)].filter((u) => u !== input.leadUnitId).map((unitId) => ({ unitId })) },
      milestones: { create: input.milestones.map((m) => ({ title: m.title, dueDate: m.dueDate })) },
    },
  });
  await tx.taskOrigin.create({ data: { taskId: task.id, tenantId, kind: origin.kind, reserveItemId: origin.reserveItemId ?? null, suggestionId: origin.suggestionId ?? null, callId: origin.callId ?? null, lookbackId: origin.lookbackId ?? null } });
  await recordAudit(tx, [{ tenantId, actor, entity: 'task', entityId: task.id, action: 'create', at, after: { code, title: input.title, leadUnitId: input.leadUnitId, deadline: input.deadline, origin } }]);
  return { id: task.id, code };
}

/**
 * The 立项 form's free-text fields read against the ledger: leaders and co-units by name
 * ("王建国、李红梅"), milestones one per line ("完成调研 2026-12-31"). Chinese problems, all at once.
 */
export async function readTaskForm(db: DbOrTx, tenantId: number, form: { leadUnit?: unknown; leaders?: unknown; coUnits?: unknown; deadline?: unknown; milestones?: unknown; category?: unknown; title?: unknown }): Promise<{ ok: true; value: Omit<NewTaskInput, 'title'> & { title: string | null } } | { ok: false; reason: string }> {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const problems: string[] = [];
  const names = (v: unknown) => str(v).split(/[、，,；;\s]+/).filter(Boolean);
  const units = await db.unit.findMany({ where: { tenantId, active: true }, select: { id: true, name: true } });
  const leadUnitText = str(form.leadUnit);
  const lead = units.find((u) => String(u.id) === leadUnitText || u.name === leadUnitText);
  if (!lead) problems.push(leadUnitText ? `没有名为「${leadUnitText}」的单位` : '请选择牵头单位');
  const coUnitIds: number[] = [];
  for (const n of names(form.coUnits)) {
    const u = units.find((x) => x.name === n);
    if (u) coUnitIds.push(u.id);
    else problems.push(`配合单位「${n}」不在单位名单中`);
  }
  const leaderIds: number[] = [];
  for (const n of names(form.leaders)) {
    const p = await db.person.findFirst({ where: { tenantId, name: n, active: true, roles: { contains: 'LEADER' } }, select: { id: true } });
    if (p) leaderIds.push(p.id);
    else problems.push(`领衔领导「${n}」不是登记的县级领导`);
  }
  const deadline = str(form.deadline).replace(/[./]/g, '-');
  if (!deadline) problems.push('请填写完成时限（YYYY-MM-DD）');
  else if (!isIsoDate(deadline)) problems.push(`完成时限「${deadline}」应为日期，如 2027-06-30`);
  const milestones: { title: string; dueDate: string }[] = [];
  for (const line of str(form.milestones).split(/\n+/).map((l) => l.trim()).filter(Boolean)) {
    const m = /^(.+?)[\s,，:：]+(\d{4}[-./]\d{1,2}[-./]\d{1,2})$/.exec(line);
    const date = m ? m[2]!.replace(/[./]/g, '-').replace(/-(\d)(?=-|$)/g, '-0$1') : '';
    if (!m || !isIsoDate(date)) problems.push(`节点「${line}」应写成「节点名称 YYYY-MM-DD」`);
    else if (isIsoDate(deadline) && date > deadline) problems.push(`节点「${m[1]}」的时限晚于完成时限`);
    else milestones.push({ title: m[1]!.trim(), dueDate: date });
  }
  if (problems.length) return { ok: false, reason: problems.join('；') };
  return { ok: true, value: { title: str(form.title) || null, category: str(form.category) || '重点改革任务', leadUnitId: lead!.id, leaderIds, coUnitIds, deadline, milestones } };
}
