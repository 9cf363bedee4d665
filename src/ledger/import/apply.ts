// Writes a validated draft to the ledger in one transaction: creates what is new, updates what
// changed (by 编号 for tasks, 姓名+单位 for people, name for units), records every change in the
// audit log, and leaves identical rows alone, so re-importing the same file changes nothing.
// Tasks missing from the file are never deleted; links in a row (leaders, co-units, milestones
// when the 节点 sheet is present) are taken as the file says.
import type { Db, Tx } from '../../db/client.js';
import { recordAudit, type AuditEntry } from '../../db/repos/audit.js';
import type { LedgerDraft, MilestoneDraft } from './validate.js';

export interface ImportCounts { created: number; updated: number; deleted: number; unchanged: number }
export interface ImportResult {
  units: ImportCounts; people: ImportCounts; tasks: ImportCounts; milestones: ImportCounts;
  /** Tasks created by this import, for dispatching 任务交办单 to their lead units. */
  createdTaskIds: number[];
}
export type ProgressFn = (phase: string, done: number, total: number) => void;

const CHUNK = 400;
const counts = (): ImportCounts => ({ created: 0, updated: 0, deleted: 0, unchanged: 0 });
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const chunks = <T>(items: T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export async function applyDraft(db: Db, tenantId: number, draft: LedgerDraft, actor: string, onProgress: ProgressFn = () => {}): Promise<ImportResult> {
  return db.$transaction((tx) => applyInTransaction(tx, tenantId, draft, actor, onProgress), { timeout: 600_000, maxWait: 30_000 });
}

/**
 * The import's writes inside the caller's transaction. `audit` receives every change as it is
 * recorded (what a preview shows: plan.ts runs this in a transaction it rolls back).
 */
export async function applyInTransaction(tx: Tx, tenantId: number, draft: LedgerDraft, actor: string, onProgress: ProgressFn = () => {}, audit: AuditEntry[] = []): Promise<ImportResult> {
  const result: ImportResult = { units: counts(), people: counts(), tasks: counts(), milestones: counts(), createdTaskIds: [] };
  const log = (entity: AuditEntry['entity'], entityId: number | string, action: AuditEntry['action'], before?: unknown, after?: unknown) =>
    audit.push({ tenantId, actor, entity, entityId, action, before, after });

  // ---- 单位
  const units = await tx.unit.findMany({ where: { tenantId } });
  const unitByName = new Map(units.map((u) => [u.name, u]));
  const newUnits = draft.units.filter((u) => !unitByName.has(u.name));
  for (const part of chunks(newUnits)) {
    const created = await tx.unit.createManyAndReturn({
      data: part.map((u) => ({ tenantId, name: u.name, kind: u.kind, chatId: u.chatId })),
    });
    for (const u of created) unitByName.set(u.name, u);
  }
  const unitId = (name: string) => unitByName.get(name)!.id;
  const unitNameById = new Map([...unitByName.values()].map((u) => [u.id, u.name]));
  for (const d of draft.units) {
    const u = unitByName.get(d.name)!;
    const want = { kind: d.kind, parent: d.parentName, chatId: d.chatId };
    const isNew = newUnits.includes(d);
    const have = isNew ? null : { kind: u.kind, parent: u.parentId ? unitNameById.get(u.parentId)! : null, chatId: u.chatId };
    if (isNew) {
      if (d.parentName) await tx.unit.update({ where: { id: u.id }, data: { parentId: unitId(d.parentName) } });
      log('unit', u.id, 'create', undefined, { name: d.name, ...want });
      result.units.created++;
    } else if (!same(have, want)) {
      await tx.unit.update({ where: { id: u.id }, data: { kind: d.kind, chatId: d.chatId, parentId: d.parentName ? unitId(d.parentName) : null } });
      log('unit', u.id, 'update', { name: d.name, ...have }, { name: d.name, ...want });
      result.units.updated++;
    } else result.units.unchanged++;
  }
  onProgress('单位', draft.units.length, draft.units.length);

  // ---- 人员
  const people = await tx.person.findMany({ where: { tenantId } });
  const personByKey = new Map(people.map((p) => [p.matchKey, p]));
  const personView = (p: { name: string; unitId: number | null; roles: string; mobile: string | null; email: string | null; openId: string | null }) => ({
    name: p.name, unit: p.unitId ? unitNameById.get(p.unitId) ?? null : null, roles: p.roles, mobile: p.mobile, email: p.email, openId: p.openId,
  });
  const newPeople = draft.people.filter((p) => !personByKey.has(p.matchKey));
  // Feishu ids that move between people in this file (a swap, a transfer, an account given to a
  // person listed for the first time): free them first, so the unique (tenant, open_id) holds at
  // every step — also for the people created just below.
  const moving = draft.people.filter((d) => d.openId && personByKey.get(d.matchKey)?.openId !== d.openId);
  const freed = [...new Set(moving.map((d) => d.openId!))];
  if (freed.length) await tx.person.updateMany({ where: { tenantId, openId: { in: freed } }, data: { openId: null } });
  for (const part of chunks(newPeople)) {
    const created = await tx.person.createManyAndReturn({
      data: part.map((p) => ({
        tenantId, name: p.name, matchKey: p.matchKey, unitId: p.unitName ? unitId(p.unitName) : null,
        roles: [...p.roles].sort().join(','), mobile: p.mobile, email: p.email, openId: p.openId,
      })),
    });
    for (const p of created) {
      personByKey.set(p.matchKey, p);
      log('person', p.id, 'create', undefined, personView(p));
    }
    result.people.created += created.length;
    onProgress('人员', result.people.created, draft.people.length);
  }
  const newKeys = new Set(newPeople.map((p) => p.matchKey));
  for (const d of draft.people) {
    if (newKeys.has(d.matchKey)) continue;
    const p = personByKey.get(d.matchKey)!;
    // An open_id bound on first contact is kept when the workbook leaves 飞书ID empty.
    const keptOpenId = p.openId && !freed.includes(p.openId) ? p.openId : null;
    const next = { name: d.name, unitId: d.unitName ? unitId(d.unitName) : null, roles: [...d.roles].sort().join(','), mobile: d.mobile, email: d.email, openId: d.openId ?? keptOpenId };
    const before = personView(p);
    const after = personView(next);
    if (same(before, after)) result.people.unchanged++;
    else {
      await tx.person.update({ where: { id: p.id }, data: next });
      log('person', p.id, 'update', before, after);
      result.people.updated++;
    }
  }
  const personIdByKey = (key: string) => personByKey.get(key)!.id;

  // ---- 台账
  const tasks = await tx.task.findMany({
    where: { tenantId },
    include: { leadLeaders: { select: { personId: true } }, coUnits: { select: { unitId: true } } },
  });
  const taskByKey = new Map(tasks.map((t) => [t.codeKey, t]));
  const personNameById = new Map([...personByKey.values()].map((p) => [p.id, p.matchKey]));
  const ownerIdFor = (name: string | null, leadUnit: string) => {
    if (!name) return null;
    const inUnit = personByKey.get(`${name}@${leadUnit}`);
    if (inUnit) return inUnit.id;
    const anywhere = [...personByKey.values()].filter((p) => p.name === name);
    return anywhere.length === 1 ? anywhere[0]!.id : null;
  };
  type TaskView = Record<string, unknown>;
  const draftView = (d: LedgerDraft['tasks'][number], currentStatus: string | null): TaskView => ({
    code: d.code, title: d.title, category: d.category, batch: d.batch, leadUnit: d.leadUnitName,
    leadLeaders: [...d.leadLeaderKeys].sort(), coUnits: [...d.coUnitNames].sort(), ownerName: d.ownerName,
    deliverable: d.deliverable, implementationPath: d.implementationPath, startDate: d.startDate, deadline: d.deadline,
    status: d.status ?? currentStatus ?? '待签收',
    ...(d.completedOn !== undefined ? { completedOn: d.completedOn } : {}),
    ...(d.closedOn !== undefined ? { closedOn: d.closedOn } : {}),
  });
  const dbView = (t: (typeof tasks)[number], d: LedgerDraft['tasks'][number]): TaskView => ({
    code: t.code, title: t.title, category: t.category, batch: t.batch, leadUnit: unitNameById.get(t.leadUnitId),
    leadLeaders: t.leadLeaders.map((l) => personNameById.get(l.personId)).sort(), coUnits: t.coUnits.map((c) => unitNameById.get(c.unitId)).sort(),
    ownerName: t.ownerName, deliverable: t.deliverable, implementationPath: t.implementationPath, startDate: t.startDate,
    deadline: t.deadline, status: t.status,
    ...(d.completedOn !== undefined ? { completedOn: t.completedOn } : {}),
    ...(d.closedOn !== undefined ? { closedOn: t.closedOn } : {}),
  });
  const scalarData = (d: LedgerDraft['tasks'][number]) => ({
    code: d.code, title: d.title, category: d.category, batch: d.batch, leadUnitId: unitId(d.leadUnitName),
    ownerId: ownerIdFor(d.ownerName, d.leadUnitName), ownerName: d.ownerName, deliverable: d.deliverable,
    implementationPath: d.implementationPath, startDate: d.startDate, deadline: d.deadline,
    ...(d.completedOn !== undefined ? { completedOn: d.completedOn } : {}),
    ...(d.closedOn !== undefined ? { closedOn: d.closedOn } : {}),
  });

  const newTasks = draft.tasks.filter((d) => !taskByKey.has(d.codeKey));
  const taskIdByKey = new Map(tasks.map((t) => [t.codeKey, t.id]));
  let done = 0;
  for (const part of chunks(newTasks)) {
    const created = await tx.task.createManyAndReturn({
      data: part.map((d) => ({ tenantId, codeKey: d.codeKey, status: d.status ?? '待签收', ...scalarData(d) })),
      select: { id: true, codeKey: true },
    });
    for (const t of created) taskIdByKey.set(t.codeKey, t.id);
    const byKey = new Map(part.map((d) => [d.codeKey, d]));
    await tx.taskLeadLeader.createMany({
      data: created.flatMap((t) => byKey.get(t.codeKey)!.leadLeaderKeys.map((k) => ({ taskId: t.id, personId: personIdByKey(k) }))),
    });
    await tx.taskCoUnit.createMany({
      data: created.flatMap((t) => byKey.get(t.codeKey)!.coUnitNames.map((n) => ({ taskId: t.id, unitId: unitId(n) }))),
    });
    for (const t of created) {
      log('task', t.id, 'create', undefined, draftView(byKey.get(t.codeKey)!, null));
      result.createdTaskIds.push(t.id);
    }
    result.tasks.created += created.length;
    done += created.length;
    onProgress('台账', done, draft.tasks.length);
  }
  for (const d of draft.tasks) {
    const t = taskByKey.get(d.codeKey);
    if (!t) continue;
    const before = dbView(t, d);
    const after = draftView(d, t.status);
    if (same(before, after)) {
      result.tasks.unchanged++;
    } else {
      await tx.task.update({ where: { id: t.id }, data: { ...scalarData(d), status: after.status as string, levelOn: null } });
      if (!same(before.leadLeaders, after.leadLeaders)) {
        await tx.taskLeadLeader.deleteMany({ where: { taskId: t.id } });
        await tx.taskLeadLeader.createMany({ data: d.leadLeaderKeys.map((k) => ({ taskId: t.id, personId: personIdByKey(k) })) });
      }
      if (!same(before.coUnits, after.coUnits)) {
        await tx.taskCoUnit.deleteMany({ where: { taskId: t.id } });
        await tx.taskCoUnit.createMany({ data: d.coUnitNames.map((n) => ({ taskId: t.id, unitId: unitId(n) })) });
      }
      log('task', t.id, 'update', before, after);
      result.tasks.updated++;
    }
    done++;
    if (done % 500 === 0) onProgress('台账', done, draft.tasks.length);
  }
  onProgress('台账', draft.tasks.length, draft.tasks.length);

  // ---- 节点: for every task named in the file, its milestones become what the 节点 sheet says.
  if (draft.present.milestones) {
    const wanted = new Map<number, MilestoneDraft[]>();
    for (const d of draft.tasks) wanted.set(taskIdByKey.get(d.codeKey)!, []);
    for (const m of draft.milestones) {
      const id = taskIdByKey.get(m.codeKey)!;
      if (!wanted.has(id)) wanted.set(id, []);
      wanted.get(id)!.push(m);
    }
    const existing = await tx.milestone.findMany({ where: { task: { tenantId } } });
    const existingByTask = new Map<number, typeof existing>();
    for (const m of existing) {
      if (!existingByTask.has(m.taskId)) existingByTask.set(m.taskId, []);
      existingByTask.get(m.taskId)!.push(m);
    }
    const toCreate: { taskId: number; title: string; dueDate: string; doneDate: string | null }[] = [];
    for (const [taskId, list] of wanted) {
      const have = new Map((existingByTask.get(taskId) ?? []).map((m) => [m.title, m]));
      for (const m of list) {
        const h = have.get(m.title);
        have.delete(m.title);
        if (!h) toCreate.push({ taskId, title: m.title, dueDate: m.dueDate, doneDate: m.doneDate });
        else if (h.dueDate !== m.dueDate || h.doneDate !== m.doneDate) {
          await tx.milestone.update({ where: { id: h.id }, data: { dueDate: m.dueDate, doneDate: m.doneDate } });
          await tx.task.update({ where: { id: taskId }, data: { levelOn: null } });
          log('milestone', h.id, 'update', { title: h.title, dueDate: h.dueDate, doneDate: h.doneDate }, { title: m.title, dueDate: m.dueDate, doneDate: m.doneDate });
          result.milestones.updated++;
        } else result.milestones.unchanged++;
      }
      for (const gone of have.values()) {
        await tx.milestone.delete({ where: { id: gone.id } });
        await tx.task.update({ where: { id: taskId }, data: { levelOn: null } });
        log('milestone', gone.id, 'delete', { taskId, title: gone.title, dueDate: gone.dueDate, doneDate: gone.doneDate });
        result.milestones.deleted++;
      }
    }
    for (const part of chunks(toCreate)) {
      await tx.task.updateMany({ where: { id: { in: [...new Set(part.map((m) => m.taskId))] } }, data: { levelOn: null } });
      const created = await tx.milestone.createManyAndReturn({ data: part });
      for (const m of created) log('milestone', m.id, 'create', undefined, { taskId: m.taskId, title: m.title, dueDate: m.dueDate, doneDate: m.doneDate });
      result.milestones.created += created.length;
    }
    onProgress('节点', draft.milestones.length, draft.milestones.length);
  }

  await recordAudit(tx, audit);
  return result;
}
