// The import as a plan: read and validate a file into a draft (plain JSON, storable), show what
// applying it would change, and apply exactly that draft later. `planImport` → `applyImportPlan`.
// The preview is the import itself run in a transaction that is rolled back: what it lists is
// what the apply writes (created, changed before → after, left alone), never a second guess.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditEntry } from '../../db/repos/audit.js';
import type { Db, Tx } from '../../db/client.js';
import { applyInTransaction, type ImportResult } from './apply.js';
import { loadKnownLedger } from './index.js';
import { readImportSource } from './read.js';
import { validateSheets, type ImportProblem, type LedgerDraft } from './validate.js';

/** A validated import, serialisable (stored between the preview and 确认导入). */
export interface ImportPlan {
  version: 1;
  draft: LedgerDraft;
}

/** One change the plan makes, as the audit log would record it. */
export interface ImportChange {
  entity: AuditEntry['entity'];
  action: AuditEntry['action'];
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export interface ImportPreview {
  result: Omit<ImportResult, 'createdTaskIds'>;
  changes: ImportChange[];
}

export type PlanOutcome = { ok: true; plan: ImportPlan; preview: ImportPreview } | { ok: false; problems: ImportProblem[] };

class Rollback extends Error {}

/** Reads files (paths), validates them against the ledger and previews the result. */
export async function planImportFiles(db: Db, tenantId: number, files: string[]): Promise<PlanOutcome> {
  const { draft, problems } = validateSheets(await readImportSource(files), await loadKnownLedger(db, tenantId));
  if (problems.length > 0) return { ok: false, problems };
  const plan: ImportPlan = { version: 1, draft };
  return { ok: true, plan, preview: await previewImportPlan(db, tenantId, plan) };
}

/** The same from a file's bytes (a file sent in the chat): .xlsx or .csv, by its name. */
export async function planImportBytes(db: Db, tenantId: number, fileName: string, bytes: Buffer): Promise<PlanOutcome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'taizhang-import-'));
  try {
    // The name decides the reader (and a CSV's sheet): keep it, minus anything path-like.
    const file = path.join(dir, path.basename(fileName).replace(/[\\/]/g, '_'));
    await writeFile(file, bytes);
    return await planImportFiles(db, tenantId, [file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What applying the plan now would change (nothing is written). */
export async function previewImportPlan(db: Db, tenantId: number, plan: ImportPlan): Promise<ImportPreview> {
  let preview: ImportPreview | undefined;
  try {
    await db.$transaction(
      async (tx) => {
        const audit: AuditEntry[] = [];
        const { createdTaskIds: _ids, ...result } = await applyInTransaction(tx, tenantId, plan.draft, 'preview', () => {}, audit);
        preview = { result, changes: audit.map(toChange) };
        throw new Rollback();
      },
      { timeout: 600_000, maxWait: 30_000 },
    );
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return preview!;
}

/** Applies the plan inside the caller's transaction (with whatever else must commit with it). */
export function applyImportPlan(tx: Tx, tenantId: number, plan: ImportPlan, actor: string): Promise<ImportResult> {
  return applyInTransaction(tx, tenantId, plan.draft, actor);
}

function toChange(e: AuditEntry): ImportChange {
  return {
    entity: e.entity,
    action: e.action,
    ...(e.before !== undefined ? { before: e.before as Record<string, unknown> } : {}),
    ...(e.after !== undefined ? { after: e.after as Record<string, unknown> } : {}),
  };
}
