// Runs a suite against every database this machine offers: a real SQLite file always, and a real
// PostgreSQL (a fresh schema per suite, dropped afterwards) when TEST_POSTGRES_URL is set.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { parseDatabaseUrl, type DatabaseTarget } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';

export const postgresUrl = process.env.TEST_POSTGRES_URL;

export interface TestDatabase {
  target: DatabaseTarget;
  /** Drops the database (file or schema). */
  destroy(): Promise<void>;
}

export async function createTestDatabase(provider: 'sqlite' | 'postgresql'): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'taizhang-test-'));
    const target = parseDatabaseUrl(`file:${path.join(dir, 'test.db')}`);
    return { target, destroy: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (!postgresUrl) throw new Error('TEST_POSTGRES_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', schema);
  const target = parseDatabaseUrl(url.toString());
  return {
    target,
    destroy: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

export const providers: ('sqlite' | 'postgresql')[] = postgresUrl ? ['sqlite', 'postgresql'] : ['sqlite'];

/**
 * describe() once per database; `ctx()` inside tests returns the open, migrated database.
 * Without TEST_POSTGRES_URL the PostgreSQL block is reported as skipped, so it shows in the summary.
 */
export function describeEachDatabase(name: string, body: (ctx: () => Database) => void): void {
  for (const provider of ['sqlite', 'postgresql'] as const) {
    const run = provider === 'sqlite' || postgresUrl ? describe : describe.skip;
    run(`${name} [${provider}]`, () => {
      let testDb: TestDatabase | undefined;
      let db: Database | undefined;
      beforeAll(async () => {
        testDb = await createTestDatabase(provider);
        db = await openDatabase(testDb.target);
      });
      afterAll(async () => {
        await db?.close();
        await testDb?.destroy();
      });
      body(() => {
        if (!db) throw new Error('database not open yet');
        return db;
      });
    });
  }
}
