// @switchyard/core/platform: how a host reads what an app declared with
// @switchyard/core. @switchyard/server runs on it; a tool of yours (a test
// harness, a linter of handler options, a docs generator) may too. Covered
// by semver like the main entry.
import type { HandlerDefinition } from './handlers/event-handler.decorator.js';
import { EVENT_HANDLER_METADATA } from './handlers/event-handler.decorator.js';
import type { EventScheduleOptions } from './schedules/event-schedule.decorator.js';
import { EVENT_SCHEDULE_METADATA } from './schedules/event-schedule.decorator.js';

/**
 * The options of `type`'s `@EventHandler`, validated and with defaults
 * filled, or undefined when the class is not a handler.
 */
export function handlerDefinitionOf(type: object): HandlerDefinition | undefined {
  return Reflect.getMetadata(EVENT_HANDLER_METADATA, type) as HandlerDefinition | undefined;
}

/** The `@EventSchedule`s declared on `type`, in the order they were applied; empty when none. */
export function schedulesDeclaredOn(type: object): EventScheduleOptions[] {
  return (Reflect.getMetadata(EVENT_SCHEDULE_METADATA, type) as EventScheduleOptions[] | undefined) ?? [];
}

export { defineHandler } from './handlers/event-handler.decorator.js';
export { SWITCHYARD_OPTIONS } from './module/switchyard.module.js';
export { checkEventCatalog } from './module/event-catalog.js';
export { compileTopicPattern, topicPatternError } from './routing/topic-pattern.js';
export type { TopicMatcher } from './routing/topic-pattern.js';
export { compileSubscriptionFilter, subscriptionFilterErrors } from './routing/subscription-filter.js';
export type { EventPredicate, FilterableEvent } from './routing/subscription-filter.js';
