import { Inject, Injectable } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import { formatRedactPath, type RedactPath } from '../config/redact-paths.js';

/** What a masked value reads as. */
export const REDACTED = '[redacted]';
/** Shorter values are not hunted for in free text: masking every "42" would garble messages. */
const MIN_SECRET_LENGTH = 3;

/**
 * Masks REDACT_PATHS wherever event data leaves Switchyard: API answers, dead
 * letters, error messages and log lines that echo the values. Objects are
 * copied along the masked paths only; the input is never changed.
 */
@Injectable()
export class Redactor {
  readonly paths: RedactPath[];

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    this.paths = config.redaction.paths;
  }

  get enabled(): boolean {
    return this.paths.length > 0;
  }

  /** An envelope-shaped object (`{ data, … }`: an event, a lineage, a dead letter's payload) with the paths masked. */
  mask<T>(envelope: T): T {
    let result: unknown = envelope;
    for (const path of this.paths) result = maskPath(result, path);
    return result as T;
  }

  /** Replaces in `text` every value `envelope` holds at a redacted path. */
  maskText(text: string, envelope: unknown): string {
    if (!this.enabled || !text) return text;
    let masked = text;
    for (const secret of this.secretsIn(envelope)) masked = masked.split(secret).join(REDACTED);
    return masked;
  }

  /** The paths under `data`, as the SQL function switchyard_redact takes them (JSON). */
  sqlPaths(): string {
    return JSON.stringify(this.paths.map((path) => path.slice(1)));
  }

  /** The redacted path an event search on `data.<path>` would probe, if any. */
  coveringPath(searchPath: string[]): string | null {
    const searched = ['data', ...searchPath.flatMap((segment) => (segment.endsWith('[]') ? [segment.slice(0, -2)] : [segment]))];
    for (const path of this.paths) {
      const keys = path.filter((segment) => segment !== '[]');
      // Searching at or below a redacted path compares against its value.
      if (keys.every((key, index) => searched[index] === key)) return formatRedactPath(path);
    }
    return null;
  }

  private secretsIn(envelope: unknown): string[] {
    const found = new Set<string>();
    const collect = (value: unknown) => {
      if (typeof value === 'string' || typeof value === 'number') {
        const text = String(value);
        if (text.length >= MIN_SECRET_LENGTH) found.add(text);
        // JSON.stringify in a message writes the value escaped.
        const json = JSON.stringify(value);
        if (typeof value === 'string' && json.slice(1, -1) !== text) found.add(json.slice(1, -1));
      } else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    for (const path of this.paths) valuesAt(envelope, path).forEach(collect);
    // Longest first, so a value containing another is masked whole.
    return [...found].sort((a, b) => b.length - a.length);
  }
}

function maskPath(value: unknown, path: RedactPath): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (head === '[]') return Array.isArray(value) ? value.map((item) => maskPath(item, rest)) : value;
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, head)) return value;
  const record = value as Record<string, unknown>;
  return { ...record, [head]: rest.length === 0 ? REDACTED : maskPath(record[head], rest) };
}

function valuesAt(value: unknown, path: RedactPath): unknown[] {
  if (path.length === 0) return [value];
  const [head, ...rest] = path;
  if (head === '[]') return Array.isArray(value) ? value.flatMap((item) => valuesAt(item, rest)) : [];
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, head)) return [];
  return valuesAt((value as Record<string, unknown>)[head], rest);
}
