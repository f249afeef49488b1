/** A value a filter compares with: equality is strict (no coercion between "1" and 1). */
export type FilterScalar = string | number | boolean | null;

/**
 * Operators of one path's condition; all given ones must hold. Ranges hold
 * only for numbers, `prefix` only for strings; `not` negates a condition,
 * a missing path included (`{ not: 'gold' }` matches an event without it).
 */
export interface FilterOperators {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  exists?: boolean;
  prefix?: string;
  not?: FilterCondition;
}

/** A value (equality), a list of values (any of them), or operators. */
export type FilterCondition = FilterScalar | FilterScalar[] | FilterOperators;

/**
 * A handler's content filter, in the style of SNS filter policies: paths into
 * the event (`type`, `source`, `subject`, `time`, `data.total`,
 * `data.lines[].code`, `extensions.<name>`) mapped to conditions; an event
 * reaches the handler only when every path's condition holds.
 */
export type SubscriptionFilter = Record<string, FilterCondition>;

/** Delivery guarantee of one handler's jobs. */
export type DeliveryMode = 'at-least-once' | 'at-most-once';
