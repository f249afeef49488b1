import { type FieldError, isPlatformEventType, PLATFORM_EVENT_PREFIX, type Problem } from '@switchyard/core/contracts';

/**
 * An error meant for the client, carrying its RFC 9457 problem details and any
 * headers the answer needs (Retry-After). The API renders it as
 * application/problem+json; anything else that escapes is a bug and a 500.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}

const type = (slug: string) => `urn:switchyard:problem:${slug}`;

/** The problems Switchyard answers with, one factory per kind. */
export const problems = {
  malformedJson: (detail: string): Problem => ({
    type: type('malformed-json'),
    title: 'The request body is not valid JSON',
    status: 400,
    detail,
  }),
  invalidEvent: (errors: FieldError[], detail = 'The event does not match its schema'): Problem => ({
    type: type('invalid-event'),
    title: 'Invalid event',
    status: 400,
    detail: `${detail}: ${errors.map((error) => `${error.path} ${error.message}`).join('; ')}`,
    errors,
  }),
  invalidRequest: (detail: string, errors?: FieldError[]): Problem => ({
    type: type('invalid-request'),
    title: 'Invalid request',
    status: 400,
    detail,
    ...(errors ? { errors } : {}),
  }),
  unknownEventType: (eventType: string, knownTypes: readonly string[]): Problem => ({
    type: type('unknown-event-type'),
    title: 'Unknown event type',
    status: 422,
    detail: isPlatformEventType(eventType)
      ? `"${eventType}" is reserved: types under "${PLATFORM_EVENT_PREFIX}" are Switchyard's own events, which handlers subscribe to and nobody else sends. Known types: ${knownTypes.join(', ')}`
      : `No schema is registered for event type "${eventType}": no worker has declared it (workers register their app's event types as they start). Known types: ${knownTypes.join(', ')}`,
    knownTypes: [...knownTypes],
  }),
  tooLarge: (what: string, size: number, limit: number): Problem => ({
    type: type('payload-too-large'),
    title: 'Payload too large',
    status: 413,
    detail: `${what} is ${size} bytes; the limit is ${limit} bytes`,
    limit,
  }),
  tooManyEvents: (count: number, limit: number): Problem => ({
    type: type('batch-too-large'),
    title: 'Too many events in one batch',
    status: 413,
    detail: `The batch holds ${count} events; the limit is ${limit}. Split it into several requests.`,
    limit,
  }),
  unsupportedMediaType: (got: string | undefined, supported: string[]): Problem => ({
    type: type('unsupported-media-type'),
    title: 'Unsupported media type',
    status: 415,
    detail: `Content-Type ${got ? `"${got}"` : 'is missing; it'} must be one of: ${supported.join(', ')}`,
    supported,
  }),
  idempotencyKeyReused: (key: string, eventId: string): Problem => ({
    type: type('idempotency-key-reused'),
    title: 'Idempotency key reused with a different request',
    status: 422,
    detail: `Key ${JSON.stringify(key)} was first used for event ${eventId} with a different body; use a new key for a new event`,
    eventId,
  }),
  orderingKeyUnusable: (eventType: string, handler: string, reason: string): Problem => ({
    type: type('ordering-key-unusable'),
    title: 'No ordering key for this event',
    status: 422,
    detail: `Handler ${handler} orders its jobs by a key computed from each ${eventType} event, and ${reason}`,
    handler,
  }),
  rateLimited: (count: number, perSecond: number, retryAfterSeconds: number): Problem => ({
    type: type('rate-limited'),
    title: 'Too many events',
    status: 429,
    detail: `This API key may send ${perSecond} events per second (a burst of one second's worth); the ${count} event${count === 1 ? '' : 's'} of this request were not stored. Retry after ${retryAfterSeconds} s.`,
    limit: perSecond,
  }),
  unauthorized: (detail: string): Problem => ({ type: type('unauthorized'), title: 'Unauthorized', status: 401, detail }),
  forbidden: (detail: string): Problem => ({ type: type('forbidden'), title: 'Forbidden', status: 403, detail }),
  notFound: (detail: string): Problem => ({ type: type('not-found'), title: 'Not found', status: 404, detail }),
  unavailable: (detail: string): Problem => ({
    type: type('service-unavailable'),
    title: 'Service unavailable',
    status: 503,
    detail,
  }),
};
