// How an event travels: the request bodies and headers the ingest API's
// HTTP binding accepts (packages/server/src/pipeline/ingest/http-binding.ts).

/** What an event may carry besides its type and data. */
export interface EventOptions {
  /**
   * The producer's own id for the event, kept on it as `sourceId` and
   * searchable. With the client's `source` it also deduplicates: the same
   * (source, id) again is a replay. In CloudEvents it is the CloudEvent `id`.
   */
  id?: string;
  /**
   * Deduplicates the event: sent again with this key, it is stored once and
   * answered with the original (`replayed: true`). Default: a fresh UUID per
   * call, reused by that call's retries. Given an `id` and no key, the id
   * deduplicates instead. In CloudEvents the key is the CloudEvent `id`.
   */
  idempotencyKey?: string;
  /** What the event is about, such as `users/42`. */
  subject?: string;
  /** When it happened. Default for CloudEvents: when the call was made. */
  time?: Date | string;
  /** Overrides the handlers' job priority, 1 (first) to 2,097,152. */
  priority?: number;
  /** Milliseconds before its jobs may run. */
  delay?: number;
  /** When its jobs may run, instead of `delay`. */
  deliverAt?: Date | string;
  /** Joins the event to this correlation tree; default its own id. */
  correlationId?: string;
}

/** How events travel: Switchyard's plain JSON events, or CloudEvents 1.0 in structured mode. */
export type EventFormat = 'json' | 'cloudevents';

/** The source the API gives plain events that name none; CloudEvents from the client get it too. */
export const DEFAULT_SOURCE = 'urn:switchyard:rest';

export const MEDIA_TYPES = {
  json: 'application/json',
  cloudevents: 'application/cloudevents+json',
  cloudeventsBatch: 'application/cloudevents-batch+json',
} as const;

/** One event ready to send: its body, and the key that deduplicates it (if the client chose or was given one). */
export interface WireEvent {
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
}

/**
 * A plain JSON event. Its key travels in the Idempotency-Key header for a
 * single event (`keyIn: 'header'`) and in the body for a batch item, as the
 * API requires.
 */
export function plainEvent(
  type: string,
  data: unknown,
  options: EventOptions,
  source: string | undefined,
  keyIn: 'header' | 'body',
  newKey: () => string,
): WireEvent {
  const idempotencyKey = options.idempotencyKey ?? (options.id === undefined ? newKey() : undefined);
  if (idempotencyKey !== undefined) checkKey(idempotencyKey, keyIn === 'header');
  const body = {
    type,
    data,
    id: options.id,
    source,
    subject: options.subject,
    time: timestamp(options.time, 'time'),
    priority: options.priority,
    delay: options.delay,
    deliverAt: timestamp(options.deliverAt, 'deliverAt'),
    correlationId: options.correlationId,
    idempotencyKey: keyIn === 'body' ? idempotencyKey : undefined,
  };
  return { body, idempotencyKey };
}

/**
 * A structured-mode CloudEvent. Its `id` is its idempotency key: the API
 * deduplicates CloudEvents by (source, id), in single and batch requests alike.
 */
export function cloudEvent(type: string, data: unknown, options: EventOptions, source: string, newKey: () => string): WireEvent {
  if (options.id !== undefined && options.idempotencyKey !== undefined && options.id !== options.idempotencyKey) {
    throw new TypeError(
      `A CloudEvent's id is its idempotency key; give id or idempotencyKey, or both equal (got id ${JSON.stringify(options.id)} and idempotencyKey ${JSON.stringify(options.idempotencyKey)})`,
    );
  }
  const id = options.id ?? options.idempotencyKey ?? newKey();
  checkKey(id, false);
  const body = {
    specversion: '1.0',
    id,
    source,
    type,
    datacontenttype: MEDIA_TYPES.json,
    subject: options.subject,
    time: timestamp(options.time, 'time') ?? new Date().toISOString(),
    data,
    priority: options.priority,
    delay: options.delay,
    deliverat: timestamp(options.deliverAt, 'deliverAt'),
    correlationid: options.correlationId,
  };
  return { body, idempotencyKey: id };
}

function timestamp(value: Date | string | undefined, name: string): string | undefined {
  if (!(value instanceof Date)) return value;
  if (Number.isNaN(value.getTime())) throw new TypeError(`${name} is an invalid Date`);
  return value.toISOString();
}

/** A header value must be visible ASCII; fetch would refuse anything else, and the client would retry it for nothing. */
const HEADER_SAFE = /^[!-~](?:[ -~]*[!-~])?$/;

function checkKey(key: string, inHeader: boolean): void {
  if (key.length === 0 || key.length > 255) throw new TypeError(`An idempotency key or id must be 1 to 255 characters, got ${key.length}`);
  if (inHeader && !HEADER_SAFE.test(key)) {
    throw new TypeError(`Idempotency-Key ${JSON.stringify(key)} must be visible ASCII (it travels in an HTTP header)`);
  }
}
