// Writes the 台账 part of a validated draft (inside apply.ts's transaction): creates new tasks,
// updates changed ones field by field, leaves identical ones alone. A field the file does not have
// (undefined in the draft) is neither compared nor written, so a re-import without a recognised
// column keeps what is stored. Lead units (联合牵头, in order), leaders (in order), co-units and
// named collectives are taken as the file says when their column is present.
import type { Tx } from '../../db/client.js';
import type { AuditEntry } from '../../db/repos/audit.js';
import type { TaskDraft } from './validate.js';
import { chunks, counts, same, type ImportCounts, type ProgressFn } from './apply.js';

/** Scalar fields of a task an import writes, with the value a new task gets when the file has none. */
const SCALARS = {
  title: '', category: '其他', batch: null, ownerName: null, deliverable: null, implementationPath: null,
  startDate: null, deadline: null, dueAsWritten: null, longTerm: false, section: null, serialNo: null, remark: null,
  completedOn: null, closedOn: null,
} as const satisfies Partial<Record<keyof TaskDraft, unknown>>;
type Scalar = keyof typeof SCALARS;
const SCALAR_KEYS = Object.keys(SCALARS) as Scalar[];

interface Ctx {
  unitId: (name: string) => number;
  unitNameById: Map<number, string>;
  personIdByKey: (key: string) => number;
  personByKey: Map<string, { id: number; name: string; matchKey: string }>;
  log: (entity: AuditEntry['entity'], entityId: number | string, action: AuditEntry['action'], before?: unknown, after?: unknown) => void;
  onProgress: ProgressFn;
}

