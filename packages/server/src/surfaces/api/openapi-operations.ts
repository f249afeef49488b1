// OpenAPI component schemas of the operations endpoints (dead letters, queues, metrics, replay, schedules).
type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const int = { type: 'integer' };
const time = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema) => ({ ...schema, nullable: true });
const object = (properties: Record<string, unknown>, required = Object.keys(properties)): Schema => ({ type: 'object', required, properties });
const percentiles = object({ p50: nullable({ type: 'number' }), p95: nullable({ type: 'number' }), p99: nullable({ type: 'number' }) });

const deadLetterFilter = object(
  {
    status: { type: 'string', enum: ['open', 'retrying', 'resolved', 'discarded'] },
    queue: str,
    handler: str,
    eventType: str,
    fingerprint: str,
    q: str,
    since: time,
    until: time,
  },
  [],
);

const deadLetterSummary = object({
  id: { type: 'string', format: 'uuid' },
  status: { type: 'string', enum: ['open', 'retrying', 'resolved', 'discarded'] },
  queue: str,
  handler: str,
  eventType: str,
  eventId: str,
  jobId: str,
  errorName: str,
  errorMessage: str,
  fingerprint: str,
  attemptsMade: int,
  redrives: int,
  firstFailedAt: time,
  lastFailedAt: time,
});

const operation = object({
  id: str,
  kind: { type: 'string', enum: ['dead-letters.retry', 'dead-letters.discard', 'events.replay'] },
  status: { type: 'string', enum: ['running', 'completed', 'failed', 'cancelled'] },
  actor: str,
  filter: {},
  params: {},
  matched: int,
  done: int,
  failed: int,
  createdAt: time,
  startedAt: nullable(time),
  finishedAt: nullable(time),
  error: nullable(str),
});

const scheduleTiming = {
  cron: { type: 'string', example: '0 6 * * *', description: '5 fields, or 6 with seconds first; read in timeZone (DST included). Give cron or intervalMs.' },
  timeZone: { type: 'string', example: 'Europe/Berlin', description: 'IANA zone of the cron expression; default UTC' },
  intervalMs: { type: 'integer', minimum: 1_000, maximum: 2_147_483_647, description: 'Fixed interval instead of cron' },
  catchUp: { type: 'string', enum: ['skip', 'fire-once'], default: 'skip', description: 'After downtime longer than SCHEDULE_MISFIRE_GRACE_MS: skip the missed ticks, or emit one event for them' },
};

