import type { DbOrTx } from '../client.js';

export interface TenantRef {
  id: number;
  key: string;
  name: string;
}

/** Finds or creates the tenant for a Feishu tenant_key. Every ledger query is scoped by its id. */
export async function ensureTenant(db: DbOrTx, key: string, name = key): Promise<TenantRef> {
  return db.tenant.upsert({ where: { key }, create: { key, name }, update: {}, select: { id: true, key: true, name: true } });
}

export async function findTenant(db: DbOrTx, key: string): Promise<TenantRef | null> {
  return db.tenant.findUnique({ where: { key }, select: { id: true, key: true, name: true } });
}
