// @switchyard/client: send events to Switchyard's ingest API, typed by your event catalog.
export { createClient } from './client.js';
export type { BatchEvent, ClientOptions, SendOptions, SwitchyardClient } from './client.js';
export type { AnyCatalog, EventCatalog, EventData, EventType } from './catalog.js';
export type { FieldError, JobRef, Problem, SentBatch, SentBatchItem, SentEvent } from './answers.js';
export { SwitchyardError, SwitchyardNetworkError } from './errors.js';
export type { FailureContext } from './errors.js';
export type { RetryOptions } from './retry.js';
export type { FetchLike, ResponseLike } from './transport.js';
export type { EventFormat, EventOptions } from './wire.js';
