/**
 * One REDACT_PATHS entry, as keys from the event envelope's root: `data.lines[].note`
 * is ['data', 'lines', '[]', 'note'] ('[]' steps into every element of an array).
 */
export type RedactPath = string[];

const SEGMENT = /^[A-Za-z0-9_-]+(\[\])?$/;

/**
 * Parses REDACT_PATHS: comma-separated dotted paths under `data`, such as
 * `data.user.password,data.user.phone,data.lines[].note`. Throws with the
 * offending entry when one is not such a path.
 */
export function parseRedactPaths(value: string): RedactPath[] {
  const paths: RedactPath[] = [];
  for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const segments = entry.split('.');
    if (segments[0] !== 'data' || segments.length < 2 || segments.some((segment) => !SEGMENT.test(segment))) {
      throw new Error(`"${entry}" is not a path under data such as data.user.password or data.lines[].note`);
    }
    paths.push(segments.flatMap((segment) => (segment.endsWith('[]') ? [segment.slice(0, -2), '[]'] : [segment])));
  }
  return paths;
}

/** A path as REDACT_PATHS writes it. */
export function formatRedactPath(path: RedactPath): string {
  return path.join('.').replace(/\.\[\]/g, '[]');
}
