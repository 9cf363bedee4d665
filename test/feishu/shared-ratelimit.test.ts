// The rate-limit window shared by several instances through PostgreSQL (src/feishu/shared-ratelimit.ts):
// limiters with separate connections — as separate processes have — never let more calls occupy a
// key than its limit, counting each call from its grant until a window after its release.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import type { LimitSpec } from '../../src/feishu/ratelimit.js';
import { SharedWindowLimiter } from '../../src/feishu/shared-ratelimit.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db.js';

const run = postgresUrl ? describe : describe.skip;

run('shared rate-limit window [postgresql]', () => {
  let testDb: TestDatabase;
  const dbs: Database[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('postgresql');
    // Three connections pools, as three instances would have.
    for (let i = 0; i < 3; i++) dbs.push(await openDatabase(testDb.target));
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
    await testDb?.destroy();
  });

  /** Checks the log: at each grant, at most `limit` slots of the key are occupied (in flight, or released less than a window ago). */
  async function maxOccupied(key: string, windowMs: number): Promise<number> {
    const rows = await dbs[0]!.prisma.$queryRaw<{ grantedMs: number; doneMs: number | null }[]>`
      SELECT "grantedMs", "doneMs" FROM "RateSlot" WHERE "key" = ${key} ORDER BY "grantedMs"`;
    let max = 0;
    for (const g of rows) {
      const occupied = rows.filter((r) => r.grantedMs <= g.grantedMs && (r.doneMs === null || r.doneMs > g.grantedMs - windowMs)).length;
      max = Math.max(max, occupied);
    }
    return max;
  }

  it('three instances together stay within the limit, and use most of it', async () => {
    const limiters = dbs.map((db, i) => new SharedWindowLimiter(db, { holder: `it-${i}` }));
    const spec: LimitSpec = { key: 'api:test:s', limit: 5, windowMs: 300 };
    const perInstance = 12;
    const started = Date.now();
    await Promise.all(limiters.flatMap((l) => Array.from({ length: perInstance }, async () => {
      const permit = await l.acquire([spec]);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20)); // the call
      permit.release();
    })));
    const elapsed = Date.now() - started;
    await Promise.all(limiters.map((l) => l.close()));
    // Never over the limit, and the window is filled to it: the instances use the whole quota
    // (a wall-clock upper bound would measure the machine's load, not the limiter).
    expect(await maxOccupied(spec.key, spec.windowMs)).toBe(spec.limit);
    // 36 calls, 5 per (300 ms + call time): at least 6 full windows.
    expect(elapsed).toBeGreaterThanOrEqual(6 * 300);
  }, 30_000);

  it('a waiter blocked on one key does not hold up calls to other keys', async () => {
    const a = new SharedWindowLimiter(dbs[0]!, { holder: 'a' });
    const b = new SharedWindowLimiter(dbs[1]!, { holder: 'b' });
    const busy: LimitSpec = { key: 'to:chat_id:busy', limit: 1, windowMs: 2_000 };
    const other: LimitSpec = { key: 'to:chat_id:other', limit: 1, windowMs: 2_000 };
    (await a.acquire([busy])).release();
    const blocked = b.acquire([busy]);
    const t = Date.now();
    (await b.acquire([other])).release();
    expect(Date.now() - t).toBeLessThan(1_500); // the busy key's window is 2 s
    (await blocked).release();
    expect(Date.now() - t).toBeGreaterThanOrEqual(1_500);
    await Promise.all([a.close(), b.close()]);
  }, 15_000);

  it('a call that never reports back keeps its slot (its process died mid-call)', async () => {
    const a = new SharedWindowLimiter(dbs[0]!, { holder: 'dead' });
    const b = new SharedWindowLimiter(dbs[1]!, { holder: 'alive' });
    const spec: LimitSpec = { key: 'msg:om_patch', limit: 1, windowMs: 100 };
    await a.acquire([spec]); // never released
    let granted = false;
    void b.acquire([spec]).then(() => (granted = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(granted).toBe(false);
    await Promise.all([a.close(), b.close()]);
  }, 10_000);
});
