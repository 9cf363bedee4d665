// `taizhang import`: read → find the tables → validate (all problems at once) → apply in one
// transaction. planImport gives a JSON-serialisable plan (what would be created, changed before →
// after, left unchanged, and the report: sheets, header mapping, row matches, inferred units and
// leaders, problems) without writing; applyImportPlan applies exactly that plan later, refusing if
// the ledger changed meanwhile so that the plan would now do something else.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Db } from '../../db/client.js';
import { recordAudit, type AuditEntry } from '../../db/repos/audit.js';
import type { Role } from '../../core/types.js';
import { writeDraft, applyDraft, type ImportResult, type ProgressFn } from './apply.js';
import { readGrids } from './read.js';
import { classifySheets } from './sheets.js';
import { codePrefixFor } from './code-prefix.js';
import { isError, personMatchKey, validateSource, type ImportProblem, type KnownLedger, type LedgerDraft, type SourceReport } from './validate.js';

export type ImportOutcome =
  | { ok: true; result: ImportResult; report: SourceReport; problems: ImportProblem[] }
  | { ok: false; problems: ImportProblem[]; report?: SourceReport };

export interface ImportOptions {
  actor?: string;
  onProgress?: ProgressFn;
  /** Import the rows that can be imported; rows with errors are skipped (reported). */
  partial?: boolean;
  /** The import's year, for deadlines written without one (default: this year in Shanghai). */
  importYear?: number;
}

