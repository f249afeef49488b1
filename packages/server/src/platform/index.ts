// Configuration and connections
export { ConfigError, coreEnvSchema, loadConfig, logLevelsFor, parseClusterNodes, SWITCHYARD_CONFIG, toSwitchyardConfig } from './config/core-config.js';
export type { CoreEnv, RedisNode, SwitchyardConfig } from './config/core-config.js';
export { assertServicesReachable, ServiceUnreachableError } from './connections/preflight.js';
export { redactUrl } from './connections/redact-url.js';
export { closeOnSignals } from './connections/shutdown.js';
export { redisOptionsFromUrl } from './connections/redis-options.js';
export { createRedisClient, isCluster, masters } from './connections/redis-client.js';
export type { RedisClient, RedisClientOptions, RedisTarget } from './connections/redis-client.js';
export { hashSlot } from './connections/hash-slot.js';

// The app a team gives Switchyard
export { appDeclarationIn, AppModuleError } from './app/app-declaration.js';
export type { AppModule } from './app/app-declaration.js';

// Modules
export { PlatformModule } from './platform.module.js';
export type { PlatformModuleOptions } from './platform.module.js';
export { IngestModule } from './ingest/ingest.module.js';
export { RunnerModule } from './runner/runner.module.js';
export { OperationsModule } from './operations/operations.module.js';
export { SchedulesModule } from './schedules/schedules.module.js';

// Writing handlers
export { EventHandler, MAX_PRIORITY } from '@switchyard/core/internal';
export type { BackoffPolicy, EventHandlerOptions, HandlerDefinition, RateLimit } from '@switchyard/core/internal';
export { isNonRetryable, NonRetryableError, nonRetryable } from '@switchyard/core/internal';
export type { DomainEvent, EmitOptions, EmittedEvent, Handler, HandlerContext, OnceResult } from '@switchyard/core/internal';
export { HandlerRegistry } from './handlers/handler-registry.js';

// Scheduled events
export { EventSchedule } from '@switchyard/core/internal';
export type { EventScheduleOptions } from '@switchyard/core/internal';
export { ScheduleService } from './schedules/schedule.service.js';
export { ScheduleRunner } from './schedules/schedule-runner.js';
export { ScheduleDeclarations } from './schedules/schedule-declarations.js';
export { checkSchedule } from './schedules/schedule-spec.js';
export type { ScheduleSpec } from './schedules/schedule-spec.js';
export { cronError, lastTickAtOrBefore, nextTick, planFiring, timeZoneError } from './schedules/schedule-timing.js';
export type { CatchUp, Firing, ScheduleTiming } from './schedules/schedule-timing.js';

// Ingest, queries and routing
export type { EventCatalog } from '@switchyard/core/internal';
export { EVENT_CATALOG } from './ingest/event-catalog.js';
export { IngestService } from './ingest/ingest.service.js';
export { IngestAdmission } from './ingest/ingest-admission.js';
export { IdempotencyKeySweeper } from './ingest/idempotency-key-sweeper.js';
export type { IngestOutcome } from './ingest/ingest.service.js';
export type { RawIngestRequest } from './ingest/http-binding.js';
export { EventQueryService } from './events/event-query.service.js';
export { EventTreeService, MAX_TREE_EVENTS } from './events/event-tree.service.js';
export { RoutingTable } from './routing/routing-table.js';
export { compileTopicPattern, topicPatternError } from '@switchyard/core/internal';
export { compileSubscriptionFilter, subscriptionFilterErrors } from '@switchyard/core/internal';
export type { EventPredicate, FilterableEvent } from '@switchyard/core/internal';
export { OutboxRelay } from './outbox/outbox-relay.js';
export { OutboxPublisher } from './outbox/outbox-publisher.js';
export { OutboxSignal } from './outbox/outbox-signal.js';
export { EventStore } from './ingest/event-store.js';
export { jobIdFor } from './outbox/outbox-entry.js';
export type { JobPayload } from './outbox/outbox-entry.js';

