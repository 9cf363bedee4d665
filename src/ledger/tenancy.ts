// Which tenant an event, a CLI run or a job belongs to.
// Store app (isv): every tenant_key is its own tenant. Self-built app: the app is installed in
// exactly one Feishu tenant, so there is exactly one home tenant — the oldest row. It starts under
// DEFAULT_TENANT_KEY (`local`) and takes the real tenant_key from the first verified event; every
// later run (CLI, restart, job) finds that same row again, whatever DEFAULT_TENANT_KEY says.
import type { AppContext } from '../app.js';
import type { Config } from '../config.js';
import type { DbOrTx } from '../db/client.js';
import { ensureTenant, findTenant, type TenantRef } from '../db/repos/tenants.js';
import { putSetting } from '../db/repos/settings.js';

/**
 * A store-app event without a tenant_key (Feishu always sends one; a forged or broken payload).
 * `permanent`: processing it again cannot help (the inbox fails it at once).
 */
export class MissingTenantKeyError extends Error {
  readonly permanent = true;
}

const selectRef = { id: true, key: true, name: true } as const;

/** Setting on the home tenant: the DEFAULT_TENANT_KEY it carried before the first event bound it. */
export const BOUND_FROM_SETTING = 'tenancy.boundFrom';
/** DEFAULT_TENANT_KEY when unset. */
const SHIPPED_DEFAULT_KEY = 'local';

/**
 * The tenant a process serves by default (AppContext.defaultTenant).
 * Store app: the DEFAULT_TENANT_KEY row (created if missing).
 * Self-built app: the DEFAULT_TENANT_KEY row; once the first event has bound it to the real
 * tenant_key, the row bound from that key (never a fresh empty row under the old key). A database
 * bound by an earlier version (no record of the binding) that since grew empty `local` rows: the
 * oldest row, the one that was bound.
 */
export async function resolveHomeTenant(db: DbOrTx, config: Config): Promise<TenantRef> {
  const { key, name } = config.defaultTenant;
  if (config.feishu.appType === 'isv') return ensureTenant(db, key, name);
  const boundFrom = await db.setting.findFirst({ where: { key: BOUND_FROM_SETTING, value: JSON.stringify(key) }, orderBy: { tenantId: 'asc' }, select: { tenant: { select: selectRef } } });
  if (boundFrom) return boundFrom.tenant;
  const named = await findTenant(db, key);
  if (!named) return ensureTenant(db, key, name);
  if (key !== SHIPPED_DEFAULT_KEY) return named;
  const oldest = await db.tenant.findFirst({ orderBy: { id: 'asc' }, select: selectRef });
  if (!oldest || oldest.id === named.id) return named;
  const used = (await db.person.count({ where: { tenantId: named.id } })) + (await db.task.count({ where: { tenantId: named.id } }));
  return used > 0 ? named : oldest;
}

/**
 * The tenant of an event's tenant_key.
 * Self-built app: the tenant of that key if there is one; else the home tenant, which the first
 * tenant_key binds while it still carries DEFAULT_TENANT_KEY (the row keeps its id and ledger, the
 * binding is remembered and audited, app.defaultTenant is updated in place). A self-built app is
 * installed in one tenant: any other key is answered by the home tenant too (never a new empty one).
 * Store app: every tenant_key is its own tenant — one that installed the app and has no row yet
 * gets one, with an empty ledger (named after its key until an office names it: `taizhang tenant --name`).
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
  const home = app.defaultTenant;
  if (!tenantKey) return home;
  const placeholder = app.config.defaultTenant.key;
  const bound = await db.$transaction(async (tx) => {
    const moved = await tx.tenant.updateMany({ where: { id: home.id, key: placeholder }, data: { key: tenantKey } });
    if (moved.count !== 1) return false;
    await putSetting(tx, home.id, BOUND_FROM_SETTING, placeholder, 'feishu');
    return true;
  });
  const current = await db.tenant.findUnique({ where: { id: home.id }, select: selectRef });
  if (current) home.key = current.key;
  if (bound) app.logger.info({ tenantKey }, '默认租户已绑定到飞书 tenant_key');
  else if (home.key !== tenantKey) app.logger.warn({ tenantKey, homeKey: home.key }, '自建应用收到其他 tenant_key 的事件，按本租户处理');
  return home;
}
