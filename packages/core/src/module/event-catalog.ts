import type { StandardSchemaV1 } from '@standard-schema/spec';
import { isPlatformEventType, PLATFORM_EVENT_PREFIX } from '../contracts/platform-events.js';

/**
 * The event types an app accepts, each with the schema its `data` must
 * satisfy. Any Standard Schema library works (zod, valibot, arktype, …):
 * `{ 'user.created': z.object({ userId: z.string() }) }`.
 */
export type EventCatalog = Readonly<Record<string, StandardSchemaV1>>;

/**
 * Throws when `events` declares a type under Switchyard's own prefix: those
 * are the platform's events (`switchyard.job.dead_lettered`, …), which
 * handlers subscribe to and nobody else may send.
 */
export function checkEventCatalog(events: EventCatalog): void {
  if (events === null || typeof events !== 'object') {
    throw new Error(`The event catalog must be an object of event types to schemas, such as { 'user.created': z.object({ … }) }; got ${events === null ? 'null' : typeof events}`);
  }
  const reserved = Object.keys(events).filter(isPlatformEventType);
  if (reserved.length > 0) {
    throw new Error(
      `The event catalog declares ${reserved.map((type) => `"${type}"`).join(', ')}, but types under "${PLATFORM_EVENT_PREFIX}" are Switchyard's own events; rename them`,
    );
  }
}
