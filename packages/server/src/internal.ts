// The platform's internals, for Switchyard's own specs, fault suite and
// benchmark. Not a public API: no semver promise covers it.

// Configuration and connections
export { ConfigError, coreEnvSchema, loadConfig, logLevelsFor, parseClusterNodes, SWITCHYARD_CONFIG, toSwitchyardConfig } from './foundation/config/core-config.js';
export type { CoreEnv, RedisNode, SwitchyardConfig } from './foundation/config/core-config.js';
export { assertServicesReachable, ServiceUnreachableError } from './foundation/connections/preflight.js';
export { redactUrl } from './foundation/connections/redact-url.js';
export { closeOnSignals } from './foundation/connections/shutdown.js';
export { redisOptionsFromUrl } from './foundation/connections/redis-options.js';
export { createRedisClient, isCluster, masters } from './foundation/connections/redis-client.js';
export type { RedisClient, RedisClientOptions, RedisTarget } from './foundation/connections/redis-client.js';
export { hashSlot } from './foundation/connections/hash-slot.js';

// The app a team gives Switchyard
export { appDeclarationIn, AppModuleError } from './pipeline/app/app-declaration.js';
export type { AppModule } from './pipeline/app/app-declaration.js';

// Modules
export { PlatformModule } from './pipeline/platform.module.js';
export type { PlatformModuleOptions } from './pipeline/platform.module.js';
export { IngestModule } from './pipeline/ingest/ingest.module.js';
export { RunnerModule } from './pipeline/runner/runner.module.js';
export { OperationsModule } from './pipeline/operations/operations.module.js';
export { SchedulesModule } from './pipeline/schedules/schedules.module.js';

// Writing handlers
export { EventHandler, MAX_PRIORITY } from '@switchyard/core';
export type { BackoffPolicy, EventHandlerOptions, HandlerDefinition, RateLimit } from '@switchyard/core';
export { isNonRetryable, NonRetryableError, nonRetryable } from '@switchyard/core';
export type { DomainEvent, EmitOptions, EmittedEvent, Handler, HandlerContext, OnceResult } from '@switchyard/core';
export { HandlerRegistry } from './pipeline/handlers/handler-registry.js';

// Scheduled events
export { EventSchedule } from '@switchyard/core';
export type { EventScheduleOptions } from '@switchyard/core';
export { ScheduleService } from './pipeline/schedules/schedule.service.js';
export { ScheduleRunner } from './pipeline/schedules/schedule-runner.js';
export { ScheduleDeclarations } from './pipeline/schedules/schedule-declarations.js';
export { checkSchedule } from './pipeline/schedules/schedule-spec.js';
export type { ScheduleSpec } from './pipeline/schedules/schedule-spec.js';
export { cronError, lastTickAtOrBefore, nextTick, planFiring, timeZoneError } from './pipeline/schedules/schedule-timing.js';
export type { CatchUp, Firing, ScheduleTiming } from './pipeline/schedules/schedule-timing.js';

// Ingest, queries and routing
export type { EventCatalog } from '@switchyard/core';
export { EVENT_CATALOG } from './pipeline/events/event-catalog.js';
export { IngestService } from './pipeline/ingest/ingest.service.js';
export { IngestAdmission } from './pipeline/ingest/ingest-admission.js';
export { IdempotencyKeySweeper } from './pipeline/ingest/idempotency-key-sweeper.js';
export type { IngestOutcome } from './pipeline/ingest/ingest.service.js';
export type { RawIngestRequest } from './pipeline/ingest/http-binding.js';
export { EventQueryService } from './surfaces/api/events/event-query.service.js';
export { EventTreeService, MAX_TREE_EVENTS } from './surfaces/api/events/event-tree.service.js';
export { RoutingTable } from './pipeline/routing/routing-table.js';
export { RouteBook } from './pipeline/routing/route-book.js';
export { registerApp } from './surfaces/worker/register-app.js';
export { compileTopicPattern, topicPatternError } from '@switchyard/core/platform';
export { compileSubscriptionFilter, subscriptionFilterErrors } from '@switchyard/core/platform';
export type { EventPredicate, FilterableEvent } from '@switchyard/core/platform';
export { OutboxRelay } from './pipeline/outbox/outbox-relay.js';
export { OutboxPublisher } from './pipeline/outbox/outbox-publisher.js';
export { OutboxSignal } from './pipeline/outbox/outbox-signal.js';
export { EventStore } from './pipeline/events/event-store.js';
export { jobIdFor } from './pipeline/outbox/outbox-entry.js';
export type { OutboxEntry } from './pipeline/outbox/outbox-entry.js';
export type { JobPayload } from './pipeline/queues/job-payload.js';

