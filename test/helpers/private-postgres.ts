// A private PostgreSQL cluster for fault tests: its own data directory, port and postmaster, so a
// test may stop and restart it for real (the machine's shared PostgreSQL on 5432 serves other
// suites at the same time and must never be restarted). Debian's binaries, trust auth on
// 127.0.0.1, fsync off (a test cluster). Running as root, the binaries run as the `postgres` user.
// Usable from the benchmarks too (bench/faults.ts).
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const POSTGRES_BIN = process.env.PRIVATE_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Starts the postmaster and waits until it accepts connections. */
  start(): Promise<void>;
  /** pg_ctl stop -m fast (active sessions are terminated, as on a real restart). */
  stop(mode?: 'fast' | 'immediate' | 'smart'): Promise<void>;
  /** stop, wait `downMs`, start. */
  restart(downMs?: number): Promise<void>;
  /** Stops (immediate) and deletes the data directory. */
  remove(): Promise<void>;
  /** The server log (for a failing test's message). */
  log(): string;
}

/** Why a private cluster cannot run here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  for (const b of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(path.join(POSTGRES_BIN, b))) return `${path.join(POSTGRES_BIN, b)} 不存在`;
  }
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return '以 root 运行，但没有 postgres 用户';
    }
  }
  return undefined;
}

/** Says loudly that the private-cluster tests are skipped, and why. */
export function warnPrivatePostgresSkipped(what: string, reason: string): void {
  const line = '!'.repeat(78);
  console.warn(`\n${line}\n  SKIPPED: ${what}\n  私有 PostgreSQL 集群无法启动：${reason}\n  (需要 ${POSTGRES_BIN}/initdb、pg_ctl、postgres；可用 PRIVATE_POSTGRES_BIN 指定)\n${line}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const live = new Set<PrivatePostgres>();
let exitHook = false;

/** initdb + start. Remove it in afterAll (a crashed test process still stops it on exit). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const unavailable = privatePostgresUnavailable();
  if (unavailable) throw new Error(`私有 PostgreSQL 集群无法启动：${unavailable}`);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taizhang-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const bin = (name: string) => path.join(POSTGRES_BIN, name);
  const exec = (name: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', bin(name), ...args]) : run(bin(name), args);
  const execSync = (name: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', bin(name), ...args], { stdio: 'ignore' }) : execFileSync(bin(name), args, { stdio: 'ignore' });

  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  let port = await freePort();
  const options = () =>
    [`-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", '-c fsync=off', '-c synchronous_commit=off',
      '-c full_page_writes=off', '-c max_connections=60', '-c shared_buffers=32MB'].join(' ');

  let running = false;
  const pg: PrivatePostgres = {
    get url() {
      return `postgresql://postgres@127.0.0.1:${port}/postgres`;
    },
    get port() {
      return port;
    },
    dir,
    async start() {
      try {
        await exec('pg_ctl', ['-D', data, '-l', logFile, '-o', options(), '-w', '-t', '30', 'start']);
      } catch (err) {
        // The port was taken in between (another suite)? Once more on a new one.
        if (!/could not bind|Address already in use/i.test(pg.log())) throw err;
        port = await freePort();
        await exec('pg_ctl', ['-D', data, '-l', logFile, '-o', options(), '-w', '-t', '30', 'start']);
      }
      running = true;
    },
    async stop(mode = 'fast') {
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
      running = false;
    },
    async restart(downMs = 0) {
      await pg.stop('fast');
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await pg.start();
    },
    async remove() {
      live.delete(pg);
      if (running) await pg.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    log() {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
  live.add(pg);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const p of live) {
        try {
          execSync('pg_ctl', ['-D', path.join(p.dir, 'data'), '-m', 'immediate', 'stop']);
        } catch {
          /* already stopped */
        }
        rmSync(p.dir, { recursive: true, force: true });
      }
    });
  }
  await pg.start();
  return pg;
}
