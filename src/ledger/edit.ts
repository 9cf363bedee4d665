// Editing the ledger from Feishu (the office only): 调整 a task's 完成时限, 牵头单位, 配合单位, 领衔领导,
// 责任人 and 节点 with a reason, and 新增事项. Names are resolved against the ledger (a unit or a
// leader that is not there is refused in Chinese); only what changed is written and audited
// (before → after, reason); the first 完成时限 is kept in originalDeadline. One transaction with
// the messages the caller enqueues in `effects`.
import { Prisma } from '../generated/prisma-sqlite/client.js';
import type { Db, DbOrTx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import type { Clock } from '../clock.js';
import { codeKey } from '../core/codes.js';
import { checkPermission } from '../core/permissions.js';
import { parseEntryDate } from '../core/calendar-entry.js';
import { shanghaiDate } from '../core/dates.js';
import { pastDeadlineProblem } from '../core/task-dates.js';
import { TASK_CATEGORIES, type TaskStatus } from '../core/types.js';
import { loadTask, type Effects, type LedgerActor, type Outcome, type TaskRecord } from './actions.js';

/** What the 调整 form gives: each field as typed; undefined or unchanged text leaves it alone. */
export interface EditInput {
  deadline?: string;
  leadUnit?: string;
  coUnits?: string;
  leaders?: string;
  owner?: string;
  /** One 节点 per line: "名称 2026-12-31". */
  milestones?: string;
  reason: string;
}

export interface FieldChange { field: string; before: string; after: string }
export interface Edited { task: TaskRecord; before: TaskRecord; changes: FieldChange[]; at: Date; newLeadUnit: boolean }

const split = (s: string) => s.split(/[、,，;；\s]+/).map((x) => x.trim()).filter(Boolean);
const list = (xs: readonly string[]) => (xs.length ? xs.join('、') : '—');
/** The same names, whatever their order. */
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

async function unitByName(db: DbOrTx, tenantId: number, name: string) {
  const units = await db.unit.findMany({ where: { tenantId, active: true }, select: { id: true, name: true } });
  return units.find((u) => u.name === name) ?? units.filter((u) => u.name.includes(name)).sort((a, b) => a.name.length - b.name.length)[0] ?? null;
}

/** Milestones as typed, one per line: "名称 2026-12-31" (or "名称：2026年12月31日"). */
export function parseMilestones(text: string): { ok: true; items: { title: string; dueDate: string }[] } | { ok: false; reason: string } {
  const items: { title: string; dueDate: string }[] = [];
  for (const raw of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const m = /^(.+?)[\s:：,，]+(\S+)$/.exec(raw);
    const dueDate = m ? parseEntryDate(m[2]!) : null;
    if (!m || !dueDate) return { ok: false, reason: `节点「${raw.slice(0, 30)}」应写作「节点名称 2026-12-31」，每行一个。` };
    items.push({ title: m[1]!.trim().slice(0, 100), dueDate });
  }
  return { ok: true, items };
}

export async function editTask(db: Db, clock: Clock, actor: LedgerActor, task: TaskRecord, input: EditInput, effects?: Effects<Edited>): Promise<Outcome<Edited>> {
  if (actor.tenantId !== task.tenantId) return { ok: false, reason: '该事项不存在或已删除。' };
  const allowed = checkPermission(actor, task, 'edit');
  if (!allowed.ok) return allowed;
  if (task.status === '已销号' || task.status === '已撤销') return { ok: false, reason: `该事项当前状态为"${task.status}"，不能调整。` };
  if (input.reason.trim().length < 2) return { ok: false, reason: '调整需要填写理由（至少 2 个字）。' };
  const tenantId = task.tenantId;
  const changes: FieldChange[] = [];
  const data: Prisma.TaskUncheckedUpdateInput = {};
  let deadline: string | undefined;
  if (input.deadline?.trim() && input.deadline.trim() !== (task.deadline ?? '')) {
    const d = parseEntryDate(input.deadline);
    if (!d) return { ok: false, reason: `完成时限「${input.deadline}」不是日期，应写作 2027-03-31。` };
    const past = pastDeadlineProblem(d, shanghaiDate(clock.now()));
    if (past && d !== task.deadline) return { ok: false, reason: past };
    if (d !== task.deadline) {
      deadline = d;
      changes.push({ field: '完成时限', before: task.deadline ?? '—', after: d });
    }
  }
  let leadUnit: { id: number; name: string } | null = null;
  if (input.leadUnit?.trim() && input.leadUnit.trim() !== task.leadUnitName) {
    leadUnit = await unitByName(db, tenantId, input.leadUnit.trim());
    if (!leadUnit) return { ok: false, reason: `没有找到名称含「${input.leadUnit.trim()}」的单位。` };
    if (leadUnit.id === task.leadUnitId) leadUnit = null;
    else changes.push({ field: '牵头单位', before: task.leadUnitName, after: leadUnit.name });
  }
  let coUnits: { id: number; name: string }[] | null = null;
  if (input.coUnits !== undefined && !sameSet(split(input.coUnits.replace(/^—$/, '')), task.coUnitNames)) {
    coUnits = [];
    for (const name of split(input.coUnits.replace(/^—$/, ''))) {
      const u = await unitByName(db, tenantId, name);
      if (!u) return { ok: false, reason: `没有找到名称含「${name}」的配合单位。` };
      if (!coUnits.some((c) => c.id === u.id)) coUnits.push(u);
    }
    const after = coUnits.map((c) => c.name);
    if (!sameSet(after, task.coUnitNames)) changes.push({ field: '配合单位', before: list(task.coUnitNames), after: list(after) });
    else coUnits = null;
  }
  let leaders: { id: number; name: string }[] | null = null;
  if (input.leaders !== undefined && !sameSet(split(input.leaders.replace(/^—$/, '')), task.leadLeaderNames)) {
    const people = await db.person.findMany({ where: { tenantId, active: true, roles: { contains: 'LEADER' } }, select: { id: true, name: true } });
    leaders = [];
    for (const name of split(input.leaders.replace(/^—$/, ''))) {
      const p = people.find((x) => x.name === name);
      if (!p) return { ok: false, reason: `没有找到名为「${name}」的县级领导。` };
      if (!leaders.some((l) => l.id === p.id)) leaders.push(p);
    }
    const after = leaders.map((l) => l.name);
    if (!sameSet(after, task.leadLeaderNames)) changes.push({ field: '领衔领导', before: list(task.leadLeaderNames), after: list(after) });
    else leaders = null;
  }
  if (input.owner !== undefined && input.owner.trim() !== (task.ownerName ?? '') && input.owner.trim() !== '—') {
    data.ownerName = input.owner.trim().slice(0, 50) || null;
    changes.push({ field: '责任人', before: task.ownerName ?? '—', after: input.owner.trim() || '—' });
  }
  let milestones: { title: string; dueDate: string }[] | null = null;
  const current = await db.milestone.findMany({ where: { taskId: task.id, doneDate: null }, orderBy: { dueDate: 'asc' } });
  const currentText = current.map((m) => `${m.title} ${m.dueDate}`).join('\n');
  if (input.milestones !== undefined && input.milestones.trim() !== currentText) {
    const parsed = parseMilestones(input.milestones);
    if (!parsed.ok) return parsed;
    milestones = parsed.items;
    const show = (xs: { title: string; dueDate: string }[]) => (xs.length ? xs.map((m) => `${m.title}（${m.dueDate}）`).join('；') : '—');
    changes.push({ field: '节点', before: show(current), after: show(milestones) });
  }
  if (changes.length === 0) return { ok: false, reason: '没有改动：填写的内容与台账一致。' };

  const now = clock.now();
  return db.$transaction(async (tx): Promise<Outcome<Edited>> => {
    const row = await tx.task.findUniqueOrThrow({ where: { id: task.id }, select: { status: true, deadline: true, originalDeadline: true } });
    if (row.status !== task.status) return { ok: false, reason: '该事项刚刚被他人更新，请重新发送「调整」。', already: true };
    // 推进中 becomes 已调整 (the status lifecycle's 调整); other statuses keep theirs.
    const status: TaskStatus = task.status === '推进中' ? '已调整' : task.status;
    await tx.task.update({
      where: { id: task.id },
      data: {
        ...data,
        ...(deadline ? { deadline, originalDeadline: row.originalDeadline ?? row.deadline } : {}),
        ...(leadUnit ? { leadUnitId: leadUnit.id } : {}),
        status, statusReason: input.reason.trim(), levelOn: null,
      },
    });
    if (coUnits) {
      await tx.taskCoUnit.deleteMany({ where: { taskId: task.id } });
      if (coUnits.length) await tx.taskCoUnit.createMany({ data: coUnits.map((u) => ({ taskId: task.id, unitId: u.id })) });
    }
    if (leaders) {
      await tx.taskLeadLeader.deleteMany({ where: { taskId: task.id } });
      if (leaders.length) await tx.taskLeadLeader.createMany({ data: leaders.map((l) => ({ taskId: task.id, personId: l.id })) });
    }
    if (milestones) {
      await tx.milestone.deleteMany({ where: { taskId: task.id, doneDate: null, title: { notIn: milestones.map((m) => m.title) } } });
      for (const m of milestones) await tx.milestone.upsert({ where: { taskId_title: { taskId: task.id, title: m.title } }, create: { taskId: task.id, ...m }, update: { dueDate: m.dueDate } });
    }
    const before = Object.fromEntries(changes.map((c) => [c.field, c.before]));
    const after = Object.fromEntries(changes.map((c) => [c.field, c.after]));
    await recordAudit(tx, [{
      tenantId, actor: `person:${actor.personId}`, entity: 'task', entityId: task.id, action: 'update', at: now,
      before: { ...before, ...(status !== task.status ? { status: task.status } : {}) },
      after: { ...after, ...(status !== task.status ? { status, action: '调整' } : {}), reason: input.reason.trim() },
    }]);
    const result: Edited = { task: (await loadTask(tx, tenantId, task.id))!, before: task, changes, at: now, newLeadUnit: leadUnit !== null };
    await effects?.(tx, result);
    return { ok: true, ...result };
  });
}

/** What the 新增事项 form gives. */
export interface NewTaskInput { code: string; title: string; leadUnit: string; deadline: string; category?: string; coUnits?: string; leaders?: string; owner?: string; deliverable?: string }

export async function createTask(db: Db, clock: Clock, actor: LedgerActor, input: NewTaskInput, effects?: Effects<{ task: TaskRecord; at: Date }>): Promise<Outcome<{ task: TaskRecord; at: Date }>> {
  if (!actor.roles.includes('ADMIN')) return { ok: false, reason: '只有改革办可以新增事项。' };
  const tenantId = actor.tenantId;
  const code = input.code.trim();
  if (!/^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/.test(code)) return { ok: false, reason: `编号「${code.slice(0, 20)}」应由字母、数字和短横线组成，如 QY-2026-019。` };
  const title = input.title.trim();
  if (title.length < 2) return { ok: false, reason: '请填写改革事项名称。' };
  const deadline = parseEntryDate(input.deadline);
  if (!deadline) return { ok: false, reason: `完成时限「${input.deadline}」不是日期，应写作 2027-03-31。` };
  const past = pastDeadlineProblem(deadline, shanghaiDate(clock.now()));
  if (past) return { ok: false, reason: past };
  const lead = await unitByName(db, tenantId, input.leadUnit.trim());
  if (!input.leadUnit.trim() || !lead) return { ok: false, reason: `没有找到名称含「${input.leadUnit.trim()}」的牵头单位。` };
  const category = input.category?.trim() || '其他';
  if (!(TASK_CATEGORIES as readonly string[]).includes(category)) return { ok: false, reason: `类别应为：${TASK_CATEGORIES.join('、')}。` };
  const co: number[] = [];
  for (const name of split(input.coUnits ?? '')) {
    const u = await unitByName(db, tenantId, name);
    if (!u) return { ok: false, reason: `没有找到名称含「${name}」的配合单位。` };
    if (u.id !== lead.id && !co.includes(u.id)) co.push(u.id);
  }
  const leaderRows = await db.person.findMany({ where: { tenantId, active: true, roles: { contains: 'LEADER' } }, select: { id: true, name: true } });
  const leaders: number[] = [];
  for (const name of split(input.leaders ?? '')) {
    const p = leaderRows.find((x) => x.name === name);
    if (!p) return { ok: false, reason: `没有找到名为「${name}」的县级领导。` };
    if (!leaders.includes(p.id)) leaders.push(p.id);
  }
  const now = clock.now();
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.task.create({
        data: {
          tenantId, code, codeKey: codeKey(code), title: title.slice(0, 200), category, leadUnitId: lead.id, deadline, originalDeadline: null,
          ownerName: input.owner?.trim() || null, deliverable: input.deliverable?.trim() || null, status: '待签收',
          coUnits: { create: co.map((unitId) => ({ unitId })) }, leadLeaders: { create: leaders.map((personId) => ({ personId })) },
        },
      });
      await recordAudit(tx, [{ tenantId, actor: `person:${actor.personId}`, entity: 'task', entityId: row.id, action: 'create', at: now, after: { code, title, leadUnit: lead.name, deadline, category, source: '飞书新增事项' } }]);
      const result = { task: (await loadTask(tx, tenantId, row.id))!, at: now };
      await effects?.(tx, result);
      return { ok: true as const, ...result };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return { ok: false, reason: `编号「${code}」已有事项，请换一个编号。`, already: true };
    throw err;
  }
}
