import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { logLevelsFor, PrometheusMetrics } from '@switchyard/core';
import type { z } from 'zod';
import { ApiModule, type ApiModuleOptions } from './api.module.js';
import { setupOpenApi } from './openapi.js';

/**
 * Builds the API (not yet listening). Bodies reach the controllers as raw
 * Buffers: the ingest binding parses them itself, so it can tell malformed
 * JSON, oversize bodies and unsupported media types apart with clear answers.
 */
export async function createApiApp(options: ApiModuleOptions): Promise<NestFastifyApplication> {
  const { ingest } = options.config.switchyard;
  const adapter = new FastifyAdapter({ bodyLimit: ingest.maxBatchBytes });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(options), adapter, {
    bodyParser: false,
    logger: logLevelsFor(options.config.switchyard.logLevel),
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ingest.maxBatchBytes }, (_request, body, done) => done(null, body));
  const metrics = app.get(PrometheusMetrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (request.method === 'POST' && (route === '/v1/events' || route === '/v1/events/batch')) {
      metrics.ingestRequests.inc({ endpoint: route, status: String(reply.statusCode) });
    }
    done();
  });
  setupOpenApi(app, options.events as Record<string, z.ZodType>);
  return app;
}
