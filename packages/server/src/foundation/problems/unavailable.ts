import { isDatabaseUnavailable } from './database-errors.js';

const REDIS_UNAVAILABLE = /Stream isn't writeable|Connection is closed|enableOfflineQueue|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Command timed out|MaxRetriesPerRequestError|Reached the max retries per request/i;

/**
 * Whether an error means Redis or Postgres is not there right now: the answer
 * is then a 503 with Retry-After (the client may retry), never a 500.
 */
export function isServiceUnavailable(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return REDIS_UNAVAILABLE.test(message);
}
