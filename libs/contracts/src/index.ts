export * from './api.js';
export { commerceEvents, eventDataJsonSchemas } from './event-catalog.js';
export type { CommerceEventData, CommerceEventType } from './event-catalog.js';
export { orderPlaced } from './events/order-placed.js';
export type { OrderPlaced } from './events/order-placed.js';
export { orderCancelled } from './events/order-cancelled.js';
export type { OrderCancelled } from './events/order-cancelled.js';
export { orderShipped } from './events/order-shipped.js';
export type { OrderShipped } from './events/order-shipped.js';
