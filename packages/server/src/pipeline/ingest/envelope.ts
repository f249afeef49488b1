import type { FieldError } from '@switchyard/core/contracts';
import { z } from 'zod';
import { MAX_PRIORITY } from '@switchyard/core';
import { canonicalJson, sha256 } from '../events/canonical-json.js';
import type { IncomingEvent } from '../events/incoming-event.js';
import { toFieldErrors } from '../../foundation/problems/field-errors.js';
import type { EventCandidate } from './http-binding.js';

export type EnvelopeResult = { ok: true; event: IncomingEvent } | { ok: false; errors: FieldError[] };

/** Plain events without a `source` get this one. */
export const DEFAULT_SOURCE = 'urn:switchyard:rest';

const MAX_DELAY_MS = 365 * 24 * 3_600_000;
const rfc3339 = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp such as 2026-11-25T08:00:00Z' });
const text = (max: number) => z.string().min(1).max(max);
const priority = z.int().min(1).max(MAX_PRIORITY);
const delay = z.int().min(0).max(MAX_DELAY_MS);

const plainEnvelope = z.strictObject({
  type: text(255),
  data: z.unknown(),
  id: text(255).optional(),
  source: text(1024).optional(),
  subject: text(1024).optional(),
  time: rfc3339.optional(),
  priority: priority.optional(),
  delay: delay.optional(),
  deliverAt: rfc3339.optional(),
  idempotencyKey: text(255).optional(),
  correlationId: text(255).optional(),
});

/** Binary mode carries every attribute as a string; numbers arrive as text. */
const intAttribute = (schema: z.ZodInt) =>
  z.preprocess((value) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value), schema);

const cloudEventAttributes = z.object({
  specversion: z.literal('1.0', { message: 'must be "1.0" (CloudEvents 1.0)' }),
  id: text(255),
  source: text(1024),
  type: text(255),
  datacontenttype: z.string().optional(),
  dataschema: z.string().optional(),
  subject: text(1024).optional(),
  time: rfc3339.optional(),
  data: z.unknown().optional(),
  data_base64: z.string().optional(),
  priority: intAttribute(priority).optional(),
  delay: intAttribute(delay).optional(),
  deliverat: rfc3339.optional(),
  // An extension attribute we interpret: the event joins this correlation tree (GET /v1/events/:id/tree).
  correlationid: text(255).optional(),
});

const KNOWN_CE_ATTRIBUTES = new Set(Object.keys(cloudEventAttributes.shape));
const EXTENSION_NAME = /^[a-z0-9]+$/;

/** Validates an event's envelope, plain or CloudEvents, and normalises it. */
export function parseEnvelope(candidate: EventCandidate): EnvelopeResult {
  return candidate.format === 'json' ? parsePlain(candidate) : parseCloudEvent(candidate);
}

function parsePlain(candidate: EventCandidate): EnvelopeResult {
  const parsed = plainEnvelope.safeParse(candidate.value);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const body = parsed.data;
  const errors: FieldError[] = [];
  if (body.delay !== undefined && body.deliverAt !== undefined) {
    errors.push({ path: 'deliverAt', message: 'cannot be combined with delay; give one or the other' });
  }
  errors.push(...deliverAtErrors(body.deliverAt, 'deliverAt'));
  if (errors.length) return { ok: false, errors };
  const source = body.source ?? DEFAULT_SOURCE;
  const producerKey = candidate.idempotencyKey ?? body.idempotencyKey;
  const result = finish({
    format: 'json',
    type: body.type,
    source,
    sourceEventId: body.id ?? null,
    subject: body.subject ?? null,
    time: body.time ?? null,
    dataContentType: null,
    data: body.data,
    extensions: null,
    correlationId: body.correlationId ?? null,
    priority: body.priority ?? null,
    delayMs: body.delay ?? null,
    deliverAt: body.deliverAt ?? null,
    idempotencyKey:
      producerKey !== undefined ? `key:${producerKey}` : body.id !== undefined ? sourceIdKey(source, body.id) : null,
  });
  // Without an `id`, the producer knows the event by its key. Set after the
  // request hash, which the key is not part of: a request sent again with the
  // same key must hash as it did when the key was stored.
  if (result.ok && body.id === undefined && producerKey !== undefined) result.event.sourceEventId = producerKey;
  return result;
}

