import type { DbOrTx } from '../client.js';

export interface AuditEntry {
  tenantId: number;
  actor: string;
  entity: 'task' | 'person' | 'unit' | 'milestone' | 'setting' | 'report' | 'tenant' | 'calendar'
    // 兼职: a person's further unit (PersonUnit)
    | 'personUnit'
    // the reform loop (src/loop)
    | 'suggestion' | 'reserve' | 'risk' | 'call' | 'application' | 'lookback' | 'outpost'
    // pilots and promotion (src/pilot)
    | 'pilot' | 'achievement' | 'case' | 'promotion';
  entityId: string | number;
  action: 'create' | 'update' | 'delete';
  before?: unknown;
  after?: unknown;
  at?: Date;
}

const CHUNK = 500;

/** Appends audit entries (before/after as JSON). Call inside the transaction that made the change. */
export async function recordAudit(db: DbOrTx, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += CHUNK) {
    await db.auditLog.createMany({
      data: entries.slice(i, i + CHUNK).map((e) => ({
        tenantId: e.tenantId,
        actor: e.actor,
        entity: e.entity,
        entityId: String(e.entityId),
        action: e.action,
        before: e.before === undefined ? null : JSON.stringify(e.before),
        after: e.after === undefined ? null : JSON.stringify(e.after),
        ...(e.at ? { at: e.at } : {}),
      })),
    });
  }
}

export async function listAudit(db: DbOrTx, tenantId: number, filter: { entity?: string; entityId?: string; take?: number } = {}) {
  return db.auditLog.findMany({
    where: { tenantId, ...(filter.entity ? { entity: filter.entity } : {}), ...(filter.entityId ? { entityId: filter.entityId } : {}) },
    orderBy: { id: 'asc' },
    ...(filter.take ? { take: filter.take } : {}),
  });
}
