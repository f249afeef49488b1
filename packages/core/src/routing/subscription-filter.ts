import type { FilterCondition, FilterOperators, FilterScalar, SubscriptionFilter } from '../contracts/index.js';

/** What a content filter looks at: the event's envelope, its data and its extension attributes. */
export interface FilterableEvent {
  type: string;
  source: string;
  subject: string | null;
  time: string | null;
  data: unknown;
  extensions: Record<string, unknown> | null;
}

/** Whether an event matches a compiled content filter. */
export type EventPredicate = (event: FilterableEvent) => boolean;

const ENVELOPE_PATHS = ['type', 'source', 'subject', 'time'] as const;
const DATA_SEGMENT = /^[A-Za-z0-9_$-]+(\[\])?$/;
const EXTENSION_NAME = /^[a-z0-9]+$/;
const RANGE_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;
const OPERATORS = [...RANGE_OPERATORS, 'exists', 'prefix', 'not'];

/**
 * Why `filter` is not a valid subscription filter, one message per mistake,
 * each naming its path; empty when it is valid. Checked when the handler's
 * class is defined, so a typo stops the app at startup instead of silently
 * routing nothing.
 */
export function subscriptionFilterErrors(filter: unknown): string[] {
  if (!isPlainObject(filter)) return ['filter must be an object of paths to conditions, e.g. { "data.total": { "gte": 100000 } }'];
  const paths = Object.keys(filter);
  if (paths.length === 0) return ['filter needs at least one path; leave it out to take every event of the types'];
  const errors: string[] = [];
  for (const path of paths) {
    const pathProblem = filterPathError(path);
    if (pathProblem) errors.push(`filter path "${path}" ${pathProblem}`);
    const conditionProblem = conditionError(filter[path], path);
    if (conditionProblem) errors.push(`filter path "${path}": ${conditionProblem}`);
  }
  return errors;
}

function filterPathError(path: string): string | null {
  if ((ENVELOPE_PATHS as readonly string[]).includes(path)) return null;
  const [head, ...rest] = path.split('.');
  if (head === 'data') {
    if (rest.length === 0) return 'needs a field: data.<field>, e.g. data.total';
    const bad = rest.find((segment) => !DATA_SEGMENT.test(segment));
    return bad === undefined ? null : `has an invalid segment "${bad}" (letters, digits, _, $ or -, with [] to step into an array)`;
  }
  if (head === 'extensions') {
    return rest.length === 1 && EXTENSION_NAME.test(rest[0]) ? null : 'must be extensions.<name>, the name lowercase letters and digits';
  }
  return `is not a path into the event: use ${ENVELOPE_PATHS.join(', ')}, data.<field>[.<field>…] or extensions.<name>`;
}

function conditionError(condition: unknown, path: string): string | null {
  if (isScalar(condition)) return null;
  if (Array.isArray(condition)) {
    if (condition.length === 0) return 'a list of values needs at least one value';
    return condition.every(isScalar) ? null : 'a list of values may hold only strings, numbers, booleans and null';
  }
  if (!isPlainObject(condition)) return 'a condition is a value, a list of values, or an object of operators';
  const keys = Object.keys(condition);
  if (keys.length === 0) return `an operator object needs at least one of ${OPERATORS.join(', ')}`;
  const unknown = keys.find((key) => !OPERATORS.includes(key));
  if (unknown !== undefined) {
    return `unknown operator "${unknown}" (known: ${OPERATORS.join(', ')}); to match a nested field, write its path, e.g. "${path}.${unknown}"`;
  }
  // Own keys only, here as in compilePath: an inherited member is never a condition nor a field.
  const has = (operator: string) => Object.hasOwn(condition, operator);
  for (const operator of RANGE_OPERATORS) {
    if (has(operator) && !(typeof condition[operator] === 'number' && Number.isFinite(condition[operator]))) {
      return `${operator} needs a finite number (got ${JSON.stringify(condition[operator])}); ranges compare numbers only`;
    }
  }
  if (has('exists') && typeof condition.exists !== 'boolean') return 'exists needs true or false';
  if (has('prefix') && !(typeof condition.prefix === 'string' && condition.prefix.length > 0)) return 'prefix needs a non-empty string';
  if (has('not')) {
    const inner = conditionError(condition.not, path);
    if (inner) return `not: ${inner}`;
  }
  return null;
}

