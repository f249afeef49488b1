import { Prisma } from '../../../db/index.js';
import type { FieldError } from '@switchyard/core/contracts';
import { escapeLike } from '../../../foundation/repositories/like.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import type { Redactor } from '../../../foundation/redaction/redactor.js';

/** Filters of the event search, from query parameters. */
export interface EventSearch {
  type?: string;
  source?: string;
  /** The producer's own id for the event (`events.source_event_id`), exact; with `source`, or across every source without it. */
  sourceId?: string;
  subject?: string;
  since?: Date;
  until?: Date;
  q?: string;
  ids?: string[];
  /** `data.user.id=usr_42` → [['user', 'id'], 'usr_42']. `lines[]` steps into arrays. */
  data: Array<[string[], string]>;
}

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

/**
 * The SQL condition over `events e`; data paths use containment, which the
 * GIN index serves. `q` reads the data with REDACT_PATHS masked, so it cannot
 * find a value the mask hides.
 */
export function eventCondition(search: EventSearch, redactor?: Redactor): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (search.type) conditions.push(Prisma.sql`e.type = ${search.type}`);
  if (search.source) conditions.push(Prisma.sql`e.source = ${search.source}`);
  // Served by events_source_event_id_idx (partial: events that carry a producer id).
  if (search.sourceId) conditions.push(Prisma.sql`e.source_event_id = ${search.sourceId}`);
  if (search.subject) conditions.push(Prisma.sql`e.subject = ${search.subject}`);
  if (search.since) conditions.push(Prisma.sql`e.received_at >= ${search.since}`);
  if (search.until) conditions.push(Prisma.sql`e.received_at < ${search.until}`);
  if (search.ids) conditions.push(Prisma.sql`e.id = ANY(${search.ids}::uuid[])`);
  if (search.q) {
    const text = redactor?.enabled ? Prisma.sql`switchyard.switchyard_redact(e.data, ${redactor.sqlPaths()}::jsonb)::text` : Prisma.sql`e.data::text`;
    conditions.push(Prisma.sql`${text} ILIKE ${`%${escapeLike(search.q)}%`}`);
  }
  for (const [path, value] of search.data) {
    // The value as text, and as the JSON number, boolean or null it may stand for.
    const alternatives = [value, ...jsonScalar(value)].map((scalar) => JSON.stringify(containment(path, scalar)));
    conditions.push(Prisma.sql`(${Prisma.join(alternatives.map((json) => Prisma.sql`e.data @> ${json}::jsonb`), ' OR ')})`);
  }
  return Prisma.join(conditions, ' AND ');
}

function containment(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, segment) => {
    if (segment.endsWith('[]')) return { [segment.slice(0, -2)]: [inner] };
    return { [segment]: inner };
  }, value);
}

function jsonScalar(text: string): unknown[] {
  if (text === 'true' || text === 'false') return [text === 'true'];
  if (text === 'null') return [null];
  if (/^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text))) return [Number(text)];
  return [];
}
