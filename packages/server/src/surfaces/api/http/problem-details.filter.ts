import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Problem } from '@switchyard/core/contracts';
import { isServiceUnavailable } from '../../../foundation/problems/unavailable.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
};

/**
 * Every error answer is RFC 9457 application/problem+json: our ProblemErrors
 * as they are, Nest and Fastify client errors (unknown route, body too large,
 * bad Content-Length) translated, and anything else a logged, opaque 500.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { problem, headers } = this.toProblem(exception, request);
    if (problem.status >= 500 && !(exception instanceof ProblemError)) {
      this.logger.error(`${request.method} ${request.url} failed`, exception instanceof Error ? exception.stack : String(exception));
    }
    void reply
      .status(problem.status)
      .headers(headers)
      .header('Content-Type', 'application/problem+json; charset=utf-8')
      .send(JSON.stringify({ ...problem, instance: problem.instance ?? request.url }));
  }

  private toProblem(exception: unknown, request: FastifyRequest): { problem: Problem; headers: Record<string, string> } {
    if (exception instanceof ProblemError) return { problem: exception.problem, headers: exception.headers };
    // Fastify's body limit (the route's: MAX_BATCH_BYTES for ingest, API_MAX_BODY_BYTES elsewhere).
    const raw = exception as { statusCode?: number; code?: string };
    if (raw.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || (exception instanceof HttpException && exception.getStatus() === 413)) {
      const limit = request.routeOptions.bodyLimit ?? 0;
      const ingest = request.method === 'POST' && ['/v1/events', '/v1/events/batch'].includes(request.routeOptions.url ?? '');
      const setting = ingest ? 'MAX_BATCH_BYTES' : 'API_MAX_BODY_BYTES';
      const declared = Number(request.headers['content-length']);
      const size = Number.isFinite(declared) && declared > limit ? `${declared} bytes` : `over ${limit} bytes`;
      const problem = problems.tooLarge('The request body', 0, limit);
      return { problem: { ...problem, detail: `The request body is ${size}; this endpoint accepts at most ${limit} bytes (${setting})` }, headers: {} };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const detail = status === 404 ? `No route for ${request.method} ${request.url.split('?')[0]}` : exception.message;
      return { problem: this.generic(status, detail), headers: {} };
    }
    // Fastify's own errors (body parsing, limits) carry a 4xx statusCode.
    const fastifyError = exception as { statusCode?: number; message?: string; code?: string };
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return { problem: this.generic(fastifyError.statusCode, fastifyError.message ?? 'Bad request'), headers: {} };
    }
    if (isDataException(exception)) {
      // SQLSTATE class 22 (a value Postgres cannot take: bad encoding, out of range) is the input's fault.
      return { problem: problems.invalidRequest('A value in the request cannot be stored or compared (invalid characters or out of range)'), headers: {} };
    }
    if (isServiceUnavailable(exception)) {
      this.logger.warn(`${request.method} ${request.url}: ${(exception as Error).message}`);
      return { problem: problems.unavailable('Redis or Postgres is unavailable right now; retry shortly.'), headers: { 'Retry-After': '5' } };
    }
    return {
      problem: { type: 'about:blank', title: 'Internal server error', status: 500, detail: 'An unexpected error occurred; it has been logged.' },
      headers: {},
    };
  }

  private generic(status: number, detail: string): Problem {
    return { type: 'about:blank', title: STATUS_TITLES[status] ?? 'Request error', status, detail };
  }
}

/** Whether a database error (Prisma's, or pg's, at any depth of `cause`) is a data exception (SQLSTATE 22xxx). */
function isDataException(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { code, originalCode, meta, cause } = error as { code?: unknown; originalCode?: unknown; meta?: { code?: unknown }; cause?: unknown };
  if ([code, originalCode, meta?.code].some((value) => typeof value === 'string' && /^22[0-9A-Z]{3}$/.test(value))) return true;
  return isDataException(cause, depth + 1);
}
