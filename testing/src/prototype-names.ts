/**
 * Every member name of Object.prototype (`constructor`, `toString`,
 * `__proto__`, `hasOwnProperty`, …): as an event type, a queue name, a data
 * key or a query parameter, each must get the answer any unknown name gets.
 * A lookup that reads a plain object's prototype finds something for these.
 */
export const PROTOTYPE_MEMBER_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype).sort();
