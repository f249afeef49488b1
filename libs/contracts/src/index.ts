import './zod-messages.js';
export * from './api.js';
export * from './dead-letters.js';
export * from './queues.js';
export type { DeliveryMode, FilterCondition, FilterOperators, FilterScalar, SubscriptionFilter } from './subscription-filter.js';
export * from './schedules.js';
export { commerceEvents, eventDataJsonSchemas } from './event-catalog.js';
export type { CommerceEventData, CommerceEventType } from './event-catalog.js';
export { orderPlaced } from './events/order-placed.js';
export type { OrderPlaced } from './events/order-placed.js';
export { orderCancelled } from './events/order-cancelled.js';
export type { OrderCancelled } from './events/order-cancelled.js';
export { orderShipped } from './events/order-shipped.js';
export type { OrderShipped } from './events/order-shipped.js';
export { storeCreditGranted, storeCreditSpent } from './events/store-credit.js';
export type { StoreCreditChange } from './events/store-credit.js';
export { paymentFailed, paymentSucceeded } from './events/payment-outcomes.js';
export type { PaymentFailed, PaymentSucceeded } from './events/payment-outcomes.js';
export { inventoryReserved } from './events/inventory-reserved.js';
export type { InventoryReserved } from './events/inventory-reserved.js';
export { orderConfirmed } from './events/order-confirmed.js';
export type { OrderConfirmed } from './events/order-confirmed.js';
export { inventoryRestockCheck } from './events/inventory-restock-check.js';
export type { InventoryRestockCheck } from './events/inventory-restock-check.js';
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
