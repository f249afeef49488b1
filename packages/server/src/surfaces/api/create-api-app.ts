import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyVerifier } from '../../foundation/auth/api-key-verifier.js';
import { IngestAdmission } from '../../pipeline/ingest/ingest-admission.js';
import { logLevelsFor } from '../../foundation/config/core-config.js';
import { PrometheusMetrics } from '../../foundation/metrics/prometheus-metrics.js';
import { problems } from '../../foundation/problems/problem.js';
import { RouteBook } from '../../pipeline/routing/route-book.js';
import type { FastifyRequest } from 'fastify';
import { ApiModule, type ApiModuleOptions } from './api.module.js';
import { installAuthentication } from './auth/authenticate.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { sendProblem } from './http/send-problem.js';
import { setupOpenApi } from './openapi.js';

/**
 * Builds the API (not yet listening). Bodies reach the controllers as raw
 * Buffers: the ingest binding parses them itself, so it can tell malformed
 * JSON, oversize bodies and unsupported media types apart with clear answers.
 * Ingest accepts bodies up to MAX_BATCH_BYTES; every other route
 * API_MAX_BODY_BYTES. On arrival, in order: security headers and CORS, the API
 * key, the ingest byte budget.
 */
export async function createApiApp(options: ApiModuleOptions): Promise<NestFastifyApplication> {
  const { ingest } = options.config.switchyard;
  const { security } = options.config;
  const adapter = new FastifyAdapter({ bodyLimit: security.maxBodyBytes });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(options), adapter, {
    bodyParser: false,
    logger: logLevelsFor(options.config.switchyard.logLevel),
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: security.maxBodyBytes }, (_request, body, done) => done(null, body));
  const ingestRoutes = new Set(['/v1/events', '/v1/events/batch']);
  // Routes are registered at init, after this hook: the two ingest routes take the larger limit.
  fastify.addHook('onRoute', (route) => {
    if (route.method === 'POST' && ingestRoutes.has(route.url)) route.bodyLimit = ingest.maxBatchBytes;
  });
  const metrics = app.get(PrometheusMetrics);
  const isIngest = (request: FastifyRequest) => request.method === 'POST' && ingestRoutes.has(request.routeOptions.url ?? '');

  installSecurityHeaders(fastify, security.corsOrigins);
  // Postgres cannot hold NUL in text: a %00 in a path or query would fail its query as a 500.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!/%00/.test(request.url)) return done();
    sendProblem(reply, request, problems.invalidRequest('The URL contains a NUL character (%00), which no parameter accepts'));
  });
  installAuthentication(fastify, app.get(ApiKeyVerifier), security.authMode);

  // Reserve the body's bytes before it is read; refuse with 503 when the heap budget is spent.
  const admission = new IngestAdmission(ingest.bytesInFlight);
  const reserved = new WeakMap<FastifyRequest, number>();
  const release = (request: FastifyRequest) => {
    const bytes = reserved.get(request);
    if (bytes === undefined) return;
    reserved.delete(request);
    admission.release(bytes);
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isIngest(request)) return done();
    const declared = Number(request.headers['content-length']);
    // Without a length (chunked), assume the largest body the route accepts.
    const bytes = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, ingest.maxBatchBytes) : ingest.maxBatchBytes;
    if (!admission.tryReserve(bytes)) {
      const problem = problems.unavailable(
        `The API is working on ${admission.bytesInFlight} bytes of events (INGEST_BYTES_IN_FLIGHT ${admission.budgetBytes}); nothing was stored, retry shortly`,
      );
      void reply.code(503).header('Retry-After', '1').header('Content-Type', 'application/problem+json; charset=utf-8').send(JSON.stringify({ ...problem, instance: request.url }));
      return;
    }
    reserved.set(request, bytes);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    release(request);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    release(request);
    if (isIngest(request)) metrics.ingestRequests.inc({ endpoint: request.routeOptions.url!, status: String(reply.statusCode) });
    done();
  });
  setupOpenApi(app, app.get(RouteBook));
  return app;
}
