import type { Producer } from '../../foundation/auth/ingest-rate-limiter.js';
import { ProblemError, problems } from '../../foundation/problems/problem.js';

/** An ingest request as it came over HTTP: headers lowercased, body unparsed. */
export interface RawIngestRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
  /** The API key that sent it; absent (AUTH_MODE=off): no key, no rate limit. */
  producer?: Producer;
}

/** One event as sent, before its envelope is validated. */
export interface EventCandidate {
  format: 'json' | 'cloudevents';
  value: unknown;
  /** From the Idempotency-Key header; only single events may carry one. */
  idempotencyKey: string | null;
}

export interface BodyLimits {
  maxEventBytes: number;
  maxBatchBytes: number;
  maxBatchEvents: number;
}

const JSON_MEDIA = 'application/json';
const CE_STRUCTURED = 'application/cloudevents+json';
const CE_BATCH = 'application/cloudevents-batch+json';
const CE_HEADER = /^ce-([a-z0-9]+)$/;

/**
 * Decodes `POST /v1/events`: plain JSON, CloudEvents structured mode, or
 * CloudEvents binary mode (ce-* headers, data in the body).
 */
export function decodeSingle(request: RawIngestRequest, limits: BodyLimits): EventCandidate {
  const body = request.body ?? Buffer.alloc(0);
  if (body.length > limits.maxEventBytes) throw new ProblemError(problems.tooLarge('The event', body.length, limits.maxEventBytes));
  const idempotencyKey = idempotencyKeyHeader(request);
  const media = mediaType(request);
  // Structured mode wins over stray ce-* headers, as the HTTP binding specifies.
  if (media === CE_STRUCTURED) return { format: 'cloudevents', value: parseJson(body), idempotencyKey };
  if (header(request, 'ce-specversion') !== undefined) {
    if (!media || !isJsonMedia(media)) {
      throw new ProblemError(
        problems.unsupportedMediaType(media, [JSON_MEDIA, 'application/*+json (binary-mode data must be JSON)']),
      );
    }
    return { format: 'cloudevents', value: binaryModeEvent(request, body, media), idempotencyKey };
  }
  if (media === JSON_MEDIA) return { format: 'json', value: parseJson(body), idempotencyKey };
  if (media === CE_BATCH) {
    throw new ProblemError(
      problems.unsupportedMediaType(media, [JSON_MEDIA, CE_STRUCTURED, `(send ${CE_BATCH} to /v1/events/batch)`]),
    );
  }
  throw new ProblemError(problems.unsupportedMediaType(media, [JSON_MEDIA, CE_STRUCTURED, 'CloudEvents binary mode']));
}

/** Decodes `POST /v1/events/batch`: a JSON array of plain events or of structured CloudEvents. */
export function decodeBatch(request: RawIngestRequest, limits: BodyLimits): EventCandidate[] {
  const body = request.body ?? Buffer.alloc(0);
  if (body.length > limits.maxBatchBytes) throw new ProblemError(problems.tooLarge('The batch', body.length, limits.maxBatchBytes));
  if (idempotencyKeyHeader(request) !== null) {
    throw new ProblemError(
      problems.invalidRequest(
        'Idempotency-Key applies to single events. In a batch, give each plain event an "idempotencyKey" field, or each CloudEvent its id and source.',
      ),
    );
  }
  const media = mediaType(request);
  let format: EventCandidate['format'];
  if (media === JSON_MEDIA) format = 'json';
  else if (media === CE_BATCH) format = 'cloudevents';
  else throw new ProblemError(problems.unsupportedMediaType(media, [JSON_MEDIA, CE_BATCH]));
  const items = parseJson(body);
  if (!Array.isArray(items)) {
    throw new ProblemError(problems.invalidRequest('A batch must be a JSON array of events'));
  }
  if (items.length === 0) throw new ProblemError(problems.invalidRequest('The batch is empty'));
  if (items.length > limits.maxBatchEvents) throw new ProblemError(problems.tooManyEvents(items.length, limits.maxBatchEvents));
  return items.map((value) => ({ format, value, idempotencyKey: null }));
}

function binaryModeEvent(request: RawIngestRequest, body: Buffer, media: string): Record<string, unknown> {
  const event: Record<string, unknown> = { datacontenttype: header(request, 'content-type') };
  for (const [name, raw] of Object.entries(request.headers)) {
    const match = CE_HEADER.exec(name);
    if (!match || raw === undefined) continue;
    // The HTTP binding percent-encodes values that are not printable ASCII.
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    try {
      event[match[1]] = decodeURIComponent(value);
    } catch {
      event[match[1]] = value;
    }
  }
  if (body.length > 0) event.data = parseJson(body, `binary-mode data (${media})`);
  return event;
}

function parseJson(body: Buffer, what = 'The request body'): unknown {
  if (body.length === 0) throw new ProblemError(problems.malformedJson(`${what} is empty`));
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ProblemError(problems.malformedJson(`${what} is not valid JSON: ${(error as Error).message}`));
  }
}

function header(request: RawIngestRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function idempotencyKeyHeader(request: RawIngestRequest): string | null {
  const key = header(request, 'idempotency-key');
  if (key === undefined) return null;
  if (key.length === 0 || key.length > 255) {
    throw new ProblemError(problems.invalidRequest('Idempotency-Key must be 1 to 255 characters'));
  }
  return key;
}

function mediaType(request: RawIngestRequest): string | undefined {
  const value = header(request, 'content-type');
  return value?.split(';')[0].trim().toLowerCase() || undefined;
}

function isJsonMedia(media: string): boolean {
  return media === JSON_MEDIA || /^[a-z]+\/[a-z0-9.+-]+\+json$/.test(media);
}
