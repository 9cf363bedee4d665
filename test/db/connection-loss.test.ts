// PostgreSQL closing a connection (restart, failover, pg_terminate_backend) must never take the
// process down. pg emits 'error' on a client whose server hung up while no query was running; pg-pool
// listens only while the client sits idle and the Prisma adapter only once its transaction has
// begun, so a 57P01 read in the same chunk as a new connection's ReadyForQuery found no listener and
// crashed a bot in the PostgreSQL-restart fault test. Cutting a checked-out client between queries
// from the server side takes the same path inside pg (without the listener: "Unhandled 'error' event").
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, prismaPoolConfig, type Database } from '../../src/db/client.js';
import type { DatabaseTarget } from '../../src/config.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';

const run = postgresUrl ? describe : describe.skip;

async function terminateBackend(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ done: boolean }>('SELECT pg_terminate_backend($1) AS done', [pid]);
    expect(rows[0]!.done).toBe(true);
  } finally {
    await admin.end();
  }
}

const isAdminShutdown = (err: Error | undefined) => err?.message.includes('terminating connection due to administrator command') && (err as Error & { code?: string }).code === '57P01';

run('a connection PostgreSQL closes [postgresql]', () => {
  let testDb: TestDatabase;
  let db: Database;
  const reported: Error[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('postgresql');
    db = await openDatabase(testDb.target, { onConnectionError: (err) => reported.push(err) });
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.destroy();
  });

  it('is reported, not thrown, while checked out between queries; the pool goes on', async () => {
    const seen: Error[] = [];
    const pool = new pg.Pool(prismaPoolConfig(pg, testDb.target as Extract<DatabaseTarget, { provider: 'postgresql' }>, (err) => seen.push(err)));
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = new Promise((resolve) => client.once('end', resolve));
      await terminateBackend(rows[0]!.pid);
      await ended;
      expect(isAdminShutdown(seen[0]), `reported: ${seen.map((e) => e.message).join(' | ')}`).toBe(true);
      client.release(true);
      expect((await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('openDatabase wires the listener: a terminated pooled connection is reported and Prisma reconnects', async () => {
    const pidNow = async () => (await db.prisma.$queryRawUnsafe<{ pid: number }[]>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
    const pid = await pidNow();
    await terminateBackend(pid);
    await waitFor(() => reported.length > 0, 5_000);
    expect(isAdminShutdown(reported[0])).toBe(true);
    expect(await pidNow()).not.toBe(pid);
  });
});
