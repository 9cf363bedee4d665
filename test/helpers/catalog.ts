// Reads a database's structure (tables, columns, indexes, foreign keys) into a comparable form.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from '../../src/config.js';
import { pgPoolConfig } from '../../src/db/client.js';

const IGNORED = new Set(['_prisma_migrations']);

export async function readCatalog(target: DatabaseTarget): Promise<Record<string, unknown>> {
  return target.provider === 'sqlite' ? sqliteCatalog(target.file) : postgresCatalog(target);
}

function sqliteCatalog(file: string): Record<string, unknown> {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[])
      .map((t) => t.name)
      .filter((n) => !IGNORED.has(n));
    const out: Record<string, unknown> = {};
    for (const t of tables) {
      const columns = (db.prepare(`PRAGMA table_info("${t}")`).all() as Record<string, unknown>[])
        .map(({ cid: _cid, ...c }) => c)
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
      const indexes = (db.prepare(`PRAGMA index_list("${t}")`).all() as { name: string; unique: number; origin: string }[])
        .map((i) => ({
          name: i.name, unique: i.unique, origin: i.origin,
          columns: (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const foreignKeys = (db.prepare(`PRAGMA foreign_key_list("${t}")`).all() as Record<string, unknown>[])
        .map(({ id: _id, seq: _seq, ...f }) => f)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      out[t] = { columns, indexes, foreignKeys };
    }
    return out;
  } finally {
    db.close();
  }
}

async function postgresCatalog(target: Extract<DatabaseTarget, { provider: 'postgresql' }>): Promise<Record<string, unknown>> {
  const schema = target.schema ?? 'public';
  const client = new pg.Client(pgPoolConfig(target));
  await client.connect();
  try {
    const strip = (s: string) => s.split(`${schema}.`).join('').split(`"${schema}".`).join('');
    const cols = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default, character_maximum_length
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name`, [schema]);
    const idx = await client.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, [schema]);
    const cons = await client.query(
      `SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 ORDER BY c.conname`, [schema]);
    const out: Record<string, { columns: unknown[]; indexes: unknown[]; constraints: unknown[] }> = {};
    const table = (name: string) => (out[strip(name).replace(/"/g, '')] ??= { columns: [], indexes: [], constraints: [] });
    for (const c of cols.rows) if (!IGNORED.has(c.table_name)) table(c.table_name).columns.push({ ...c, column_default: c.column_default && strip(c.column_default) });
    for (const i of idx.rows) if (!IGNORED.has(i.tablename)) table(i.tablename).indexes.push({ name: i.indexname, def: strip(i.indexdef) });
    for (const c of cons.rows) {
      const t = strip(c.table_name).replace(/"/g, '');
      if (!IGNORED.has(t)) table(t).constraints.push({ name: c.conname, def: strip(c.def) });
    }
    return out;
  } finally {
    await client.end();
  }
}
