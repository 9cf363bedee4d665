// Office-configurable settings (thresholds, weights, schedules, recipient groups) stored as JSON
// per tenant. Every write is audited. Parsing/validation belongs to the caller (src/core schemas).
import type { DbOrTx } from '../client.js';
import { recordAudit } from './audit.js';

/** One setting's stored JSON value, undefined when unset. Raw SQL: handlers read settings on every event (a Prisma call costs ~0.5 ms of CPU compiling). */
export async function getSetting(db: DbOrTx, tenantId: number, key: string): Promise<unknown> {
  const [row] = await db.$queryRaw<{ value: string }[]>`SELECT "value" FROM "Setting" WHERE "tenantId" = ${tenantId} AND "key" = ${key}`;
  return row ? JSON.parse(row.value) : undefined;
}

export async function getSettings(db: DbOrTx, tenantId: number): Promise<Record<string, unknown>> {
  const rows = await db.setting.findMany({ where: { tenantId } });
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]));
}

export async function putSetting(db: DbOrTx, tenantId: number, key: string, value: unknown, actor: string): Promise<void> {
  const before = await getSetting(db, tenantId, key);
  const json = JSON.stringify(value);
  if (before !== undefined && JSON.stringify(before) === json) return;
  await db.setting.upsert({ where: { tenantId_key: { tenantId, key } }, create: { tenantId, key, value: json }, update: { value: json } });
  await recordAudit(db, [{ tenantId, actor, entity: 'setting', entityId: key, action: before === undefined ? 'create' : 'update', before, after: value }]);
}
