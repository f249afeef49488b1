// @switchyard/core: what a team declares its app and writes handlers with.
export { SwitchyardModule } from './module/switchyard.module.js';
export type { SwitchyardModuleOptions } from './module/switchyard.module.js';
export type { EventCatalog } from './module/event-catalog.js';
export { EventHandler, MAX_PRIORITY } from './handlers/event-handler.decorator.js';
export type { AfterDeadLetter, BackoffPolicy, EventHandlerOptions, HandlerDefinition, OrderingPolicy, RateLimit } from './handlers/event-handler.decorator.js';
export type { OrderingKeyPath } from './handlers/ordering-path.js';
export { isNonRetryable, NonRetryableError, nonRetryable } from './handlers/handler.types.js';
export type { DomainEvent, EmitOptions, EmittedEvent, Handler, HandlerContext, OnceResult } from './handlers/handler.types.js';
// Where ctx.once() writes: adapters for pg and Prisma are at @switchyard/core/pg and @switchyard/core/prisma.
export type { SqlExecutor, TransactionAdapter, TransactionOf } from './transactions/transaction-adapter.js';
export { EventSchedule } from './schedules/event-schedule.decorator.js';
export type { EventScheduleOptions } from './schedules/event-schedule.decorator.js';
export {
  isPlatformEventType,
  JOB_DEAD_LETTERED,
  JOB_DISCARDED,
  JOB_RESOLVED,
  PLATFORM_EVENT_PREFIX,
  PLATFORM_EVENT_TYPES,
  platformEvents,
} from './contracts/platform-events.js';
export type { DeadLetterTransition, PlatformEventType } from './contracts/platform-events.js';
export type { DeliveryMode, FilterCondition, FilterOperators, FilterScalar, SubscriptionFilter } from './contracts/subscription-filter.js';
