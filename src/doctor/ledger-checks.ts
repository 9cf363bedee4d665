// `taizhang doctor`, the local side: groups vs units, people the bot cannot reach (and typed
// 飞书IDs of another app, 99992361), holiday data for this and next year, migrations, clock.
import type * as lark from '@larksuiteoapi/node-sdk';
import type { AppContext } from '../app.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { readMigrations } from '../db/migrate.js';
import { shanghaiDate } from '../core/dates.js';
import { contactLookup } from '../feishu/contact.js';
import { checkTypedOpenIds, CROSS_APP, FOREIGN_ID_FIX } from '../ledger/typed-ids.js';
import type { Check } from './report.js';

export async function groupChecks(app: AppContext, tenant: TenantRef): Promise<Check[]> {
  const db = app.db.prisma;
  const units = await db.unit.findMany({ where: { tenantId: tenant.id, active: true }, orderBy: { id: 'asc' }, select: { name: true, chatId: true } });
  const gone = await db.feishuChat.findMany({ where: { tenantId: tenant.id, removedAt: { not: null } }, select: { chatId: true } });
  const goneIds = new Set(gone.map((g) => g.chatId));
  const inGone = units.filter((u) => u.chatId && goneIds.has(u.chatId));
  const unbound = units.filter((u) => !u.chatId);
  const present = await db.feishuChat.count({ where: { tenantId: tenant.id, removedAt: null } });
  const checks: Check[] = [
    unbound.length
      ? { ok: true, label: `工作群：机器人在 ${present} 个群中，${units.length - unbound.length} 个单位已绑定工作群，${unbound.length} 个未绑定（消息只发给个人）`, details: [unbound.slice(0, 20).map((u) => u.name).join('、') + (unbound.length > 20 ? ' 等' : '')] }
      : { ok: true, label: `工作群：机器人在 ${present} 个群中，${units.length} 个单位均已绑定工作群` },
  ];
  if (inGone.length) checks.push({ ok: false, label: `${inGone.length} 个单位绑定的群中已没有机器人：${inGone.map((u) => u.name).join('、')}`, fix: '把机器人重新加入这些群，并在群里 @机器人 发送「绑定 单位名称」' });
  return checks;
}

export async function peopleChecks(app: AppContext, tenant: TenantRef, client: lark.Client | undefined): Promise<Check[]> {
  const db = app.db.prisma;
  const [unresolved, inactive, active] = await Promise.all([
    db.person.findMany({
      where: { tenantId: tenant.id, active: true, openId: null },
      include: { unit: { select: { name: true } }, otherUnits: { where: { active: true }, include: { unit: { select: { name: true } } } } },
      orderBy: { id: 'asc' },
    }),
    db.person.count({ where: { tenantId: tenant.id, active: false } }),
    db.person.count({ where: { tenantId: tenant.id, active: true } }),
  ]);
  const checks: Check[] = [];
  checks.push(unresolved.length
    ? { ok: false, label: `人员：${unresolved.length} 人没有飞书账号，收不到消息`, details: unresolved.slice(0, 20).map((p) => `${p.name}（${[p.unit?.name ?? '未填单位', ...p.otherUnits.map((o) => `兼任${o.unit.name}`)].join('、')}）${p.mobile || p.email ? '：手机号/邮箱在飞书中查不到' : '：未填手机、邮箱或飞书ID'}`), fix: '在「人员」表补全手机号或邮箱后重新导入（taizhang import 会按手机号/邮箱查找），并确认其在应用「可用范围」内' }
    : { ok: true, label: `人员：${active} 人都有飞书账号${inactive ? `（另有 ${inactive} 人已停用）` : ''}` });
  if (!client) return checks;
  const { checked, foreign, unchecked } = await checkTypedOpenIds(db, tenant.id, contactLookup(client, app.config.feishu.appType === 'isv' ? tenant.key : undefined));
  if (unchecked.length) {
    checks.push({ ok: false, label: `人员：${unchecked.length} 个飞书ID未能核对`, details: unchecked.slice(0, 20), fix: '稍后再运行 taizhang doctor；仍不能核对时按错误码查飞书开放平台「通用错误码」' });
  }
  checks.push(foreign.length
    ? { ok: false, label: `人员：${foreign.length} 人的飞书ID属于其他应用（飞书错误码 ${CROSS_APP} open_id cross app），消息发不出去`, details: foreign.slice(0, 20), fix: FOREIGN_ID_FIX }
    : { ok: true, label: `人员：已核对 ${checked} 个飞书ID，均属于本应用` });
  return checks;
}

/**
 * This and next year's holiday data. A missing schedule is ✗ for this year, and for next year from
 * December (usually published in November); ⚠ otherwise — and always with `advisory` (the sandbox:
 * a trial has no State Council notice to load, and the bot runs on the computed statutory days).
 */
export async function calendarChecks(app: AppContext, tenant: TenantRef, opts: { advisory?: boolean } = {}): Promise<Check[]> {
  const calendar = await app.calendars.calendarFor(tenant.id);
  const today = shanghaiDate(app.clock.now());
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const checks: Check[] = [];
  for (const y of [year, year + 1]) {
    const known = calendar.isKnownYear(y);
    // Next year's schedule is usually published in November: missing it is only a fault from December.
    const required = !opts.advisory && (y === year || month === 12);
    checks.push(known
      ? { ok: true, label: `节假日：${y} 年放假安排已载入` }
      : { ok: !required, warn: true, label: `节假日：${y} 年放假安排尚未载入（法定节假日按放假办法推算，调休未知）`, fix: `国务院办公厅公布 ${y} 年安排后，用 taizhang calendar set 或在聊天中发送「日历 ${y}-…」载入` });
  }
  return checks;
}

export async function systemChecks(app: AppContext, serverDate: Date | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  const files = readMigrations(app.config.database.provider).map((f) => f.name);
  const rows = (await app.db.prisma.$queryRawUnsafe(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)) as { migration_name: string }[];
  const applied = new Set(rows.map((r) => r.migration_name));
  const missing = files.filter((f) => !applied.has(f));
  checks.push(missing.length ? { ok: false, label: `数据库：${missing.length} 个迁移未应用`, fix: '运行 taizhang migrate' } : { ok: true, label: `数据库：迁移已是最新（${files.length} 个）` });
  let zoneOk = true;
  try {
    new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai' }).format(app.clock.now());
  } catch {
    zoneOk = false;
  }
  const now = app.clock.now();
  // The machine's own clock (not a --at moment) against the Date Feishu's server answered with.
  const skew = serverDate ? Math.abs(Date.now() - serverDate.getTime()) : 0;
  checks.push(!zoneOk
    ? { ok: false, label: '时区：系统缺少 Asia/Shanghai 时区数据', fix: '安装完整的 ICU/时区数据（Node.js 官方发行版自带）' }
    : skew > 5 * 60_000
      ? { ok: false, label: `时钟：本机时间与飞书服务器相差 ${Math.round(skew / 1000)} 秒`, fix: '开启 NTP 时间同步（时间偏差会使事件签名校验失败、提醒时间不准）' }
      : { ok: true, label: `时钟与时区：北京时间 ${shanghaiDate(now)}${serverDate ? `，与飞书服务器相差 ${Math.round(skew / 1000)} 秒` : ''}` });
  return checks;
}
