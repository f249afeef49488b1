// Error codes and messages that mean "Postgres is not there right now", as
// node-postgres and Prisma's driver adapter report them. They turn into a 503
// with Retry-After; anything else is a bug and stays a 500.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
  'P1001', 'P1002', 'P1017', 'P2024',
]);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist']);
// PgBouncer reports a full pool (query_wait_timeout), its client limit and a
// server it cannot reach as SQLSTATE 08P01, which Postgres itself uses for
// genuine protocol violations, so those are matched by their message. A read
// replica cancels a query whose rows recovery needs to replay ("conflict with
// recovery"): worth a retry, not a 500.
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database|the database system is (starting up|shutting down)|terminating connection|query_wait_timeout|no more connections allowed|pgbouncer cannot connect to server|server login has been failing|client_login_timeout|conflict with recovery/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const candidate = current as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
    if (typeof candidate.code === 'string' && UNAVAILABLE_CODES.has(candidate.code)) return true;
    if (typeof candidate.originalCode === 'string' && UNAVAILABLE_CODES.has(candidate.originalCode)) return true;
    if (typeof candidate.kind === 'string' && UNAVAILABLE_KINDS.has(candidate.kind)) return true;
    if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGE.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}
