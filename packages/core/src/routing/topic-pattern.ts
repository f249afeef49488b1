import { isPlatformEventType, PLATFORM_EVENT_PREFIX } from '../contracts/index.js';

/**
 * RabbitMQ topic-exchange patterns over dot-separated event types:
 * `*` matches exactly one segment, `#` zero or more. `user.*` matches
 * `user.created` but not `user.profile.updated`; `user.#` matches both, and
 * `user` itself; `#` matches every event of the team's catalog.
 *
 * Switchyard's own events (`switchyard.job.dead_lettered`, …) match only
 * patterns that name `switchyard` as their first segment: a catch-all
 * handler (`#`, `*.*.*`) that fails on one would otherwise feed itself.
 */
export type TopicMatcher = (type: string) => boolean;

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Why `pattern` is not a valid subscription pattern, or null when it is. */
export function topicPatternError(pattern: string): string | null {
  if (pattern.length === 0 || pattern.length > 255) return 'must be 1 to 255 characters';
  for (const segment of pattern.split('.')) {
    if (segment === '*' || segment === '#') continue;
    if (!SEGMENT.test(segment)) {
      return `segment "${segment}" must be "*", "#" or letters, digits, "_" and "-"`;
    }
  }
  return null;
}

/** Compiles a valid pattern (see topicPatternError) into a matcher of event types; throws on an invalid one. */
export function compileTopicPattern(pattern: string): TopicMatcher {
  const problem = topicPatternError(pattern);
  if (problem) throw new Error(`Invalid event pattern "${pattern}": ${problem}`);
  const segments = pattern.split('.');
  if (!pattern.includes('*') && !pattern.includes('#')) return (type) => type === pattern;
  const namesPlatform = pattern.startsWith(PLATFORM_EVENT_PREFIX);
  return (type) => (namesPlatform || !isPlatformEventType(type)) && matchSegments(segments, type.split('.'));
}

/** Matches with memoised backtracking: O(pattern × type) even with many `#`. */
function matchSegments(pattern: string[], type: string[]): boolean {
  const memo = new Map<number, boolean>();
  const match = (p: number, t: number): boolean => {
    const key = p * (type.length + 1) + t;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (p === pattern.length) result = t === type.length;
    else if (pattern[p] === '#') result = match(p + 1, t) || (t < type.length && match(p, t + 1));
    else result = t < type.length && (pattern[p] === '*' || pattern[p] === type[t]) && match(p + 1, t + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}