/** Compiles a valid filter (see subscriptionFilterErrors) into a predicate over events. */
export function compileSubscriptionFilter(filter: SubscriptionFilter): EventPredicate {
  const tests = Object.entries(filter).map(([path, declared]) => {
    const resolve = compilePath(path);
    const condition = ownOperators(declared);
    return (event: FilterableEvent) => holds(condition, resolve(event));
  });
  return (event) => tests.every((test) => test(event));
}

/** The values at `path` in an event: none when it is missing, several when it steps through an array with []. */
function compilePath(path: string): (event: FilterableEvent) => unknown[] {
  if (path === 'subject' || path === 'time') return (event) => (event[path] === null ? [] : [event[path]]);
  if (path === 'type' || path === 'source') return (event) => [event[path]];
  const [head, ...rest] = path.split('.');
  if (head === 'extensions') {
    const name = rest[0];
    return (event) => (event.extensions && Object.hasOwn(event.extensions, name) ? [event.extensions[name]] : []);
  }
  const steps = rest.map((segment) => ({ key: segment.replace(/\[\]$/, ''), spread: segment.endsWith('[]') }));
  return (event) => {
    let values: unknown[] = [event.data];
    for (const { key, spread } of steps) {
      const next: unknown[] = [];
      for (const value of values) {
        if (!isPlainObject(value) || !Object.hasOwn(value, key)) continue;
        const found = value[key];
        if (!spread) next.push(found);
        else if (Array.isArray(found)) next.push(...found);
      }
      values = next;
    }
    return values;
  };
}

/** The condition with only its own operators, as subscriptionFilterErrors checked them: an inherited `exists` is not one. */
function ownOperators(condition: FilterCondition): FilterCondition {
  if (isScalar(condition) || Array.isArray(condition)) return condition;
  const own: FilterOperators = Object.fromEntries(Object.entries(condition));
  if (own.not !== undefined) own.not = ownOperators(own.not);
  return own;
}

/** Whether `condition` holds for the values found at its path (any of them, for value tests). */
function holds(condition: FilterCondition, values: unknown[]): boolean {
  if (isScalar(condition)) return values.some((value) => value === condition);
  if (Array.isArray(condition)) return values.some((value) => condition.some((wanted) => wanted === value));
  const operators = condition as FilterOperators;
  if (operators.exists !== undefined && operators.exists !== values.length > 0) return false;
  if (operators.not !== undefined && holds(operators.not, values)) return false;
  const valueTests = valueTestsOf(operators);
  return valueTests.length === 0 || values.some((value) => valueTests.every((test) => test(value)));
}

function valueTestsOf(operators: FilterOperators): Array<(value: unknown) => boolean> {
  const tests: Array<(value: unknown) => boolean> = [];
  const { gt, gte, lt, lte, prefix } = operators;
  // A number in a string ("100000") is not a number: no coercion, as in SNS filter policies.
  if (gt !== undefined) tests.push((value) => typeof value === 'number' && value > gt);
  if (gte !== undefined) tests.push((value) => typeof value === 'number' && value >= gte);
  if (lt !== undefined) tests.push((value) => typeof value === 'number' && value < lt);
  if (lte !== undefined) tests.push((value) => typeof value === 'number' && value <= lte);
  if (prefix !== undefined) tests.push((value) => typeof value === 'string' && value.startsWith(prefix));
  return tests;
}

function isScalar(value: unknown): value is FilterScalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
