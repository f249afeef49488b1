import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import type { FastifyRequest } from 'fastify';

/**
 * The JSON body of an operator request. Bodies arrive as raw Buffers (see
 * createApiApp); an empty body reads as {}, anything but JSON is a 415.
 */
export function jsonBody(request: FastifyRequest): unknown {
  const body = request.body as Buffer | undefined;
  if (!body || body.length === 0) return {};
  const media = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
  if (media !== 'application/json') throw new ProblemError(problems.unsupportedMediaType(media, ['application/json']));
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ProblemError(problems.malformedJson(`The request body is not valid JSON: ${(error as Error).message}`));
  }
}

/** The body as a JSON object; `null`, arrays and scalars are a 400 (the fuzz run found `null` answered 500). */
export function jsonObjectBody(request: FastifyRequest): Record<string, unknown> {
  const body = jsonBody(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ProblemError(problems.invalidRequest('The body must be a JSON object'));
  return body as Record<string, unknown>;
}
