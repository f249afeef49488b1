import type { JobRef, Problem, SentBatch, SentBatchItem, SentEvent } from './answers.js';
import type { AnyCatalog, EventCatalog, EventData, EventType } from './catalog.js';
import { retryPolicy, type RetryOptions } from './retry.js';
import { type FetchLike, post, type Transport, unexpectedAnswer } from './transport.js';
import { cloudEvent, DEFAULT_SOURCE, type EventFormat, type EventOptions, MEDIA_TYPES, plainEvent, type WireEvent } from './wire.js';

/** What `createClient` takes: where the API is, who sends, how to send and retry. */
export interface ClientOptions {
  /** The API's base URL, such as `https://switchyard.example.com`; a path prefix (`/switchyard/`) is kept. */
  url: string | URL;
  /** An API key with the `events:write` scope, sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** The fetch to send with. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Retries of lost answers and 429/502/503/504: a number of retries, or the whole policy. Default 5 retries. */
  retries?: number | RetryOptions;
  /** How long one attempt may take, answer included, before it counts as lost and is retried. Default 10 s. */
  timeoutMs?: number;
  /** Who sends: the events' `source` (a URI such as `urn:app:signup`). Default `urn:switchyard:rest`, as the API's. */
  source?: string;
  /** `json` (default): Switchyard's plain events. `cloudevents`: CloudEvents 1.0 in structured mode. */
  format?: EventFormat;
}

/** Per call: what the event carries, and a signal that cancels the call (retries and waits included). */
export interface SendOptions extends EventOptions {
  signal?: AbortSignal;
}

/** One event of a batch: its type, its data typed by the catalog, and what it may carry besides. */
export type BatchEvent<C extends EventCatalog = AnyCatalog> = {
  [T in EventType<C>]: { type: T; data: EventData<C, T> } & EventOptions;
}[EventType<C>];

/** A client for one API, typed by the catalog `C`: what `createClient` returns. */
export interface SwitchyardClient<C extends EventCatalog = AnyCatalog> {
  /**
   * Sends one event (`POST /v1/events`). Resolves once the API has committed
   * it and its jobs (or had, for a replay); rejects with a SwitchyardError
   * (the API's problem) or a SwitchyardNetworkError (no answer).
   */
  send<T extends EventType<C>>(type: T, data: EventData<C, T>, options?: SendOptions): Promise<SentEvent<T>>;
  /**
   * Sends up to 1,000 events in one request (`POST /v1/events/batch`). Each
   * is answered on its own, in order: a rejected event is an item of the
   * answer, not an error. Rejects only when the batch as a whole is refused
   * or gets no answer.
   */
  sendBatch(events: readonly BatchEvent<C>[], options?: { signal?: AbortSignal }): Promise<SentBatch<EventType<C>>>;
}

/**
 * A producer client for Switchyard's ingest API, typed by the team's event
 * catalog: `createClient<typeof appEvents>({ url })` accepts only the
 * catalog's types, each with its data. Without a catalog, any type and data.
 */
