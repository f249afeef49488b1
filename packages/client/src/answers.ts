// What the ingest API answers, as the client hands it back. The shapes follow
// the API's (AcceptedEvent, BatchResult and Problem in its OpenAPI document);
// the client keeps its own copies so that it depends on nothing at run time.

/** A job Switchyard created for one handler of an accepted event. */
export interface JobRef {
  id: string;
  queue: string;
  handler: string;
}

/** One field the API found wrong: a dotted path (`data.items.0.quantity`) and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, as every error answer of the API carries them. */
export interface Problem {
  /** A URI naming the kind of problem, such as `urn:switchyard:problem:invalid-event`. */
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Each field that is wrong, for `invalid-event` and `invalid-request`. */
  errors?: FieldError[];
  /** The types the API knows, for `unknown-event-type`. */
  knownTypes?: string[];
  [extension: string]: unknown;
}

/** An event the API stored (202) or had already stored under the same key (200, a replay). */
export interface SentEvent<T extends string = string> {
  eventId: string;
  type: T;
  /** One job per handler subscribed to the type; empty when none is. */
  jobs: JobRef[];
  /**
   * True when the API had stored this event before (same idempotency key,
   * same event) and answered with the original: nothing new was created.
   */
  replayed: boolean;
}

/** One event of a batch, answered on its own, in request order. */
export type SentBatchItem<T extends string = string> =
  | { index: number; outcome: 'accepted' | 'replayed'; status: number; event: SentEvent<T> }
  | { index: number; outcome: 'rejected'; status: number; problem: Problem };

/** The answer to a batch: counts, and one item per event in the order they were sent. */
export interface SentBatch<T extends string = string> {
  accepted: number;
  replayed: number;
  rejected: number;
  items: SentBatchItem<T>[];
}
