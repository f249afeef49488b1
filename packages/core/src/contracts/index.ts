import './zod-messages.js';
export * from './api.js';
export * from './dead-letters.js';
export * from './queues.js';
export type { DeliveryMode, FilterCondition, FilterOperators, FilterScalar, SubscriptionFilter } from './subscription-filter.js';
export * from './schedules.js';
export { eventDataJsonSchemas } from './event-schemas.js';
export {
  isPlatformEventType,
  JOB_DEAD_LETTERED,
  JOB_DISCARDED,
  JOB_RESOLVED,
  PLATFORM_EVENT_PREFIX,
  PLATFORM_EVENT_TYPES,
  platformEvents,
} from './platform-events.js';
export type { DeadLetterTransition, PlatformEventType } from './platform-events.js';