export function createClient<C extends EventCatalog = AnyCatalog>(options: ClientOptions): SwitchyardClient<C> {
  const base = baseUrl(options.url);
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'cloudevents') throw new TypeError(`format must be "json" or "cloudevents", got ${JSON.stringify(format)}`);
  const source = options.source;
  if (source !== undefined && (source.length === 0 || source.length > 1024)) throw new TypeError('source must be 1 to 1,024 characters');
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0)) throw new TypeError(`timeoutMs must be more than 0, got ${timeoutMs}`);
  const fetch = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (!fetch) throw new TypeError('No global fetch here (Node.js 18 or later has one); pass options.fetch');
  const transport: Transport = { fetch, retry: retryPolicy(options.retries), timeoutMs };

  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.apiKey !== undefined) {
    if (!/^[!-~]+$/.test(options.apiKey)) throw new TypeError('apiKey must be the token `npm run keys -- create` printed (visible ASCII, no spaces)');
    headers.authorization = `Bearer ${options.apiKey}`;
  }
  const newKey = () => globalThis.crypto.randomUUID();
  const toWire = (type: string, data: unknown, event: EventOptions, keyIn: 'header' | 'body'): WireEvent =>
    format === 'cloudevents' ? cloudEvent(type, data, event, source ?? DEFAULT_SOURCE, newKey) : plainEvent(type, data, event, source, keyIn, newKey);

  async function send<T extends string>(type: T, data: unknown, sendOptions: SendOptions = {}): Promise<SentEvent<T>> {
    const { signal, ...event } = sendOptions;
    const wire = toWire(type, data, event, 'header');
    const answer = await post(
      transport,
      {
        url: `${base}v1/events`,
        headers: {
          ...headers,
          'content-type': format === 'cloudevents' ? MEDIA_TYPES.cloudevents : MEDIA_TYPES.json,
          // CloudEvents carry their key as their id, deduplicated with their source.
          ...(format === 'json' && wire.idempotencyKey !== undefined ? { 'idempotency-key': wire.idempotencyKey } : {}),
        },
        body: JSON.stringify(wire.body),
        idempotencyKey: wire.idempotencyKey,
      },
      signal,
    );
    if (!isAcceptedEvent(answer.body)) {
      throw unexpectedAnswer(answer.status, 'no eventId and jobs', { url: `${base}v1/events`, attempts: answer.attempts, idempotencyKey: wire.idempotencyKey });
    }
    return sentEvent<T>(answer.body, answer.headers.get('idempotent-replayed') === 'true');
  }

  async function sendBatch(events: readonly BatchEvent[], batchOptions: { signal?: AbortSignal } = {}): Promise<SentBatch> {
    // The API refuses an Idempotency-Key header on a batch: each event carries its own key.
    const body = events.map(({ type, data, ...event }) => toWire(type, data, event, 'body').body);
    const answer = await post(
      transport,
      {
        url: `${base}v1/events/batch`,
        headers: { ...headers, 'content-type': format === 'cloudevents' ? MEDIA_TYPES.cloudeventsBatch : MEDIA_TYPES.json },
        body: JSON.stringify(body),
      },
      batchOptions.signal,
    );
    if (!isBatchResult(answer.body)) throw unexpectedAnswer(answer.status, 'no items', { url: `${base}v1/events/batch`, attempts: answer.attempts });
    return sentBatch(answer.body);
  }

  // Checked against the catalog-free client; the catalog narrows what callers
  // may pass at compile time only. At run time any type and data go to the
  // API, which validates them against the schemas its workers registered.
  const client: SwitchyardClient = { send, sendBatch };
  return client as unknown as SwitchyardClient<C>;
}

/** The API's own answer shapes (AcceptedEvent, BatchResult); the client names `duplicate` `replayed`. */
interface AcceptedEvent {
  eventId: string;
  type: string;
  jobs: JobRef[];
  duplicate: boolean;
}

interface ApiBatchResult {
  accepted: number;
  replayed: number;
  rejected: number;
  items: Array<{ index: number; status: number; outcome: SentBatchItem['outcome']; event?: AcceptedEvent; problem?: Problem }>;
}

function isAcceptedEvent(body: unknown): body is AcceptedEvent {
  const event = body as AcceptedEvent | null;
  return typeof event?.eventId === 'string' && Array.isArray(event.jobs);
}

function isBatchResult(body: unknown): body is ApiBatchResult {
  return Array.isArray((body as ApiBatchResult | null)?.items);
}

/** The API answers with the type it was sent, so `T` holds. */
function sentEvent<T extends string>(accepted: AcceptedEvent, replayedHeader: boolean): SentEvent<T> {
  return { eventId: accepted.eventId, type: accepted.type as T, jobs: accepted.jobs, replayed: accepted.duplicate || replayedHeader };
}

function sentBatch(result: ApiBatchResult): SentBatch {
  return {
    accepted: result.accepted,
    replayed: result.replayed,
    rejected: result.rejected,
    items: result.items.map((item): SentBatchItem =>
      item.outcome !== 'rejected' && item.event
        ? { index: item.index, outcome: item.outcome, status: item.status, event: sentEvent(item.event, false) }
        : { index: item.index, outcome: 'rejected', status: item.status, problem: item.problem ?? { type: 'about:blank', title: 'Rejected', status: item.status } },
    ),
  };
}

function baseUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`url must be an absolute URL such as http://localhost:3000, got ${JSON.stringify(String(url))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`url must be http or https, got ${parsed.protocol}`);
  if (parsed.search || parsed.hash) throw new TypeError(`url must not carry a query or fragment: ${parsed.href}`);
  return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
}