export async function applyTasks(tx: Tx, tenantId: number, drafts: TaskDraft[], ctx: Ctx): Promise<{ counts: ImportCounts; createdTaskIds: number[]; taskIdByKey: Map<string, number> }> {
  const result = counts();
  const createdTaskIds: number[] = [];
  const tasks = await tx.task.findMany({
    where: { tenantId },
    include: {
      leadLeaders: { select: { personId: true, position: true } },
      coUnits: { select: { unitId: true } },
      leadUnits: { select: { unitId: true, position: true } },
      collectives: { select: { name: true, position: true } },
    },
  });
  const taskByKey = new Map(tasks.map((t) => [t.codeKey, t]));
  const taskIdByKey = new Map(tasks.map((t) => [t.codeKey, t.id]));
  const personKeyById = new Map([...ctx.personByKey.values()].map((p) => [p.id, p.matchKey]));
  const ownerIdFor = (name: string | null | undefined, leadUnit: string) => {
    if (!name) return null;
    const inUnit = ctx.personByKey.get(`${name}@${leadUnit}`);
    if (inUnit) return inUnit.id;
    const anywhere = [...ctx.personByKey.values()].filter((p) => p.name === name);
    return anywhere.length === 1 ? anywhere[0]!.id : null;
  };
  const byPosition = <T extends { position: number }>(rows: T[]) => [...rows].sort((a, b) => a.position - b.position);

  /** What the audit log and the comparison see: only the fields the file has. */
  const draftView = (d: TaskDraft, currentStatus: string | null, all: boolean): Record<string, unknown> => {
    const v: Record<string, unknown> = { code: d.code, leadUnits: d.leadUnitNames };
    for (const k of SCALAR_KEYS) {
      if (d[k] !== undefined) v[k] = d[k];
      else if (all && k !== 'completedOn' && k !== 'closedOn') v[k] = SCALARS[k];
    }
    if (d.leadLeaderKeys !== undefined || all) v.leadLeaders = d.leadLeaderKeys ?? [];
    if (d.coUnitNames !== undefined || all) v.coUnits = [...(d.coUnitNames ?? [])].sort();
    if (d.collectiveNames !== undefined || all) v.collectives = d.collectiveNames ?? [];
    v.status = d.status ?? currentStatus ?? '待签收';
    return v;
  };
  const dbView = (t: (typeof tasks)[number], d: TaskDraft): Record<string, unknown> => {
    const v: Record<string, unknown> = {
      code: t.code,
      leadUnits: [t.leadUnitId, ...byPosition(t.leadUnits).map((l) => l.unitId)].map((id) => ctx.unitNameById.get(id)),
    };
    for (const k of SCALAR_KEYS) if (d[k] !== undefined) v[k] = t[k];
    if (d.leadLeaderKeys !== undefined) v.leadLeaders = byPosition(t.leadLeaders).map((l) => personKeyById.get(l.personId));
    if (d.coUnitNames !== undefined) v.coUnits = t.coUnits.map((c) => ctx.unitNameById.get(c.unitId)).sort();
    if (d.collectiveNames !== undefined) v.collectives = byPosition(t.collectives).map((c) => c.name);
    v.status = t.status;
    return v;
  };
  const scalarData = (d: TaskDraft, create: boolean) => {
    const data: Record<string, unknown> = { code: d.code, leadUnitId: ctx.unitId(d.leadUnitNames[0]!) };
    for (const k of SCALAR_KEYS) {
      if (d[k] !== undefined) data[k] = d[k];
      else if (create && k !== 'completedOn' && k !== 'closedOn') data[k] = SCALARS[k];
    }
    if (d.ownerName !== undefined || create) data.ownerId = ownerIdFor(d.ownerName, d.leadUnitNames[0]!);
    return data;
  };
  const leaderRows = (taskId: number, d: TaskDraft) => (d.leadLeaderKeys ?? []).map((k, position) => ({ taskId, personId: ctx.personIdByKey(k), position }));
  const coRows = (taskId: number, d: TaskDraft) => (d.coUnitNames ?? []).map((n) => ({ taskId, unitId: ctx.unitId(n) }));
  const jointRows = (taskId: number, d: TaskDraft) => d.leadUnitNames.slice(1).map((n, i) => ({ taskId, unitId: ctx.unitId(n), position: i + 1 }));
  const collectiveRows = (taskId: number, d: TaskDraft) => (d.collectiveNames ?? []).map((name, position) => ({ taskId, name, position }));

  const newTasks = drafts.filter((d) => !taskByKey.has(d.codeKey));
  let done = 0;
  for (const part of chunks(newTasks)) {
    // createMany + one lookup: faster than createManyAndReturn on both databases.
    await tx.task.createMany({ data: part.map((d) => ({ tenantId, codeKey: d.codeKey, status: d.status ?? '待签收', ...scalarData(d, true) })) as never });
    const created = await tx.task.findMany({ where: { tenantId, codeKey: { in: part.map((d) => d.codeKey) } }, select: { id: true, codeKey: true }, orderBy: { id: 'asc' } });
    const byKey = new Map(part.map((d) => [d.codeKey, d]));
    for (const t of created) taskIdByKey.set(t.codeKey, t.id);
    const each = <R>(rows: (id: number, d: TaskDraft) => R[]) => created.flatMap((t) => rows(t.id, byKey.get(t.codeKey)!));
    await tx.taskLeadLeader.createMany({ data: each(leaderRows) });
    await tx.taskCoUnit.createMany({ data: each(coRows) });
    const joint = each(jointRows);
    if (joint.length) await tx.taskLeadUnit.createMany({ data: joint });
    const coll = each(collectiveRows);
    if (coll.length) await tx.taskCollective.createMany({ data: coll });
    for (const t of created) {
      ctx.log('task', t.id, 'create', undefined, draftView(byKey.get(t.codeKey)!, null, true));
      createdTaskIds.push(t.id);
    }
    result.created += created.length;
    done += created.length;
    ctx.onProgress('台账', done, drafts.length);
  }
  for (const d of drafts) {
    const t = taskByKey.get(d.codeKey);
    if (!t) continue;
    const before = dbView(t, d);
    const after = draftView(d, t.status, false);
    if (same(before, after)) {
      result.unchanged++;
    } else {
      await tx.task.update({ where: { id: t.id }, data: { ...scalarData(d, false), status: after.status as string, levelOn: null } });
      if (!same(before.leadUnits, after.leadUnits)) {
        await tx.taskLeadUnit.deleteMany({ where: { taskId: t.id } });
        await tx.taskLeadUnit.createMany({ data: jointRows(t.id, d) });
      }
      if (d.leadLeaderKeys !== undefined && !same(before.leadLeaders, after.leadLeaders)) {
        await tx.taskLeadLeader.deleteMany({ where: { taskId: t.id } });
        await tx.taskLeadLeader.createMany({ data: leaderRows(t.id, d) });
      }
      if (d.coUnitNames !== undefined && !same(before.coUnits, after.coUnits)) {
        await tx.taskCoUnit.deleteMany({ where: { taskId: t.id } });
        await tx.taskCoUnit.createMany({ data: coRows(t.id, d) });
      }
      if (d.collectiveNames !== undefined && !same(before.collectives, after.collectives)) {
        await tx.taskCollective.deleteMany({ where: { taskId: t.id } });
        await tx.taskCollective.createMany({ data: collectiveRows(t.id, d) });
      }
      // Only what changed goes into the audit entry.
      const changedKeys = Object.keys(after).filter((k) => !same(before[k], after[k]));
      const pick = (v: Record<string, unknown>) => Object.fromEntries(['code', ...changedKeys].map((k) => [k, v[k]]));
      ctx.log('task', t.id, 'update', pick(before), pick(after));
      result.updated++;
    }
    done++;
    if (done % 500 === 0) ctx.onProgress('台账', done, drafts.length);
  }
  ctx.onProgress('台账', drafts.length, drafts.length);
  return { counts: result, createdTaskIds, taskIdByKey };
}