export async function loadKnownLedger(db: Db, tenantId: number): Promise<KnownLedger> {
  const [units, people, tasks, partTime] = await Promise.all([
    db.unit.findMany({ where: { tenantId }, select: { id: true, name: true, kind: true } }),
    db.person.findMany({ where: { tenantId }, select: { name: true, unitId: true, matchKey: true, roles: true, openId: true, active: true } }),
    db.task.findMany({ where: { tenantId }, select: { codeKey: true, code: true, title: true, leadUnitId: true, serialNo: true } }),
    db.personUnit.findMany({ where: { tenantId }, select: { unit: { select: { name: true } }, person: { select: { name: true, matchKey: true } } } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return {
    unitNames: new Set(units.map((u) => u.name)),
    unitKinds: new Map(units.map((u) => [u.name, u.kind])),
    people: people.map((p) => ({
      name: p.name, matchKey: p.matchKey, unitName: p.unitId ? unitName.get(p.unitId) ?? null : null,
      roles: p.roles.split(',').filter(Boolean) as Role[], openId: p.openId, active: p.active,
    })),
    partTime: partTime.map((pu) => ({ matchKey: personMatchKey(pu.person.name, pu.unit.name), partTimeOf: pu.person.matchKey })),
    taskCodeKeys: new Set(tasks.map((t) => t.codeKey)),
    tasks: tasks.map((t) => ({ codeKey: t.codeKey, code: t.code, title: t.title, leadUnitName: unitName.get(t.leadUnitId) ?? '', serialNo: t.serialNo })),
  };
}

const thisYear = () => Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

/** Reads and validates a source: the draft, every problem, and the report. Writes nothing. */
export async function checkImport(db: Db, tenantId: number, files: string[], opts: ImportOptions = {}) {
  const source = classifySheets(await readGrids(files));
  const known = await loadKnownLedger(db, tenantId);
  const codePrefix = await codePrefixFor(db, tenantId);
  return validateSource(source, known, { codePrefix, importYear: opts.importYear ?? thisYear() });
}

/** Whether the draft may be written: no errors, or --partial and none that blocks the whole file. */
export function mayWrite(problems: ImportProblem[], partial: boolean): boolean {
  return partial ? !problems.some((p) => p.blocking) : !problems.some(isError);
}

export async function importLedger(db: Db, tenantId: number, files: string[], opts: ImportOptions = {}): Promise<ImportOutcome> {
  const { draft, problems, report } = await checkImport(db, tenantId, files, opts);
  if (!mayWrite(problems, opts.partial ?? false)) return { ok: false, problems, report };
  const actor = opts.actor ?? `import:${files.map((f) => path.basename(f)).join(',')}`;
  return { ok: true, result: await applyDraft(db, tenantId, draft, actor, opts.onProgress), report, problems };
}

// ---- plan / apply

export interface PlannedChange {
  entity: AuditEntry['entity'];
  action: AuditEntry['action'];
  /** The changed row's id (updates and deletes); null for a row the plan creates. */
  id: string | null;
  before?: unknown;
  after?: unknown;
}

export interface ImportPlan {
  version: 1;
  tenantId: number;
  files: string[];
  plannedAt: string;
  partial: boolean;
  /** False when problems stop the import (nothing would be written). */
  ok: boolean;
  problems: ImportProblem[];
  report: SourceReport;
  counts: Omit<ImportResult, 'createdTaskIds'> | null;
  changes: PlannedChange[];
  draft: LedgerDraft;
  /** Fingerprint of `changes`: applyImportPlan refuses when the ledger would now change differently. */
  fingerprint: string;
}

export class StalePlanError extends Error {
  constructor() {
    super('台账在预览之后已有变化，这份导入预览已过期，未写入任何数据。请重新预览后再确认导入。');
  }
}
class Rollback extends Error {
  constructor(readonly payload: { result: ImportResult; audit: AuditEntry[] }) {
    super('rollback');
  }
}

const toChanges = (audit: AuditEntry[]): PlannedChange[] =>
  audit.map((a) => ({ entity: a.entity, action: a.action, id: a.action === 'create' ? null : String(a.entityId), ...(a.before !== undefined ? { before: a.before } : {}), ...(a.after !== undefined ? { after: a.after } : {}) }));
/** Created rows' ids are left out (they differ run to run); their content is kept. */
const fingerprintOf = (changes: PlannedChange[]) => createHash('sha256').update(JSON.stringify(changes.map((c) => (c.action === 'create' ? { ...c, after: withoutIds(c.after) } : c)))).digest('hex');
const withoutIds = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'taskId')) : v);

/** What an import would do, computed by writing it in a transaction that is rolled back. */
export async function planImport(db: Db, tenantId: number, files: string[], opts: ImportOptions = {}): Promise<ImportPlan> {
  const { draft, problems, report } = await checkImport(db, tenantId, files, opts);
  const partial = opts.partial ?? false;
  const plan: ImportPlan = {
    version: 1, tenantId, files: files.map((f) => path.basename(f)), plannedAt: new Date().toISOString(), partial,
    ok: mayWrite(problems, partial), problems, report, counts: null, changes: [], draft, fingerprint: '',
  };
  if (!plan.ok) return plan;
  const { result, audit } = await dryRun(db, tenantId, draft);
  const { createdTaskIds: _ids, ...counts } = result;
  plan.counts = counts;
  plan.changes = toChanges(audit);
  plan.fingerprint = fingerprintOf(plan.changes);
  return plan;
}

async function dryRun(db: Db, tenantId: number, draft: LedgerDraft) {
  try {
    await db.$transaction(async (tx) => {
      throw new Rollback(await writeDraft(tx, tenantId, draft, 'plan'));
    }, { timeout: 600_000, maxWait: 30_000 });
  } catch (err) {
    if (err instanceof Rollback) return err.payload;
    throw err;
  }
  throw new Error('unreachable');
}

/**
 * Applies a plan made by planImport (possibly deserialised from JSON), exactly: in one transaction
 * the draft is written and what it did is compared with the plan; if the ledger changed so that it
 * would do anything else, nothing is written and StalePlanError is thrown.
 */
export async function applyImportPlan(db: Db, plan: ImportPlan, actor: string, onProgress?: ProgressFn): Promise<ImportResult> {
  if (plan.version !== 1) throw new Error('不认识的导入计划版本');
  if (!plan.ok) throw new Error('这份导入计划有错误，不能执行');
  return db.$transaction(async (tx) => {
    const { result, audit } = await writeDraft(tx, plan.tenantId, plan.draft, actor, onProgress);
    if (fingerprintOf(toChanges(audit)) !== plan.fingerprint) throw new StalePlanError();
    await recordAudit(tx, audit);
    return result;
  }, { timeout: 600_000, maxWait: 30_000 });
}
