// Which tenant an event belongs to. Feishu puts the installation's tenant_key in every verified
// event; the ledger rows of that tenant are the ones the event may touch.
import type { AppContext } from '../app.js';
import { ensureTenant, findTenant, type TenantRef } from '../db/repos/tenants.js';

/**
 * A store-app event without a tenant_key (Feishu always sends one; a forged or broken payload).
 * `permanent`: processing it again cannot help (the inbox fails it at once).
 */
export class MissingTenantKeyError extends Error {
  readonly permanent = true;
}

/**
 * The tenant of an event's tenant_key.
 * Self-built app: the first tenant_key seen binds the default tenant. Store app: every tenant_key
 * is its own tenant — one that installed the app and has no row yet gets one, with an empty
 * ledger (named after its key until an office names it: `taizhang tenant --name`).
 * Throws MissingTenantKeyError for a store-app event without a key.
 */
export async function resolveEventTenant(app: AppContext, tenantKey: string): Promise<TenantRef> {
  const db = app.db.prisma;
  const found = await findTenant(db, tenantKey);
  if (found) return found;
  if (app.config.feishu.appType === 'isv') {
    if (!tenantKey) throw new MissingTenantKeyError('商店应用收到的事件缺少 tenant_key');
    const created = await ensureTenant(db, tenantKey);
    app.logger.warn({ tenantKey }, `新租户已安装台账机器人：请用 taizhang import --tenant ${tenantKey} 导入其台账`);
    return created;
  }
  const all = await db.tenant.findMany({ take: 2 });
  if (all.length === 1 && all[0]!.key === app.config.defaultTenant.key) {
    const bound = await db.tenant.update({ where: { id: all[0]!.id }, data: { key: tenantKey } });
    app.logger.info({ tenantKey }, '默认租户已绑定到飞书 tenant_key');
    return { id: bound.id, key: bound.key, name: bound.name };
  }
  const created = await db.tenant.upsert({ where: { key: tenantKey }, create: { key: tenantKey, name: tenantKey }, update: {} });
  return { id: created.id, key: created.key, name: created.name };
}
