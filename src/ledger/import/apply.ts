// Writes a validated draft to the ledger in one transaction: creates what is new, updates what
// changed (by 编号 for tasks, 姓名+单位 for people, name for units), records every change in the
// audit log, and leaves identical rows alone, so re-importing the same file changes nothing.
// Tasks missing from the file are never deleted; links in a row (leaders, co-units, milestones
// when the 节点 sheet is present) are taken as the file says.
import type { Db, Tx } from '../../db/client.js';
import { recordAudit, type AuditEntry } from '../../db/repos/audit.js';
import type { LedgerDraft, MilestoneDraft, PersonDraft } from './validate.js';
import { applyTasks } from './apply-tasks.js';
import { writePartTime } from './apply-part-time.js';

export interface ImportCounts { created: number; updated: number; deleted: number; unchanged: number }
export interface ImportResult {
  units: ImportCounts; people: ImportCounts; tasks: ImportCounts; milestones: ImportCounts;
  /** 兼职: further units of people (PersonUnit) created, changed, deactivated (counted as updated). */
  partTime?: ImportCounts;
  /** Tasks created by this import, for dispatching 任务交办单 to their lead units. */
  createdTaskIds: number[];
}
export type ProgressFn = (phase: string, done: number, total: number) => void;

const CHUNK = 400;
export const counts = (): ImportCounts => ({ created: 0, updated: 0, deleted: 0, unchanged: 0 });
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
export const chunks = <T>(items: T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export async function applyDraft(db: Db, tenantId: number, draft: LedgerDraft, actor: string, onProgress: ProgressFn = () => {}): Promise<ImportResult> {
  return db.$transaction(async (tx) => {
    const { result, audit } = await writeDraft(tx, tenantId, draft, actor, onProgress);
    await recordAudit(tx, audit);
    return result;
  }, { timeout: 600_000, maxWait: 30_000 });
}

/**
 * The import's writes inside the caller's transaction, audit recorded there too. `audit` also
 * receives every change (what a preview shows: plan.ts runs this in a transaction it rolls back).
 */
export async function applyInTransaction(tx: Tx, tenantId: number, draft: LedgerDraft, actor: string, onProgress: ProgressFn = () => {}, audit: AuditEntry[] = []): Promise<ImportResult> {
  const written = await writeDraft(tx, tenantId, draft, actor, onProgress);
  audit.push(...written.audit);
  await recordAudit(tx, written.audit);
  return written.result;
}

/** Writes the draft in the caller's transaction and returns what it did; the caller records the audit entries (or rolls back). */
export async function writeDraft(tx: Tx, tenantId: number, draft: LedgerDraft, actor: string, onProgress: ProgressFn = () => {}): Promise<{ result: ImportResult; audit: AuditEntry[] }> {
  const audit: AuditEntry[] = [];
  const result: ImportResult = { units: counts(), people: counts(), tasks: counts(), milestones: counts(), partTime: counts(), createdTaskIds: [] };
  const log = (entity: AuditEntry['entity'], entityId: number | string, action: AuditEntry['action'], before?: unknown, after?: unknown) =>
    audit.push({ tenantId, actor, entity, entityId, action, before, after });

  // ---- 单位
  const units = await tx.unit.findMany({ where: { tenantId } });
  const unitByName = new Map(units.map((u) => [u.name, u]));
  const newUnits = draft.units.filter((u) => !unitByName.has(u.name));
  for (const part of chunks(newUnits)) {
    const created = await tx.unit.createManyAndReturn({
      data: part.map((u) => ({ tenantId, name: u.name, kind: u.kind, chatId: u.chatId, chatName: u.chatName ?? null })),
    });
    for (const u of created) unitByName.set(u.name, u);
  }
  const unitId = (name: string) => unitByName.get(name)!.id;
  const unitNameById = new Map([...unitByName.values()].map((u) => [u.id, u.name]));
  for (const d of draft.units) {
    const u = unitByName.get(d.name)!;
    // A group bound in the chat (「绑定 单位」) is kept when the sheet leaves 工作群ID empty.
    const want = { kind: d.kind, parent: d.parentName, chatId: d.chatId ?? u.chatId, chatName: d.chatName ?? null };
    const isNew = newUnits.includes(d);
    // A unit only named in a published ledger is created if missing and otherwise left as it is.
    if (!isNew && d.inferred) { result.units.unchanged++; continue; }
    const have = isNew ? null : { kind: u.kind, parent: u.parentId ? unitNameById.get(u.parentId)! : null, chatId: u.chatId, chatName: u.chatName };
    if (isNew) {
      if (d.parentName) await tx.unit.update({ where: { id: u.id }, data: { parentId: unitId(d.parentName) } });
      log('unit', u.id, 'create', undefined, { name: d.name, ...want });
      result.units.created++;
    } else if (!same(have, want)) {
      await tx.unit.update({ where: { id: u.id }, data: { kind: d.kind, chatId: want.chatId, chatName: want.chatName, parentId: d.parentName ? unitId(d.parentName) : null } });
      log('unit', u.id, 'update', { name: d.name, ...have }, { name: d.name, ...want });
      result.units.updated++;
    } else result.units.unchanged++;
  }
  onProgress('单位', draft.units.length, draft.units.length);

  // ---- 人员
  const people = await tx.person.findMany({ where: { tenantId } });
  const personByKey = new Map(people.map((p) => [p.matchKey, p]));
  const personView = (p: { name: string; unitId: number | null; roles: string; mobile: string | null; email: string | null; openId: string | null; active: boolean }) => ({
    name: p.name, unit: p.unitId ? unitNameById.get(p.unitId) ?? null : null, roles: p.roles, mobile: p.mobile, email: p.email, openId: p.openId, active: p.active,
  });
  // 兼职 rows are written as further units of their person below, not as people.
  const partTimeRows = draft.people.filter((p) => p.partTimeOf);
  const personRows = draft.people.filter((p) => !p.partTimeOf).map((d) => withFurtherRows(d, partTimeRows));
  const newPeople = personRows.filter((p) => !personByKey.has(p.matchKey));
  // Feishu ids that move between people in this file (a swap, a transfer, an account given to a
  // person listed for the first time): free them first, so the unique (tenant, open_id) holds at
  // every step — also for the people created just below.
  const moving = personRows.filter((d) => d.openId && personByKey.get(d.matchKey)?.openId !== d.openId);
  const freed = [...new Set(moving.map((d) => d.openId!))];
  if (freed.length) await tx.person.updateMany({ where: { tenantId, openId: { in: freed } }, data: { openId: null, userId: null } });
  for (const part of chunks(newPeople)) {
    const created = await tx.person.createManyAndReturn({
      data: part.map((p) => ({
        tenantId, name: p.name, matchKey: p.matchKey, unitId: p.unitName ? unitId(p.unitName) : null,
        roles: [...p.roles].sort().join(','), mobile: p.mobile, email: p.email, openId: p.openId, active: p.active ?? true,
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
  for (const d of personRows) {
    if (newKeys.has(d.matchKey)) continue;
    if (d.inferred) { result.people.unchanged++; continue; }
    const p = personByKey.get(d.matchKey)!;
    // An open_id bound on first contact is kept when the workbook leaves 飞书ID empty.
    const keptOpenId = p.openId && !freed.includes(p.openId) ? p.openId : null;
    const next = { name: d.name, unitId: d.unitName ? unitId(d.unitName) : null, roles: [...d.roles].sort().join(','), mobile: d.mobile, email: d.email, openId: d.openId ?? keptOpenId, active: d.active ?? true };
    const before = personView(p);
    const after = personView(next);
    if (same(before, after)) result.people.unchanged++;
    else {
      // The user_id belongs to the account: another open_id (typed, or freed) drops it until looked up again.
      await tx.person.update({ where: { id: p.id }, data: { ...next, ...(next.openId !== p.openId ? { userId: null } : {}) } });
      log('person', p.id, 'update', before, after);
      result.people.updated++;
    }
  }
  // Someone no longer in a re-imported 人员 sheet leaves: inactive (no more messages), history kept.
  if (draft.present.people) {
    const listed = new Set(personRows.map((d) => d.matchKey));
    const merged = new Set(partTimeRows.map((d) => d.matchKey));
    for (const p of personByKey.values()) {
      if (listed.has(p.matchKey) || !p.active) continue;
      // A person stored twice before (same account under two units) now listed as 兼职: the second
      // record stops, its Feishu account goes to the person it is a further unit of.
      const data = merged.has(p.matchKey) && p.openId ? { active: false, openId: null } : { active: false };
      await tx.person.update({ where: { id: p.id }, data });
      log('person', p.id, 'update', { active: true, ...('openId' in data ? { openId: p.openId } : {}) }, data);
      result.people.updated++;
    }
  }
  await writePartTime(tx, tenantId, partTimeRows, draft.present.people, { personByKey, unitId, unitNameById, log, counts: result.partTime! });
  const personIdByKey = (key: string) => personByKey.get(key)!.id;

  // ---- 台账
  onProgress('台账', 0, draft.tasks.length);
  const taskResult = await applyTasks(tx, tenantId, draft.tasks, {
    unitId, unitNameById, personIdByKey, personByKey, log, onProgress,
  });
  result.tasks = taskResult.counts;
  result.createdTaskIds = taskResult.createdTaskIds;
  const taskIdByKey = taskResult.taskIdByKey;

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

  return { result, audit };
}

/**
 * A person row as its 兼职 rows make it: 改革办 and 县级领导 are the person's, whichever row gives
 * them (findActorByOpenId says the same), so every reader of Person.roles — office notices, leader
 * lists, jobs — sees them; and a primary row 离岗 while a 兼职 row stays 在岗 moves the person to that
 * unit (still active, reached and acting there) instead of locking them out.
 */
function withFurtherRows(d: PersonDraft, partTimeRows: readonly PersonDraft[]): PersonDraft {
  const further = partTimeRows.filter((r) => r.partTimeOf === d.matchKey && r.active !== false && r.unitName);
  if (further.length === 0) return d;
  const personWide = further.flatMap((r) => r.roles.filter((role) => role === 'ADMIN' || role === 'LEADER'));
  if (d.active === false) {
    const next = further[0]!;
    return { ...d, unitName: next.unitName, roles: [...new Set([...next.roles, ...personWide])], active: true };
  }
  return personWide.length ? { ...d, roles: [...new Set([...d.roles, ...personWide])] } : d;
}
