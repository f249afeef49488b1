import { ProblemError, problems } from '../problems/problem.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An opaque keyset cursor: the sort key (a time) and the id of the last row of a page. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || !UUID.test(id)) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw new ProblemError(problems.invalidRequest('cursor is not one this API returned', [{ path: 'cursor', message: 'is invalid' }]));
  }
}

/** Parses `limit` (default 50, at most `max`); anything else is a 400. */
export function parseLimit(raw: string | undefined, max = 500, fallback = 50): number {
  const limit = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ProblemError(problems.invalidRequest(`limit must be an integer from 1 to ${max}`, [{ path: 'limit', message: `must be 1 to ${max}` }]));
  }
  return limit;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
