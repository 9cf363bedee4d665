// The composition root: one config, one database, one clock, one calendar provider (a working-day
// calendar per tenant), one logger, shared by the bot (src/main.ts), the CLI and the tests.
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import type { TenantRef } from './db/repos/tenants.js';
import { resolveHomeTenant } from './ledger/tenancy.js';
import { systemClock, type Clock } from './clock.js';
import { createLogger, type Logger } from './log.js';
import type { CalendarOverrides } from './core/calendar.js';
import { readCalendarOverridesFile } from './core/calendar-data.js';
import { shanghaiDate } from './core/dates.js';
import { createCalendarProvider, noticeBaseCalendarChange, type CalendarProvider } from './ledger/calendars.js';

export interface AppContext {
  config: Config;
  db: Database;
  clock: Clock;
  /** The working-day calendar of each tenant: calendars.calendarFor(tenantId). */
  calendars: CalendarProvider;
  logger: Logger;
  /** The tenant this process serves by default: a self-built app's one tenant (bound or not yet), a store app's DEFAULT_TENANT_KEY (ledger/tenancy.ts). */
  defaultTenant: TenantRef;
  close(): Promise<void>;
}

/** CALENDAR_OVERRIDES_FILE, read and validated (InvalidSettingsError in Chinese), or none. */
export function fileOverrides(config: Config): CalendarOverrides {
  return config.calendarOverridesFile ? readCalendarOverridesFile(config.calendarOverridesFile) : {};
}

export async function openApp(config: Config, opts: { clock?: Clock; logger?: Logger } = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const overrides = fileOverrides(config);
  const db = await openDatabase(config.database, {
    onConnectionError: (err) => logger.warn({ err: err.message, code: (err as Error & { code?: string }).code }, '数据库连接已断开，下次使用时自动重连'),
  });
  const calendars = createCalendarProvider(db.prisma, overrides);
  const defaultTenant = await resolveHomeTenant(db.prisma, config);
  // Say it loudly when this year or the next rests on the statutory computation (e.g. 2027 before
  // the library or the office has the State Council's schedule): per tenant, since an office may
  // have loaded it.
  const year = Number(shanghaiDate(clock.now()).slice(0, 4));
  const warnings = new Map<string, { year: number; tenants: string[] }>();
  const tenants = await db.prisma.tenant.findMany({ select: { id: true, key: true }, orderBy: { id: 'asc' } });
  // A new holiday library, an edited overrides file: colours stored with the old calendar are cleared.
  const cleared = await noticeBaseCalendarChange(db.prisma, calendars, tenants.map((t) => t.id));
  if (cleared.length) logger.info({ tenants: cleared.length }, '工作日历（库数据、法定推算或配置文件）有变化，已清除督办颜色缓存，将按新日历重新计算');
  for (const tenant of tenants) {
    const calendar = await calendars.calendarFor(tenant.id);
    for (const y of [year, year + 1]) {
      const warning = calendar.coverageWarning(y);
      if (!warning) continue;
      const entry = warnings.get(warning) ?? { year: y, tenants: [] };
      entry.tenants.push(tenant.key);
      warnings.set(warning, entry);
    }
  }
  // One line per warning, naming the tenants it concerns (a store app may serve hundreds).
  for (const [warning, { year: y, tenants }] of warnings) logger.warn({ year: y, tenants: tenants.slice(0, 20), tenantCount: tenants.length }, warning);
  return { config, db, clock, calendars, logger, defaultTenant, close: () => db.close() };
}
