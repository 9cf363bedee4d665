// An AppContext over a test database (the same composition as src/app.ts), with a settable clock.
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { FixedClock, type Clock } from '../../src/clock.js';
import { fileOverrides } from '../../src/app.js';
import { createCalendarProvider } from '../../src/ledger/calendars.js';
import { silentLogger } from '../../src/log.js';

export async function testApp(database: Database, opts: { tenantKey: string; clock?: Clock; env?: Record<string, string> }): Promise<AppContext & { clock: Clock }> {
  const config = loadConfig({ DEFAULT_TENANT_KEY: opts.tenantKey, ...opts.env });
  const defaultTenant = await ensureTenant(database.prisma, opts.tenantKey);
  return {
    config, db: database, clock: opts.clock ?? new FixedClock(new Date('2026-11-23T01:30:00Z')), calendars: createCalendarProvider(database.prisma, fileOverrides(config)),
    logger: silentLogger, defaultTenant, close: async () => {},
  };
}