// Operations
export { actorFrom } from './foundation/audit/audit-log.js';
export { DeadLetterQueryService } from './surfaces/api/dead-letters/dead-letter-query.service.js';
export { parseDeadLetterFilter } from './surfaces/api/dead-letters/dead-letter-filter.js';
export { parseLimit } from './foundation/paging/cursor.js';
export { DeadLetterTriageService } from './surfaces/api/dead-letters/dead-letter-triage.service.js';
export { errorFingerprint, errorPattern } from './pipeline/dead-letters/fingerprint.js';
export { EventReplayService } from './surfaces/api/events/event-replay.service.js';
export type { ReplayDryRun } from './surfaces/api/events/event-replay.service.js';
export { OperationService, OperationSignal } from './pipeline/operations/operation.service.js';
export { OperationRunner } from './pipeline/operations/operation-runner.js';
export { OperationsRepository } from './foundation/repositories/operations.repository.js';
export { OperationKinds } from './pipeline/operations/operation-kinds.js';
export type { Acting, ActionResult, OperationBatch, OperationParams } from './pipeline/operations/operation-kinds.js';
export { QueueInspector } from './surfaces/api/queues/queue-inspector.js';
export { QueueSnapshots } from './surfaces/api/queues/queue-snapshots.js';
export { LagSampler } from './surfaces/api/metrics/lag-sampler.js';
export { PrometheusMetrics } from './foundation/metrics/prometheus-metrics.js';
export { TimeSeriesReader } from './foundation/metrics/time-series.reader.js';
export type { SeriesQuery } from './foundation/metrics/time-series.reader.js';
export { JobStatsRecorder } from './foundation/metrics/job-stats.recorder.js';
export { ReadinessProbe } from './foundation/connections/readiness-probe.js';
export type { Readiness } from './foundation/connections/readiness-probe.js';
export { QueueRegistry } from './pipeline/queues/queue-registry.js';
export { queueKeyPrefix } from './pipeline/queues/queue-keys.js';
export { RedisConnection } from './foundation/connections/redis-connection.js';
export { createHandlerContext, HandlerContextFactory } from './pipeline/runner/handler-context.factory.js';
export { FollowUpEmitter } from './pipeline/runner/follow-up-emitter.js';
export { HandlerDatabases } from './pipeline/runner/handler-databases.js';
export { IdempotencyGuard } from './pipeline/runner/idempotency-guard.js';
export { storeEmitted } from './pipeline/events/emitted-events.js';
export type { EventToStore } from './pipeline/events/event-store.js';
export { JobProcessor } from './pipeline/runner/job-processor.js';
export { StartClaim, StartedBeforeError } from './pipeline/runner/start-claim.js';
export type { StartVerdict } from './pipeline/runner/start-claim.js';
export { JobsRepository } from './foundation/repositories/jobs.repository.js';
export { FailureRecorder } from './pipeline/runner/failure-recorder.js';
export type { FailedAttempt } from './pipeline/runner/failure-recorder.js';
export { WorkerReadiness } from './pipeline/runner/worker-readiness.js';
export type { WorkerReadinessReport } from './pipeline/runner/worker-readiness.js';
export type { ConsumerCondition, ConsumerState } from './pipeline/runner/queue-consumer.js';
export { ProblemError, problems } from './foundation/problems/problem.js';
export { isServiceUnavailable } from './foundation/problems/unavailable.js';