function parseCloudEvent(candidate: EventCandidate): EnvelopeResult {
  const parsed = cloudEventAttributes.safeParse(candidate.value);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const attributes = parsed.data;
  const errors: FieldError[] = [];
  const extensions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(candidate.value as Record<string, unknown>)) {
    if (KNOWN_CE_ATTRIBUTES.has(name)) continue;
    if (!EXTENSION_NAME.test(name)) {
      errors.push({ path: name, message: 'is not a valid CloudEvents attribute name (lower-case letters and digits only)' });
    } else if (!['string', 'number', 'boolean'].includes(typeof value)) {
      errors.push({ path: name, message: 'extension attributes must be strings, numbers or booleans' });
    } else {
      extensions[name] = value;
    }
  }
  if (attributes.data !== undefined && attributes.data_base64 !== undefined) {
    errors.push({ path: 'data_base64', message: 'cannot be combined with data' });
  }
  let data = attributes.data;
  if (attributes.data_base64 !== undefined) {
    const decoded = decodeBase64Json(attributes.data_base64, attributes.datacontenttype);
    if ('error' in decoded) errors.push({ path: 'data_base64', message: decoded.error });
    else data = decoded.value;
  }
  if (data === undefined) errors.push({ path: 'data', message: 'is required' });
  if (attributes.delay !== undefined && attributes.deliverat !== undefined) {
    errors.push({ path: 'deliverat', message: 'cannot be combined with delay; give one or the other' });
  }
  errors.push(...deliverAtErrors(attributes.deliverat, 'deliverat'));
  if (errors.length) return { ok: false, errors };
  return finish({
    format: 'cloudevents',
    type: attributes.type,
    source: attributes.source,
    sourceEventId: attributes.id,
    subject: attributes.subject ?? null,
    time: attributes.time ?? null,
    dataContentType: attributes.datacontenttype ?? null,
    data,
    extensions: Object.keys(extensions).length || attributes.dataschema ? { ...extensions, ...(attributes.dataschema ? { dataschema: attributes.dataschema } : {}) } : null,
    correlationId: attributes.correlationid ?? null,
    priority: attributes.priority ?? null,
    delayMs: attributes.delay ?? null,
    deliverAt: attributes.deliverat ?? null,
    // The CloudEvents spec makes (source, id) unique per event: duplicates are replays.
    idempotencyKey: candidate.idempotencyKey !== null ? `key:${candidate.idempotencyKey}` : sourceIdKey(attributes.source, attributes.id),
  });
}

function finish(event: Omit<IncomingEvent, 'requestHash'>): EnvelopeResult {
  // The format and content type are how the event travelled, not what it is:
  // the same event sent structured and then binary is a replay, not a conflict.
  const { format: _format, dataContentType: _contentType, idempotencyKey: _key, ...identity } = event;
  return { ok: true, event: { ...event, requestHash: sha256(canonicalJson(identity)) } };
}

function sourceIdKey(source: string, id: string): string {
  return `ce:${JSON.stringify([source, id])}`;
}

function deliverAtErrors(deliverAt: string | undefined, path: string): FieldError[] {
  if (deliverAt === undefined) return [];
  const at = Date.parse(deliverAt);
  if (at - Date.now() > MAX_DELAY_MS) return [{ path, message: 'must be at most 365 days ahead' }];
  return [];
}

function decodeBase64Json(encoded: string, contentType: string | undefined): { value: unknown } | { error: string } {
  const media = contentType?.split(';')[0].trim().toLowerCase();
  if (media && media !== 'application/json' && !media.endsWith('+json')) {
    return { error: `must carry JSON; datacontenttype "${contentType}" is not a JSON type` };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return { error: 'is not valid base64' };
  try {
    return { value: JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) };
  } catch (error) {
    return { error: `does not decode to JSON: ${(error as Error).message}` };
  }
}
