// The committed migration histories must describe exactly the models: apply each history to a
// fresh database, apply the models' from-scratch DDL to another, and compare the structures.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db.js';
import { readCatalog } from '../helpers/catalog.js';
import { migrate, readMigrations, MigrationError } from '../../src/db/migrate.js';
import { pgPoolConfig } from '../../src/db/client.js';
import { writeSchemas } from '../../scripts/prisma-schemas.js';

const root = path.resolve(import.meta.dirname, '../..');

function modelsDdl(provider: 'sqlite' | 'postgresql'): string {
  const schemas = writeSchemas();
  return execFileSync(process.execPath, [path.join(root, 'node_modules/prisma/build/index.js'), 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', schemas[provider], '--script'], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function applyRaw(db: TestDatabase, sql: string): Promise<void> {
  const target = db.target;
  if (target.provider === 'sqlite') {
    const conn = new BetterSqlite3(target.file);
    conn.exec(sql);
    conn.close();
    return;
  }
  const client = new pg.Client(pgPoolConfig(target));
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
  await client.query(sql);
  await client.end();
}

async function countRows(db: TestDatabase, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const target = db.target;
  if (target.provider === 'sqlite') {
    const conn = new BetterSqlite3(target.file);
    for (const t of tables) out[t] = (conn.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
    conn.close();
    return out;
  }
  const client = new pg.Client(pgPoolConfig(target));
  await client.connect();
  for (const t of tables) out[t] = Number((await client.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
  await client.end();
  return out;
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  const run = provider === 'sqlite' || postgresUrl ? describe : describe.skip;
  run(`migrations [${provider}]`, () => {
    const created: TestDatabase[] = [];
    const fresh = async () => {
      const db = await createTestDatabase(provider);
      created.push(db);
      return db;
    };
    afterAll(async () => {
      for (const db of created) await db.destroy();
    });

    it('the migration history builds exactly the schema of prisma/models.prisma', async () => {
      const fromHistory = await fresh();
      const result = await migrate(fromHistory.target);
      expect(result.applied).toEqual(readMigrations(provider).map((m) => m.name));
      const fromModels = await fresh();
      await applyRaw(fromModels, modelsDdl(provider));
      const history = await readCatalog(fromHistory.target);
      expect(Object.keys(history).length).toBeGreaterThan(10);
      expect(history).toEqual(await readCatalog(fromModels.target));
    });

    it('applies nothing the second time, and two migrators at once apply each migration once', async () => {
      const db = await fresh();
      const [a, b] = await Promise.all([migrate(db.target), migrate(db.target)]);
      expect([...a.applied, ...b.applied].sort()).toEqual(readMigrations(provider).map((m) => m.name).sort());
      const again = await migrate(db.target);
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied).toHaveLength(readMigrations(provider).length);
    });

    it('keeps existing rows when later migrations redefine tables', async () => {
      const all = readMigrations(provider);
      expect(all.length).toBeGreaterThan(1);
      const db = await fresh();
      await migrate(db.target, all.slice(0, 1));
      await applyRaw(db, `
        INSERT INTO "Tenant" ("key", "name") VALUES ('t', 'T');
        INSERT INTO "Unit" ("tenantId", "name") VALUES (1, '甲镇');
        INSERT INTO "Person" ("tenantId", "name", "matchKey") VALUES (1, '张三', '张三@甲镇');
        INSERT INTO "Task" ("tenantId", "code", "codeKey", "title", "leadUnitId", "updatedAt") VALUES (1, 'A-1', 'A-1', '事项', 1, CURRENT_TIMESTAMP);
        INSERT INTO "TaskLeadLeader" ("taskId", "personId") VALUES (1, 1);
        INSERT INTO "TaskCoUnit" ("taskId", "unitId") VALUES (1, 1);
        INSERT INTO "Milestone" ("taskId", "title", "dueDate") VALUES (1, '节点', '2026-12-01');`);
      const result = await migrate(db.target);
      expect(result.applied).toEqual(all.slice(1).map((m) => m.name));
      const counts = await countRows(db, ['Task', 'TaskLeadLeader', 'TaskCoUnit', 'Milestone']);
      expect(counts).toEqual({ Task: 1, TaskLeadLeader: 1, TaskCoUnit: 1, Milestone: 1 });
    });

    it('refuses to run when an applied migration was edited afterwards', async () => {
      const db = await fresh();
      await migrate(db.target);
      const files = readMigrations(provider).map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
      await expect(migrate(db.target, files)).rejects.toThrow(MigrationError);
      await expect(migrate(db.target, files)).rejects.toThrow(/被修改过/);
    });
  });
}
