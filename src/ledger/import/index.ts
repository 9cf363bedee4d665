// `taizhang import`: read → validate (all problems at once) → apply in one transaction.
import path from 'node:path';
import type { Db } from '../../db/client.js';
import type { Role } from '../../core/types.js';
import { applyDraft, type ImportResult, type ProgressFn } from './apply.js';
import { readImportSource } from './read.js';
import { validateSheets, type ImportProblem, type KnownLedger } from './validate.js';

export type ImportOutcome = { ok: true; result: ImportResult } | { ok: false; problems: ImportProblem[] };

export async function loadKnownLedger(db: Db, tenantId: number): Promise<KnownLedger> {
  const [units, people, tasks] = await Promise.all([
    db.unit.findMany({ where: { tenantId }, select: { id: true, name: true } }),
    db.person.findMany({ where: { tenantId }, select: { name: true, unitId: true, matchKey: true, roles: true, openId: true } }),
    db.task.findMany({ where: { tenantId }, select: { codeKey: true } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return {
    unitNames: new Set(units.map((u) => u.name)),
    people: people.map((p) => ({
      name: p.name, matchKey: p.matchKey, unitName: p.unitId ? unitName.get(p.unitId) ?? null : null,
      roles: p.roles.split(',').filter(Boolean) as Role[], openId: p.openId,
    })),
    taskCodeKeys: new Set(tasks.map((t) => t.codeKey)),
  };
}

export async function importLedger(
  db: Db,
  tenantId: number,
  files: string[],
  opts: { actor?: string; onProgress?: ProgressFn } = {},
): Promise<ImportOutcome> {
  const sheets = await readImportSource(files);
  const { draft, problems } = validateSheets(sheets, await loadKnownLedger(db, tenantId));
  if (problems.length > 0) return { ok: false, problems };
  const actor = opts.actor ?? `import:${files.map((f) => path.basename(f)).join(',')}`;
  return { ok: true, result: await applyDraft(db, tenantId, draft, actor, opts.onProgress) };
}
