import { PROTOTYPE_MEMBER_NAMES, queryRows } from '@switchyard/testing';
import { randomUUID } from 'node:crypto';

/** The parts of an OpenAPI 3 document the cases are built from. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: 'path' | 'query' | 'header' | 'cookie' }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface JsonSchema {
  $ref?: string;
  type?: string;
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
}

/** A request a route is sent, with where the prototype-member name sits in it. */
export interface KeyCase {
  /** `METHOD /path/{param}`, as the OpenAPI document names the operation. */
  route: string;
  /** `path name`, `query state`, `query name`, `header x-actor`, `body data.<key>`, … */
  position: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A body (and headers) a route accepts, so a substituted name gets past the shape checks to the lookups behind them. */
export interface Seed {
  contentType?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document, as `METHOD /path`. */
export function operationsOf(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => HTTP_METHODS.has(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/**
 * Where an operation takes a name, as the document declares it: each path,
 * query and header parameter, the names of query parameters where it reads
 * any, and the body of a POST, PUT or PATCH (declared or not: a route may
 * read one the document does not describe).
 */
export function namedPositionsOf(document: OpenApiDocument, route: string): string[] {
  const [method, path] = route.split(' ');
  const operation = document.paths[path][method.toLowerCase()];
  const declared = (operation.parameters ?? []).filter((param) => param.in !== 'cookie').map((param) => `${param.in} ${param.name}`);
  const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => `path ${match[1]}`);
  const readsQuery = declared.some((position) => position.startsWith('query '));
  return [...new Set([...templated, ...declared, ...(readsQuery ? ['query name'] : []), ...(['POST', 'PUT', 'PATCH'].includes(method) ? ['body'] : [])])];
}

/**
 * For every operation of the document, requests with a prototype-member name
 * (`constructor`, `__proto__`, …) in each place the user names something: each
 * path parameter, each documented query parameter's value, a query parameter's
 * name where the route reads any (plain and as an event-search `data.<key>`),
 * each documented header, and,
 * in the body (a seed of the route's, else one derived from its schema), each
 * string value and a new own key on each object. `plausible` fills the path
 * parameters that are not under test.
 */
export function prototypeKeyCases(document: OpenApiDocument, seeds: Record<string, Seed[]>, plausible: (param: string) => string): KeyCase[] {
  const cases: KeyCase[] = [];
  for (const route of operationsOf(document)) {
    const [method, path] = route.split(' ');
    const operation = document.paths[path][method.toLowerCase()];
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    const urlWith = (values: Record<string, string>) => path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? plausible(name)));
    const base = urlWith({});
    const readsQuery = (operation.parameters ?? []).some((param) => param.in === 'query');
    const schema = Object.values(operation.requestBody?.content ?? {})[0]?.schema;
    const routeSeeds: Seed[] = seeds[route] ?? (schema ? [{ body: exampleOf(schema, document) }] : method === 'GET' || method === 'DELETE' ? [] : [{ body: {} }]);
    const add = (position: string, url: string, seed: Seed = routeSeeds[0] ?? {}, body = seed.body === undefined ? undefined : JSON.stringify(seed.body)) =>
      cases.push({ route, position, method, url, headers: { ...(body === undefined ? {} : { 'content-type': seed.contentType ?? 'application/json' }), ...seed.headers }, body });
    for (const name of PROTOTYPE_MEMBER_NAMES) {
      for (const param of params) add(`path ${param}`, urlWith({ [param]: name }));
      for (const param of operation.parameters ?? []) {
        if (param.in === 'query') add(`query ${param.name}`, `${base}?${new URLSearchParams([[param.name, name]])}`);
        const seed = routeSeeds[0] ?? {};
        if (param.in === 'header') add(`header ${param.name}`, base, { ...seed, headers: { ...seed.headers, [param.name.toLowerCase()]: name } });
      }
      if (readsQuery) {
        // Without a body: a name here only ever reaches the query parser and the route's query reader.
        add('query name', `${base}?${new URLSearchParams([[name, 'x']])}`, {});
        add('query data.<key>', `${base}?${new URLSearchParams([[`data.${name}`, 'x'], [`data.a.${name}`, 'y']])}`, {});
      }
    }
    for (const seed of routeSeeds) {
      for (const { where, with: replace } of placesIn(seed.body, 'body')) {
        for (const name of PROTOTYPE_MEMBER_NAMES) add(where, base, seed, JSON.stringify(replace(name)));
      }
      for (const header of Object.keys(seed.headers ?? {})) {
        for (const name of PROTOTYPE_MEMBER_NAMES) add(`header ${header}`, base, { ...seed, headers: { ...seed.headers, [header]: name } });
      }
      if (Object.keys(seed.headers ?? {}).some((header) => header.startsWith('ce-'))) {
        // Binary-mode CloudEvents: every other ce-* header is an extension attribute.
        for (const name of PROTOTYPE_MEMBER_NAMES) add('header ce-<name>', base, { ...seed, headers: { ...seed.headers, [`ce-${name.toLowerCase()}`]: 'x' } });
      }
    }
  }
  return cases;
}

/**
 * Places in a JSON value where a name can go: each string, and a new own key
 * on each object. A password is a secret, never a name anything is looked up
 * by, and costs a hash per try: it is left as seeded.
 */
function placesIn(value: unknown, where: string): Array<{ where: string; with: (name: string) => unknown }> {
  if (typeof value === 'string') return where.endsWith('.password') ? [] : [{ where, with: (name) => name }];
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      placesIn(item, `${where}.${index}`).map((inner) => ({ where: inner.where, with: (name: string) => value.map((other, at) => (at === index ? inner.with(name) : other)) })),
    );
  }
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  return [
    { where: `${where}.<key>`, with: (name: string) => withOwn(object, name, name) },
    ...Object.entries(object).flatMap(([key, item]) =>
      placesIn(item, `${where}.${key}`).map((inner) => ({ where: inner.where, with: (name: string) => withOwn(object, key, inner.with(name)) })),
    ),
  ];
}

