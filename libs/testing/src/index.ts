export { aShipment, anOrder, anOrderCancellation, orderPlacedEvent } from './builders.js';
export { prepareTestDatabase, queryRows, resetDatabase } from './database.js';
export { aDomainEvent } from './events.js';
export { get, post } from './http.js';
export type { HttpAnswer } from './http.js';
export { freePort, ThrowawayRedis } from './redis-server.js';
export { testDatabaseUrl, testRedisUrl, uniqueQueuePrefix } from './test-env.js';
export { waitFor } from './wait-for.js';
