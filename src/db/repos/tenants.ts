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

/** The tenant with this key, or null. Raw SQL: it runs for every event (a Prisma call costs ~0.5 ms of CPU compiling). */
export async function findTenant(db: DbOrTx, key: string): Promise<TenantRef | null> {
  const rows = await db.$queryRaw<TenantRef[]>`SELECT "id", "key", "name" FROM "Tenant" WHERE "key" = ${key}`;
  const row = rows[0];
  return row ? { id: Number(row.id), key: row.key, name: row.name } : null;
}
