// Configuration and connections
export { ConfigError, coreEnvSchema, loadConfig, logLevelsFor, SWITCHYARD_CONFIG, toSwitchyardConfig } from './config/core-config.js';
export type { CoreEnv, SwitchyardConfig } from './config/core-config.js';
export { assertServicesReachable, ServiceUnreachableError } from './connections/preflight.js';
export { redactUrl } from './connections/redact-url.js';
export { closeOnSignals } from './connections/shutdown.js';
export { redisOptionsFromUrl } from './connections/redis-options.js';

// Modules
export { SwitchyardModule } from './switchyard.module.js';
export type { SwitchyardModuleOptions } from './switchyard.module.js';
export { IngestModule } from './ingest/ingest.module.js';
export { RunnerModule } from './runner/runner.module.js';

// Writing handlers
export { EventHandler, MAX_PRIORITY } from './handlers/event-handler.decorator.js';
export type { BackoffPolicy, EventHandlerOptions, HandlerDefinition, RateLimit } from './handlers/event-handler.decorator.js';
export { isNonRetryable, NonRetryableError, nonRetryable } from './handlers/handler.types.js';
export type { DomainEvent, Handler, HandlerContext, OnceResult } from './handlers/handler.types.js';
export { HandlerRegistry } from './handlers/handler-registry.js';

// Ingest, queries and routing
export type { EventCatalog } from './ingest/event-catalog.js';
export { EVENT_CATALOG } from './ingest/event-catalog.js';
export { IngestService } from './ingest/ingest.service.js';
export { IdempotencyKeySweeper } from './ingest/idempotency-key-sweeper.js';
export type { IngestOutcome } from './ingest/ingest.service.js';
export type { RawIngestRequest } from './ingest/http-binding.js';
export { EventQueryService } from './events/event-query.service.js';
export type { EventFilter } from './events/event-query.service.js';
export { RoutingTable } from './routing/routing-table.js';
export { compileTopicPattern, topicPatternError } from './routing/topic-pattern.js';
export { OutboxRelay } from './outbox/outbox-relay.js';
export { jobIdFor } from './outbox/outbox-entry.js';
export type { JobPayload } from './outbox/outbox-entry.js';

// Operations
export { ReadinessProbe } from './health/readiness-probe.js';
export type { Readiness } from './health/readiness-probe.js';
export { QueueRegistry } from './queues/queue-registry.js';
export { RedisConnection } from './queues/redis-connection.js';
export { createHandlerContext, HandlerContextFactory } from './runner/handler-context.factory.js';
export { JobProcessor } from './runner/job-processor.js';
export { RunnerEvents } from './runner/runner-events.js';
export type { JobEvent, RunnerEventName } from './runner/runner-events.js';
export { ProblemError, problems } from './problems/problem.js';