/** A copy with `key` as an own property, `__proto__` included (an assignment would set the prototype instead). */
function withOwn(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A value the schema accepts, as far as its types, enums, examples and defaults tell. */
function exampleOf(schema: JsonSchema, document: OpenApiDocument, depth = 0): unknown {
  if (depth > 8) return null;
  if (schema.$ref) return exampleOf(document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] ?? {}, document, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.oneOf?.length) return exampleOf(schema.oneOf[0], document, depth + 1);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((part) => exampleOf(part, document, depth + 1)));
  switch (schema.type) {
    case 'array':
      return schema.items ? [exampleOf(schema.items, document, depth + 1)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'date-time' ? new Date().toISOString() : schema.format === 'uuid' ? '00000000-0000-0000-0000-000000000000' : 'x';
    default:
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, property]) => [key, exampleOf(property, document, depth + 1)]));
  }
}

/**
 * Rows whose names come from Object.prototype, as an older deploy's catalog,
 * handlers and queues could have left them: one event of each name as its
 * type, with a job and a dead letter of a handler and a queue of that name.
 * Answers the ids of the `constructor` ones.
 */
export async function storeRowsNamedAfterPrototypeMembers(db: string): Promise<{ eventId: string; deadLetterId: string }> {
  const rows = PROTOTYPE_MEMBER_NAMES.map((name) => ({ name, eventId: randomUUID(), deadLetterId: randomUUID() }));
  // Built as text: an object literal would give __proto__ a prototype, not a key.
  const named = (name: string) => `{${JSON.stringify(name)}: ${JSON.stringify(name)}}`;
  for (const { name, eventId, deadLetterId } of rows) {
    await queryRows(db, `INSERT INTO switchyard.events (id, type, source, format, data, extensions, correlation_id) VALUES ($1, $2, $2, 'json', $3::jsonb, $3::jsonb, $4)`, [eventId, name, named(name), eventId]);
    await queryRows(db, `INSERT INTO switchyard.jobs (id, event_id, handler, queue, attempts, backoff, outcome) VALUES ($1, $2, $3, $3, 1, '{}', 'failed')`, [`${eventId}.${name}`, eventId, name]);
    await queryRows(
      db,
      `INSERT INTO switchyard.dead_letters (id, job_id, event_id, event_type, handler, queue, payload, error_name, error_message, attempts_made, first_failed_at, last_failed_at)
       VALUES ($1, $2, $3, $4, $4, $4, $5::jsonb, 'Error', 'failed', 1, now(), now())`,
      [deadLetterId, `${eventId}.${name}`, eventId, name, `{"id": ${JSON.stringify(eventId)}, "type": ${JSON.stringify(name)}, "source": "urn:fuzz", "data": ${named(name)}}`],
    );
  }
  const constructor = rows.find((row) => row.name === 'constructor')!;
  return { eventId: constructor.eventId, deadLetterId: constructor.deadLetterId };
}