export const operationsSchemas: Record<string, Schema> = {
  NewSchedule: {
    ...object(
      {
        name: { type: 'string', pattern: '^[a-z0-9]+([._-][a-z0-9]+)*$', maxLength: 200 },
        type: { type: 'string', description: 'The event type each tick emits' },
        data: { description: "Validated now against the type's schema (EventData.*)" },
        source: { type: 'string', description: 'Default urn:switchyard:schedule:<name>' },
        subject: str,
        ...scheduleTiming,
        paused: { type: 'boolean', default: false },
      },
      ['name', 'type', 'data'],
    ),
    additionalProperties: false,
  },
  Schedule: object({
    name: str,
    type: str,
    data: {},
    source: str,
    subject: nullable(str),
    kind: { type: 'string', enum: ['cron', 'interval'] },
    cron: nullable(str),
    timeZone: nullable(str),
    intervalMs: nullable(int),
    catchUp: { type: 'string', enum: ['skip', 'fire-once'] },
    paused: { type: 'boolean' },
    nextFireAt: time,
    lastFiredAt: nullable(time),
    lastEventId: nullable(str),
    lastError: nullable(str),
    origin: { type: 'string', enum: ['api', 'code'] },
    createdBy: str,
    createdAt: time,
    updatedAt: time,
  }),
  SchedulePage: object({ items: { type: 'array', items: ref('Schedule') }, nextCursor: nullable(str) }),
  DeadLetterFilter: deadLetterFilter,
  DeadLetterSummary: deadLetterSummary,
  DeadLetterPage: object({ items: { type: 'array', items: ref('DeadLetterSummary') }, nextCursor: nullable(str) }),
  DeadLetterDetail: {
    allOf: [
      ref('DeadLetterSummary'),
      object({
        payload: {},
        discardReason: nullable(str),
        event: nullable({ type: 'object' }),
        attempts: {
          type: 'array',
          items: object({
            jobId: str, attempt: int, workerId: str, startedAt: time, finishedAt: time, durationMs: int,
            errorName: str, errorMessage: str, errorStack: nullable(str), retryable: { type: 'boolean' },
          }),
        },
        actions: {
          type: 'array',
          items: object({ at: time, actor: str, action: str, fromStatus: str, toStatus: str, jobId: nullable(str), reason: nullable(str), auditId: nullable(str) }),
        },
      }),
    ],
  },
  DeadLetterGroup: object({ fingerprint: str, handler: str, errorName: str, pattern: str, sampleMessage: str, count: int, open: int, firstSeen: time, lastSeen: time }),
  RetryAnswer: object({ deadLetter: ref('DeadLetterSummary'), jobId: str, created: { type: 'boolean' } }),
  BulkAction: object(
    {
      ids: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 100_000 },
      filter: ref('DeadLetterFilter'),
      dryRun: { type: 'boolean', default: false },
      ratePerSecond: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 },
      reason: { type: 'string', description: 'Required to discard' },
    },
    [],
  ),
  DryRun: object({ dryRun: { type: 'boolean', enum: [true] }, matched: int, sample: { type: 'array', items: ref('DeadLetterSummary') } }),
  Operation: operation,
  ReplayRequest: object(
    {
      filter: object({ type: str, source: str, since: time, until: time, ids: { type: 'array', items: { type: 'string', format: 'uuid' } } }, []),
      handlers: { type: 'array', items: str, description: 'Default: every handler subscribed to each event' },
      dryRun: { type: 'boolean', default: false },
      ratePerSecond: { type: 'integer', default: 100 },
    },
    ['filter'],
  ),
  ReplayDryRun: object({
    dryRun: { type: 'boolean', enum: [true] },
    matched: int,
    jobs: { type: 'object', additionalProperties: int },
    filtered: { type: 'array', items: str, description: 'Handlers whose count is an upper bound: their content filter is evaluated per event when the replay runs' },
    sample: { type: 'array', items: object({ eventId: str, type: str, receivedAt: time }) },
  }),
  QueueSummary: object({
    name: str,
    handlers: { type: 'array', items: str },
    paused: { type: 'boolean' },
    workers: int,
    counts: object({ waiting: int, prioritized: int, delayed: int, active: int, completed: int, failed: int }),
    throughput: object({ completedPerSec: { type: 'number' }, failedPerSec: { type: 'number' } }),
    rate: object({ completedPerSec: { type: 'number' }, failedPerSec: { type: 'number' } }),
    lag: object({ backlog: int, oldestWaitingAgeMs: int, drainTimeMs: nullable(int) }),
    waitMs: percentiles,
    processingMs: percentiles,
  }),
  QueueJob: object({
    id: str, name: str, state: str, data: {}, opts: {}, attemptsMade: int, createdAt: time, processedAt: nullable(time),
    finishedAt: nullable(time), delayUntil: nullable(time), priority: nullable(int), returnValue: {}, failedReason: nullable(str),
    stacktrace: { type: 'array', items: str },
  }),
  QueueJobPage: object({ state: str, start: int, end: int, total: int, items: { type: 'array', items: ref('QueueJob') } }),
  ThroughputSeries: object({
    queue: str, stepSeconds: int, from: time, to: time,
    points: { type: 'array', items: object({ t: time, completed: int, failed: int, completedPerSec: { type: 'number' }, failedPerSec: { type: 'number' } }) },
  }),
  LagSeries: object({
    queue: str, stepSeconds: int, from: time, to: time,
    points: { type: 'array', items: object({ t: time, backlog: nullable(int), oldestWaitingAgeMs: nullable(int) }) },
  }),
};