// Security: API keys, scopes, rate limits, redaction
export { ApiKeyInputError, ApiKeyStore, checkNewKey } from './foundation/auth/api-key-store.js';
export type { ApiKeyRecord, NewApiKey } from './foundation/auth/api-key-store.js';
export { AccessRepository } from './foundation/repositories/access.repository.js';
export type { SqlClient } from './foundation/repositories/access.repository.js';
export { bearerToken, hashToken, parseToken } from './foundation/auth/api-key-token.js';
export { ApiKeyVerifier, KEY_CACHE_TTL_MS } from './foundation/auth/api-key-verifier.js';
export type { Principal, Verification } from './foundation/auth/api-key-verifier.js';
export { IngestRateLimiter } from './foundation/auth/ingest-rate-limiter.js';
export type { Producer } from './foundation/auth/ingest-rate-limiter.js';
export { grants, isScope, SCOPES } from './foundation/auth/scopes.js';
export type { Scope } from './foundation/auth/scopes.js';
export { formatRedactPath, parseRedactPaths } from './foundation/config/redact-paths.js';
export type { RedactPath } from './foundation/config/redact-paths.js';
export { REDACTED, Redactor } from './foundation/redaction/redactor.js';

// Console sign-in
export { CONSOLE_ROLES, checkPassword, checkRole, checkUsername, ConsoleUserInputError, ConsoleUserStore, normaliseUsername, roleAllows } from './foundation/console-auth/console-user-store.js';
export type { ConsoleRole, ConsoleUser } from './foundation/console-auth/console-user-store.js';
export { ConsoleSessionStore, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './foundation/console-auth/console-session-store.js';
export type { ConsoleSession } from './foundation/console-auth/console-session-store.js';
export { hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from './foundation/console-auth/password.js';
export { SIGN_IN_LIMITS, SignInThrottle, SignInThrottleUnavailableError } from './foundation/console-auth/sign-in-throttle.js';
export type { SignInSubjects } from './foundation/console-auth/sign-in-throttle.js';

// The operator commands of `switchyard`
export { parseCommand, runCommand, UsageError, withDatabase, withRedis } from './surfaces/cli/admin-cli.js';
export type { Command } from './surfaces/cli/admin-cli.js';
export { keysCommand } from './surfaces/cli/keys.command.js';
export { usersCommand } from './surfaces/cli/users.command.js';

// Postgres
export * from './db/index.js';

// The API
export { apiEnvSchema, toApiConfig } from './surfaces/api/api-config.js';
export { API_CONFIG } from './surfaces/api/api-config.js';
export type { ApiConfig, ApiEnv } from './surfaces/api/api-config.js';
export { ApiModule } from './surfaces/api/api.module.js';
export type { ApiModuleOptions } from './surfaces/api/api.module.js';
export { createApiApp } from './surfaces/api/create-api-app.js';
export { createApi } from './surfaces/api/create-api.js';
export type { CreateApiOptions, SwitchyardApi } from './surfaces/api/create-api.js';

// The worker
export { createWorkerApp } from './surfaces/worker/create-worker-app.js';
export { createWorker } from './surfaces/worker/create-worker.js';
export type { CreateWorkerOptions, SwitchyardWorker } from './surfaces/worker/create-worker.js';
export { withWorkerArgs } from './surfaces/worker/worker-args.js';
export { MetricsServer } from './surfaces/worker/metrics-server.js';
export { WorkerModule } from './surfaces/worker/worker.module.js';
export type { WorkerModuleOptions } from './surfaces/worker/worker.module.js';
export { toWorkerConfig, workerEnvSchema } from './surfaces/worker/worker-config.js';
export type { WorkerConfig, WorkerEnv } from './surfaces/worker/worker-config.js';
