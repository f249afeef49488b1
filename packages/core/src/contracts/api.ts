// Shapes of the REST API's answers, shared by the API, its tests and the console.

import type { DeliveryMode, SubscriptionFilter } from './subscription-filter.js';

/** A job Switchyard created for one handler of an accepted event. */
export interface JobRef {
  id: string;
  queue: string;
  handler: string;
}

/** The 202 answer to an accepted event (200 with `duplicate: true` on replay). */
export interface AcceptedEvent {
  eventId: string;
  type: string;
  jobs: JobRef[];
  duplicate: boolean;
}

/**
 * Where a job is. BullMQ's own states, plus:
 * - `pending`: committed in the outbox, not yet handed to BullMQ;
 * - `dead`: failed for good and kept as a dead letter;
 * - `unknown`: BullMQ no longer holds it and no outcome was recorded.
 */
export type JobState =
  | 'pending'
  | 'waiting'
  | 'prioritized'
  | 'delayed'
  | 'active'
  | 'completed'
  | 'failed'
  | 'dead'
  | 'unknown';

/** One job of an event's fan-out (or a redrive or replay of it), with where it is now. */
export interface JobLineage extends JobRef {
  state: JobState;
  attemptsMade: number;
  priority: number | null;
  createdAt: string;
  processedAt: string | null;
  finishedAt: string | null;
  failedReason: string | null;
  /** Why the job exists: the event's fan-out, a dead-letter redrive, or a replay. */
  kind: 'fanout' | 'redrive' | 'replay';
  /** The dead letter of this event and handler, if it has one. */
  deadLetterId: string | null;
}

/** `GET /v1/events/:eventId`: the event and every job it fanned out to. */
export interface EventLineage {
  eventId: string;
  type: string;
  source: string;
  /** The producer's own id for the event: the CloudEvents `id`; for a plain event its `id`, else its Idempotency-Key; null when it had none. */
  sourceId: string | null;
  subject: string | null;
  /** The producer's timestamp; for a scheduled event, its tick. */
  time: string | null;
  /** CloudEvents extension attributes; a scheduled event's name its schedule, tick and replica (`schedule`, `scheduledfor`, `firedby`, and `catchup`, `missedsince` for a catch-up). */
  extensions: Record<string, unknown> | null;
  data: unknown;
  receivedAt: string;
  /** The root event's id, or the one the producer gave at ingest. */
  correlationId: string;
  /** The event whose handler emitted this one; null for events from producers. */
  causationId: string | null;
  jobs: JobLineage[];
}

/** One event of a correlation tree, with its jobs and the events its handlers emitted. */
export interface EventTreeNode {
  eventId: string;
  type: string;
  causationId: string | null;
  receivedAt: string;
  jobs: JobLineage[];
  children: EventTreeNode[];
}

/**
 * `GET /v1/events/:eventId/tree`: every event sharing the event's correlation
 * id, nested under the events that caused them. Several roots when producers
 * sent several events with one correlation id.
 */
export interface EventTree {
  correlationId: string;
  /** The event asked about. */
  eventId: string;
  roots: EventTreeNode[];
  /** True when the tree had more events than one answer holds (the oldest are kept). */
  truncated: boolean;
}

/** An event as `GET /v1/events` lists it. */
export interface EventSummary {
  eventId: string;
  type: string;
  source: string;
  /** As in EventLineage. */
  sourceId: string | null;
  subject: string | null;
  receivedAt: string;
  jobCount: number;
}

/** `GET /v1/events`: newest first, filtered by type, source, subject or sourceId. */
export interface EventPage {
  items: EventSummary[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** One field that failed validation; `path` is dotted (`data.lines.0.code`). */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, as every error answer carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  knownTypes?: string[];
  [extension: string]: unknown;
}

/** One item of a batch answer, in request order. */
export interface BatchItemResult {
  index: number;
  /** The status the item would have had on its own: 202, 200 (replay) or 4xx. */
  status: number;
  outcome: 'accepted' | 'replayed' | 'rejected';
  event?: AcceptedEvent;
  problem?: Problem;
}

/** `POST /v1/events/batch`: how many items were accepted, replayed and rejected, and each item's answer in request order. */
export interface BatchResult {
  accepted: number;
  replayed: number;
  rejected: number;
  items: BatchItemResult[];
}

/** `GET /v1/routes`: one handler and what it subscribes to. */
export interface RouteInfo {
  handler: string;
  queue: string;
  patterns: string[];
  /** Known event types the patterns match today. */
  eventTypes: string[];
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number; jitter: number };
  priority: number | null;
  delay: number;
  concurrency: number;
  rateLimit: { max: number; duration: number } | null;
  /**
   * Null: jobs run in any order. Otherwise they are ordered by a key read
   * from each event at `path` (`data.customerId`): one job per key at a
   * time, in ingest order; `afterDeadLetter` says whether a dead letter lets
   * its key proceed or blocks it until retried or discarded.
   */
  ordering: { by: 'key'; path: string; afterDeadLetter: 'proceed' | 'block' } | null;
  /** The content filter an event must match beside the type pattern; null: every event of the types. */
  filter: SubscriptionFilter | null;
  delivery: DeliveryMode;
  /** What the route registry holds for the handler: who defined it, and the workers running it (null only while a read replica lags). */
  registration: RouteRegistrationInfo | null;
}

/** `DELETE /v1/routes/{handler}`: the route retired. */
export interface RetiredRouteInfo {
  handler: string;
  queue: string;
  /** The worker version whose options the route had. */
  version: string;
  /** Who retired it (the audit trail's actor). */
  retiredBy: string;
}

/** A handler in the route registry: which worker version defined it, when, and the workers running it. */
export interface RouteRegistrationInfo {
  /** The version (WORKER_VERSION) of the worker that last started with the handler: its options are the route's. */
  version: string;
  /** When a worker first registered the handler. */
  registeredAt: string;
  /** When its options last changed. */
  updatedAt: string;
  /** Workers seen within three heartbeats (ROUTE_HEARTBEAT_MS). */
  workersOnline: number;
  /** Every worker that has run the handler, most recently seen first. */
  workers: RouteWorkerInfo[];
}

/** One worker running (or that ran) a registered handler. */
export interface RouteWorkerInfo {
  workerId: string;
  version: string;
  startedAt: string;
  lastSeenAt: string;
  /** Seen within three heartbeats. */
  online: boolean;
  /** Whether it runs the handler with the route's options (false: another version, mid-deploy). */
  sameOptions: boolean;
}
