// SQLite through Prisma's better-sqlite3 adapter has ONE connection. The adapter makes
// transactions wait for each other (a mutex), but a statement outside a transaction does not wait:
// it runs on that connection inside whatever transaction is open at that moment — and is undone
// when that transaction rolls back. An event stored and acknowledged while a card action's
// transaction was open vanished when the action rolled back (Feishu had its 200 and never
// re-delivers); the sender, woken by an enqueue inside a transaction, claimed and sent a row the
// transaction then rolled back (test/regressions/sqlite-shared-connection.test.ts,
// sender-rollback.test.ts).
//
// This wrapper puts statements outside a transaction behind the same order: each waits until no
// transaction is open, and a transaction waits for the statements before it. A statement issued
// on the outer client from INSIDE a transaction's callback would wait for that transaction — the
// code never does that (repository functions take the transaction's client).
import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';

/** A FIFO lock: run() and acquire() are served in call order. */
class Lock {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves with a release function once every earlier holder released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

class SerialAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  private readonly lock = new Lock();

  constructor(private readonly inner: SqlDriverAdapter) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    // Only when the adapter has it: Prisma treats its absence as "defaults".
    if (inner.getConnectionInfo) this.getConnectionInfo = () => inner.getConnectionInfo!();
  }

  getConnectionInfo?: SqlDriverAdapter['getConnectionInfo'];

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.lock.run(() => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.lock.run(() => this.inner.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    return this.lock.run(() => this.inner.executeScript(script));
  }

  /** Holds the lock from BEGIN until commit() or rollback(). */
  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const release = await this.lock.acquire();
    let tx: Transaction;
    try {
      tx = await this.inner.startTransaction(isolationLevel);
    } catch (err) {
      release();
      throw err;
    }
    let released = false;
    const done = () => {
      if (!released) {
        released = true;
        release();
      }
    };
    return {
      provider: tx.provider,
      adapterName: tx.adapterName,
      options: tx.options,
      queryRaw: (q) => tx.queryRaw(q),
      executeRaw: (q) => tx.executeRaw(q),
      commit: () => tx.commit().finally(done),
      rollback: () => tx.rollback().finally(done),
    };
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/** The factory Prisma is given: the better-sqlite3 adapter, its statements in one order with its transactions. */
export function serialisedSqlite(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => new SerialAdapter(await factory.connect()),
  };
}