// Operations
export { actorFrom } from './audit/audit-log.js';
export { DeadLetterQueryService } from './dead-letters/dead-letter-query.service.js';
export { parseDeadLetterFilter } from './dead-letters/dead-letter-filter.js';
export { parseLimit } from './dead-letters/cursor.js';
export { DeadLetterTriageService } from './dead-letters/dead-letter-triage.service.js';
export { errorFingerprint, errorPattern } from './dead-letters/fingerprint.js';
export { EventReplayService } from './events/event-replay.service.js';
export type { ReplayDryRun } from './events/event-replay.service.js';
export { OperationService, OperationSignal } from './operations/operation.service.js';
export { OperationRunner } from './operations/operation-runner.js';
export { QueueInspector } from './queues/queue-inspector.js';
export { QueueSnapshots } from './queues/queue-snapshots.js';
export { LagSampler } from './metrics/lag-sampler.js';
export { PrometheusMetrics } from './metrics/prometheus-metrics.js';
export { TimeSeriesReader } from './metrics/time-series.reader.js';
export type { SeriesQuery } from './metrics/time-series.reader.js';
export { JobStatsRecorder } from './metrics/job-stats.recorder.js';
export { ReadinessProbe } from './health/readiness-probe.js';
export type { Readiness } from './health/readiness-probe.js';
export { QueueRegistry } from './queues/queue-registry.js';
export { queueKeyPrefix } from './queues/queue-keys.js';
export { RedisConnection } from './queues/redis-connection.js';
export { createHandlerContext, HandlerContextFactory } from './runner/handler-context.factory.js';
export { FollowUpEmitter } from './runner/follow-up-emitter.js';
export { HandlerDatabases } from './runner/handler-databases.js';
export { IdempotencyGuard } from './runner/idempotency-guard.js';
export { storeEmitted } from './ingest/emitted-events.js';
export type { EventToStore } from './ingest/event-store.js';
export { JobProcessor } from './runner/job-processor.js';
export { StartClaim, StartedBeforeError } from './runner/start-claim.js';
export type { StartVerdict } from './runner/start-claim.js';
export { RunnerEvents } from './runner/runner-events.js';
export type { JobEvent, RunnerEventName } from './runner/runner-events.js';
export { WorkerReadiness } from './runner/worker-readiness.js';
export type { WorkerReadinessReport } from './runner/worker-readiness.js';
export type { ConsumerCondition, ConsumerState } from './runner/queue-consumer.js';
export { ProblemError, problems } from './problems/problem.js';
export { isServiceUnavailable } from './problems/unavailable.js';

// Security: API keys, scopes, rate limits, redaction
export { ApiKeyInputError, ApiKeyStore, checkNewKey } from './auth/api-key-store.js';
export type { ApiKeyRecord, NewApiKey, SqlClient } from './auth/api-key-store.js';
export { bearerToken, hashToken, parseToken } from './auth/api-key-token.js';
export { ApiKeyVerifier, KEY_CACHE_TTL_MS } from './auth/api-key-verifier.js';
export type { Principal, Verification } from './auth/api-key-verifier.js';
export { IngestRateLimiter } from './auth/ingest-rate-limiter.js';
export type { Producer } from './auth/ingest-rate-limiter.js';
export { grants, isScope, SCOPES } from './auth/scopes.js';
export type { Scope } from './auth/scopes.js';
export { formatRedactPath, parseRedactPaths } from './redaction/redact-paths.js';
export type { RedactPath } from './redaction/redact-paths.js';
export { REDACTED, Redactor } from './redaction/redactor.js';

// Console sign-in
export { CONSOLE_ROLES, checkPassword, checkRole, checkUsername, ConsoleUserInputError, ConsoleUserStore, normaliseUsername, roleAllows } from './console-auth/console-user-store.js';
export type { ConsoleRole, ConsoleUser } from './console-auth/console-user-store.js';
export { ConsoleSessionStore, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './console-auth/console-session-store.js';
export type { ConsoleSession } from './console-auth/console-session-store.js';
export { hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from './console-auth/password.js';
export { SIGN_IN_LIMITS, SignInThrottle, SignInThrottleUnavailableError } from './console-auth/sign-in-throttle.js';
export type { SignInSubjects } from './console-auth/sign-in-throttle.js';

// The operator commands of `switchyard`
export { parseCommand, runCommand, UsageError, withDatabase, withRedis } from './cli/admin-cli.js';
export type { Command } from './cli/admin-cli.js';
export { keysCommand } from './auth/keys.command.js';
export { usersCommand } from './console-auth/users.command.js';
