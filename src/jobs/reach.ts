// Reaching people, run at import, at start and daily: look up open_ids for everyone without one
// (ledger/reach.ts), send the 任务交办单 the newly reachable liaisons have not had yet (dispatch is
// idempotent per task and recipient), and tell the office once who is still unreachable.
import type * as lark from '@larksuiteoapi/node-sdk';
import type { AppContext } from '../app.js';
import type { TenantRef } from '../db/repos/tenants.js';
import type { ContactLookup } from '../feishu/contact.js';
import { configuredLookup } from '../feishu/directory.js';
import { notifyUnreachable, resolvePeople, type ReachReport } from '../ledger/reach.js';
import { dispatchTasks } from '../chat/dispatch-tasks.js';

/** A day, between two directory runs for the people still unresolved. */
export const REACH_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface ReachOutcome extends ReachReport {
  /** 任务交办单 newly queued for the people found. */
  dispatched: number;
  /** Office notices queued (0 when the list is unchanged). */
  noticed: number;
}

const userIdNotes = new Set<string>();

export async function reachPeople(app: AppContext, tenant: TenantRef, lookup: ContactLookup): Promise<ReachOutcome> {
  const db = app.db.prisma;
  const report = await resolvePeople(db, tenant.id, lookup);
  let dispatched = 0;
  // 兼职: the further units of the people found wait for their 交办单 too.
  const further = report.resolved.length
    ? await db.personUnit.findMany({ where: { tenantId: tenant.id, active: true, personId: { in: report.resolved.map((r) => r.personId) } }, select: { unitId: true } })
    : [];
  const units = [...new Set([...report.resolved.map((r) => r.unitId), ...further.map((f) => f.unitId)].filter((u): u is number => u !== null))];
  if (units.length) {
    const waiting = await db.task.findMany({ where: { tenantId: tenant.id, status: '待签收', leadUnitId: { in: units } }, select: { id: true }, orderBy: { id: 'asc' } });
    dispatched = await dispatchTasks(app, tenant.id, waiting.map((t) => t.id));
  }
  const noticed = await notifyUnreachable(db, tenant.id, report);
  // user_ids the app may not read: said once per process and tenant, the open_ids suffice.
  if (report.userIdsSkipped && !userIdNotes.has(tenant.key)) {
    userIdNotes.add(tenant.key);
    app.logger.info({ tenant: tenant.key, why: report.userIdsSkipped }, '未查找 user_id（不影响发消息）');
  }
  if (report.resolved.length || report.unreachable.length) {
    app.logger.info({ tenant: tenant.key, resolved: report.resolved.length, unreachable: report.unreachable.length, dispatched, error: report.error }, '已按手机号/邮箱查找飞书账号');
  }
  return { ...report, dispatched, noticed };
}

/** At start and then daily: every tenant (a store app's) or the home tenant. Returns a stop function. */
export function startReachLoop(app: AppContext, client: lark.Client): () => void {
  const runAll = async () => {
    const tenants = app.config.feishu.appType === 'isv' ? await app.db.prisma.tenant.findMany({ select: { id: true, key: true, name: true }, orderBy: { id: 'asc' } }) : [app.defaultTenant];
    for (const t of tenants) {
      try {
        await reachPeople(app, t, configuredLookup(app, t.key, client)!);
      } catch (err) {
        app.logger.warn({ err: (err as Error).message, tenant: t.key }, '按手机号/邮箱查找飞书账号失败');
      }
    }
  };
  let running: Promise<void> | undefined = runAll();
  const timer = setInterval(() => {
    running ??= runAll().finally(() => (running = undefined));
  }, REACH_INTERVAL_MS);
  timer.unref();
  void running.finally(() => (running = undefined));
  return () => clearInterval(timer);
}
