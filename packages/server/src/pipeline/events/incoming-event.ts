/**
 * An event on its way to being stored, whoever creates it: a producer
 * (ingest parses it from the request), a schedule's tick, a handler's
 * ctx.emit or a dead letter's transition.
 */
export interface IncomingEvent {
  format: 'json' | 'cloudevents';
  type: string;
  source: string;
  /**
   * The producer's own id for the event, kept on it and searchable
   * (`GET /v1/events?source=&sourceId=`): the CloudEvents `id`; for a plain
   * event its `id`, else its idempotency key (the Idempotency-Key header, or
   * a batch item's `idempotencyKey`); null when it has none.
   */
  sourceEventId: string | null;
  subject: string | null;
  time: string | null;
  dataContentType: string | null;
  data: unknown;
  extensions: Record<string, unknown> | null;
  /** The producer's correlation id (plain `correlationId`, CloudEvents `correlationid`); null: the event's own id. */
  correlationId: string | null;
  priority: number | null;
  delayMs: number | null;
  deliverAt: string | null;
  /** The stored idempotency key (`key:` from the producer's key, `ce:` from source + id). */
  idempotencyKey: string | null;
  /** sha256 of what defines the event, to tell a replay from a reused key. */
  requestHash: string;
}
