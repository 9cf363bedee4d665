// The composition root: one config, one database, one clock, one calendar, one logger, shared by
// the bot (src/main.ts), the CLI and the tests.
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { ensureTenant, type TenantRef } from './db/repos/tenants.js';
import { systemClock, type Clock } from './clock.js';
import { createLogger, type Logger } from './log.js';
import type { WorkingCalendar } from './core/calendar.js';
import { createWorkingCalendar, readCalendarOverridesFile } from './core/calendar-data.js';
import { shanghaiDate } from './core/dates.js';

export interface AppContext {
  config: Config;
  db: Database;
  clock: Clock;
  calendar: WorkingCalendar;
  logger: Logger;
  /** The tenant of a single-tenant deployment (DEFAULT_TENANT_KEY). */
  defaultTenant: TenantRef;
  close(): Promise<void>;
}

export function buildCalendar(config: Config): WorkingCalendar {
  return createWorkingCalendar(config.calendarOverridesFile ? readCalendarOverridesFile(config.calendarOverridesFile) : {});
}

export async function openApp(config: Config, opts: { clock?: Clock; logger?: Logger } = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const calendar = buildCalendar(config);
  const year = Number(shanghaiDate(clock.now()).slice(0, 4));
  // Say it loudly when the holiday data does not cover this year or the next (e.g. 2027 before the
  // library publishes the State Council's schedule).
  for (const y of [year, year + 1]) {
    const warning = calendar.coverageWarning(y);
    if (warning) logger.warn({ year: y }, warning);
  }
  const db = await openDatabase(config.database, {
    onConnectionError: (err) => logger.warn({ err: err.message, code: (err as Error & { code?: string }).code }, '数据库连接已断开，下次使用时自动重连'),
  });
  const defaultTenant = await ensureTenant(db.prisma, config.defaultTenant.key, config.defaultTenant.name);
  return { config, db, clock, calendar, logger, defaultTenant, close: () => db.close() };
}
