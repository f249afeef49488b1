import { createHash } from 'node:crypto';

// Order matters: the specific shapes go first, so a UUID is not read as
// numbers and letters, and a quoted id stays one placeholder.
const NORMALISERS: Array<[RegExp, string]> = [
  [/"[^"\n]*"|'[^'\n]*'|`[^`\n]*`/g, '<str>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\b/g, '<time>'],
  [/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, '<email>'],
  [/\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b/gi, '<hex>'],
  // ids such as upl_8f3a21, usr_42, img_3N1x9: a word, a separator, then anything with a digit
  [/\b[A-Za-z][A-Za-z0-9]*[_-](?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]+\b/g, '<id>'],
  [/-?\b\d+(\.\d+)?\b/g, '<n>'],
];

/** An error message with the parts that vary per job (ids, numbers, quoted values) replaced. */
export function errorPattern(message: string): string {
  let pattern = message.slice(0, 2_000);
  for (const [shape, placeholder] of NORMALISERS) pattern = pattern.replace(shape, placeholder);
  return pattern.replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * Groups dead letters that failed the same way: same handler, same error
 * class, same message once ids, numbers and quoted values are normalised.
 */
export function errorFingerprint(handler: string, errorName: string, message: string): string {
  return createHash('sha256').update(`${handler}\u0000${errorName}\u0000${errorPattern(message)}`).digest('hex').slice(0, 16);
}
