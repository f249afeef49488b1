import type { FieldError } from '@switchyard/core/contracts';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import type { Redactor } from '../../../foundation/redaction/redactor.js';
import type { EventSearch } from '../../../foundation/repositories/events.repository.js';

const KNOWN = new Set(['type', 'source', 'sourceId', 'subject', 'since', 'until', 'q', 'limit', 'cursor']);

/** The exact-match filters, each at most as long as ingest lets that field be: a longer value cannot match. */
const MAX_LENGTH = { type: 255, source: 1024, sourceId: 255, subject: 1024 } as const;
type ExactFilter = keyof typeof MAX_LENGTH;
const isExactFilter = (key: string): key is ExactFilter => Object.hasOwn(MAX_LENGTH, key);

/**
 * Reads `GET /v1/events` parameters; unknown ones are a 400, so typos do not
 * silently match everything. A data path at or under a REDACT_PATHS entry is
 * a 400 too: a match would confirm the value the mask hides.
 */
export function parseEventSearch(query: Record<string, unknown>, redactor?: Redactor): EventSearch {
  const errors: FieldError[] = [];
  const search: EventSearch = { data: [] };
  for (const [key, raw] of Object.entries(query)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (typeof value !== 'string') continue;
    if (key.startsWith('data.')) {
      const path = key.slice(5).split('.');
      const covering = redactor?.coveringPath(path);
      if (path.some((segment) => !/^[A-Za-z0-9_-]+(\[\])?$/.test(segment))) errors.push({ path: key, message: 'is not a data path such as data.user.id' });
      else if (covering) errors.push({ path: key, message: `cannot be searched: ${covering} is redacted (REDACT_PATHS)` });
      else search.data.push([path, value]);
    } else if (!KNOWN.has(key)) {
      errors.push({ path: key, message: 'is not a known parameter (type, source, sourceId, subject, since, until, q, data.<path>, limit, cursor)' });
    } else if (key === 'since' || key === 'until') {
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) errors.push({ path: key, message: 'must be an RFC 3339 timestamp' });
      else search[key] = date;
    } else if (isExactFilter(key)) {
      if (value.length > MAX_LENGTH[key]) errors.push({ path: key, message: `must be at most ${MAX_LENGTH[key]} characters (got ${value.length}); no event's ${key} is longer` });
      else search[key] = value;
    } else if (key === 'q') {
      search.q = value;
    }
  }
  if (errors.length) throw new ProblemError(problems.invalidRequest('Invalid event search', errors));
  return search;
}
