// "The database is unreachable right now" (restart, failover, cut connection, pool exhausted) as
// opposed to "this query is wrong": work that failed for the first reason is put back at once
// and retried when the database answers again, without counting it as a failed attempt.

/** Prisma's codes for unreachable / closed / timed-out connections and pool timeouts. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

const PATTERN = new RegExp(
  [
    'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND',
    'Connection terminated', 'connection (?:is )?closed', "Can't reach database", 'Server has closed the connection',
    'terminating connection', 'the database system is (?:starting up|shutting down|in recovery|not yet accepting)',
    '57P0[1-3]', '\\b08(?:000|003|006|001|004|P01)\\b', 'DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout',
    'timeout exceeded when trying to connect', 'Client has encountered a connection error', 'Cannot use a pool after calling end',
  ].join('|'),
  'i',
);

export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && (PRISMA_CODES.has(x.code) || PATTERN.test(x.code))) return true;
    if (typeof x.message === 'string' && PATTERN.test(x.message)) return true;
    e = x.cause;
  }
  return typeof err === 'string' && PATTERN.test(err);
}
