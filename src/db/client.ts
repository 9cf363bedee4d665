// Opens the database behind one Prisma API: SQLite (better-sqlite3, the embedded default) or
// PostgreSQL (pg). Both generated clients come from the same models, so the SQLite client's
// types describe both.
// Only the configured provider's client and adapter are loaded (dynamic imports below): a process
// never carries the other one's generated client, query compiler and driver.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { PrismaClient as SqliteClient } from '../generated/prisma-sqlite/client.js';
import type { DatabaseTarget } from '../config.js';
import { migrate } from './migrate.js';
import { serialisedSqlite } from './sqlite-serial.js';

export type Db = SqliteClient;
/** The client handed to a `db.$transaction(async (tx) => …)` callback. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
/** Either the client or a transaction: repository functions accept both. */
export type DbOrTx = Db | Tx;

export interface Database {
  provider: DatabaseTarget['provider'];
  prisma: Db;
  target: DatabaseTarget;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  migrate?: boolean;
  /** Told when PostgreSQL closes a connection (restart, failover, terminated backend). */
  onConnectionError?: (err: Error) => void;
}

export function pgPoolConfig(target: Extract<DatabaseTarget, { provider: 'postgresql' }>) {
  const url = new URL(target.url);
  url.searchParams.delete('schema');
  return {
    connectionString: url.toString(),
    max: 10,
    ...(target.schema ? { options: `-c search_path="${target.schema}"` } : {}),
  };
}

/**
 * The pool configuration Prisma's adapter builds its pg.Pool from. pg emits 'error' on a client
 * whose server hung up while no query ran (57P01 when PostgreSQL restarts). pg-pool listens only
 * while the client is idle and the Prisma adapter only once its transaction has begun, so a 57P01
 * read together with a new connection's ReadyForQuery found no listener and crashed the process.
 * Here every client listens from birth; the next query on it fails like any lost connection and
 * is retried (src/db/connection-errors.ts).
 */
export function prismaPoolConfig(pgModule: typeof pg, target: Extract<DatabaseTarget, { provider: 'postgresql' }>, onConnectionError?: (err: Error) => void): pg.PoolConfig {
  class ListeningClient extends pgModule.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      this.on('error', (err) => onConnectionError?.(err));
    }
  }
  return { ...pgPoolConfig(target), Client: ListeningClient };
}

export async function openDatabase(target: DatabaseTarget, opts: OpenDatabaseOptions = {}): Promise<Database> {
  if (opts.migrate !== false) await migrate(target);
  if (target.provider === 'sqlite') {
    if (target.file !== ':memory:') mkdirSync(path.dirname(path.resolve(target.file)), { recursive: true });
    const [{ PrismaBetterSQLite3 }, { PrismaClient }] = await Promise.all([import('@prisma/adapter-better-sqlite3'), import('../generated/prisma-sqlite/client.js')]);
    // Statements outside a transaction wait for it (sqlite-serial.ts): one connection is shared.
    const adapter = serialisedSqlite(new PrismaBetterSQLite3({ url: target.file, timeout: 10_000 }));
    const prisma = new PrismaClient({ adapter, transactionOptions: { maxWait: 20_000, timeout: 120_000 } });
    await prisma.$executeRawUnsafe('PRAGMA foreign_keys = ON');
    // WAL (set by the migrator) with synchronous=NORMAL: a commit survives a crash of the process
    // (kill -9), not a power cut of the machine; SQLite's recommended setting for WAL, and it
    // saves an fsync per commit.
    await prisma.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    return { provider: 'sqlite', prisma, target, close: () => prisma.$disconnect() };
  }
  const [{ PrismaPg }, { PrismaClient }, { default: pg }] = await Promise.all([import('@prisma/adapter-pg'), import('../generated/prisma-pg/client.js'), import('pg')]);
  const adapter = new PrismaPg(prismaPoolConfig(pg, target, opts.onConnectionError), target.schema ? { schema: target.schema } : undefined);
  const prisma = new PrismaClient({ adapter, transactionOptions: { maxWait: 20_000, timeout: 120_000 } }) as unknown as Db;
  return { provider: 'postgresql', prisma, target, close: () => prisma.$disconnect() };
}
