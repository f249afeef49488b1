// For @switchyard/server only: the SDK's building blocks the platform runs on.
// Not a public API: no semver promise covers what is here and not in index.ts.
export * from './contracts/index.js';
export * from './handlers/event-handler.decorator.js';
export * from './handlers/handler.types.js';
export * from './routing/subscription-filter.js';
export * from './routing/topic-pattern.js';
export * from './schedules/event-schedule.decorator.js';
export * from './module/event-catalog.js';
export * from './module/switchyard.module.js';
export * from './transactions/transaction-adapter.js';
