// Applies the committed SQL migrations (prisma/migrations/<provider>/*/migration.sql) in order and
// records them in `_prisma_migrations` the way Prisma does, so `prisma migrate status` agrees.
// Our own migrator because Prisma's CLI needs engine downloads (and fails on pg, prisma/orm#27403);
// see ../shared/prisma-offline.md. Safe to run from several instances at once: PostgreSQL takes an
// advisory lock, SQLite a write lock.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from '../config.js';
import { pgPoolConfig } from './client.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {}

export function migrationsDir(provider: DatabaseTarget['provider']): string {
  return path.join(projectRoot, 'prisma/migrations', provider);
}

export function readMigrations(provider: DatabaseTarget['provider']): MigrationFile[] {
  const dir = migrationsDir(provider);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const LEDGER_TABLE_SQLITE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`;
const LEDGER_TABLE_PG = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;

function plan(files: MigrationFile[], applied: Map<string, string>): { pending: MigrationFile[]; done: string[] } {
  for (const [name, checksum] of applied) {
    const file = files.find((f) => f.name === name);
    if (!file) throw new MigrationError(`数据库中已应用的迁移 ${name} 在代码中不存在：代码版本比数据库旧？`);
    if (file.checksum !== checksum) throw new MigrationError(`迁移 ${name} 在应用后被修改过（校验和不一致），请新建迁移而不是修改旧迁移`);
  }
  return { pending: files.filter((f) => !applied.has(f.name)), done: [...applied.keys()] };
}

export async function migrate(target: DatabaseTarget, files = readMigrations(target.provider)): Promise<MigrateResult> {
  if (files.length === 0) throw new MigrationError(`找不到迁移文件：${migrationsDir(target.provider)}`);
  return target.provider === 'sqlite' ? migrateSqlite(target.file, files) : migratePostgres(target, files);
}

function migrateSqlite(file: string, files: MigrationFile[]): MigrateResult {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file, { timeout: 15_000 });
  try {
    db.pragma('journal_mode = WAL');
    // Prisma's SQLite migrations redefine tables (create new, copy, DROP old, rename). With foreign
    // keys on, DROP TABLE cascades deletes into child tables, and PRAGMA foreign_keys is ignored
    // inside a transaction, so turn them off first and check them before committing.
    db.pragma('foreign_keys = OFF');
    db.exec(LEDGER_TABLE_SQLITE);
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    // IMMEDIATE takes the write lock up front, so a second process waits instead of racing.
    db.transaction(() => {
      const rows = db
        .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
        .all() as { migration_name: string; checksum: string }[];
      const { pending, done } = plan(files, new Map(rows.map((r) => [r.migration_name, r.checksum])));
      result.alreadyApplied = done;
      for (const m of pending) {
        db.exec(m.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), m.checksum, m.name, new Date().toISOString(), new Date().toISOString());
        result.applied.push(m.name);
      }
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new MigrationError(`迁移后外键检查失败（${broken.length} 处），已回滚：${JSON.stringify(broken.slice(0, 3))}`);
    }).immediate();
    db.pragma('foreign_keys = ON');
    return result;
  } finally {
    db.close();
  }
}

async function migratePostgres(target: Extract<DatabaseTarget, { provider: 'postgresql' }>, files: MigrationFile[]): Promise<MigrateResult> {
  const client = new pg.Client(pgPoolConfig(target));
  // A connection lost between two queries must fail the next query, not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN');
    // One migrator at a time per schema (even CREATE SCHEMA IF NOT EXISTS races); the lock ends with the transaction.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`taizhang-migrate:${target.schema ?? 'public'}`]);
    if (target.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
    await client.query(LEDGER_TABLE_PG);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const { pending, done } = plan(files, new Map(rows.map((r) => [r.migration_name, r.checksum])));
    const result: MigrateResult = { applied: [], alreadyApplied: done };
    for (const m of pending) {
      await client.query(m.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), m.checksum, m.name],
      );
      result.applied.push(m.name);
    }
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
