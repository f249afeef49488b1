import type { FieldError } from '@switchyard/core/contracts';

/** Deeper documents are refused: they only serve to exhaust stacks (ours, Postgres's). */
export const MAX_JSON_DEPTH = 64;

// Postgres text and jsonb cannot hold U+0000 nor unpaired UTF-16 surrogates.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Finds what Postgres would refuse to store in a JSON value, so the producer
 * gets a 400 naming the field instead of the database failing mid-insert.
 * Iterative, so hostile nesting cannot overflow the stack here either.
 */
export function unstorableJson(value: unknown): FieldError | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    const where = item.path || '(body)';
    if (typeof item.value === 'string') {
      if (UNSTORABLE.test(item.value)) return { path: where, message: 'contains U+0000 or an unpaired surrogate, which cannot be stored' };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_JSON_DEPTH) return { path: where, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [key, child] of Object.entries(item.value)) {
      if (UNSTORABLE.test(key)) return { path: where, message: 'has a key with U+0000 or an unpaired surrogate' };
      stack.push({ value: child, path: item.path ? `${item.path}.${key}` : key, depth: item.depth + 1 });
    }
  }
  return null;
}
