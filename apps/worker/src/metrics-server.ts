import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PrometheusMetrics } from '@switchyard/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const METRICS_LISTEN = Symbol('METRICS_LISTEN');

/** A worker has no HTTP API; this serves its Prometheus metrics at /metrics. */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: PrometheusMetrics,
    @Inject(METRICS_LISTEN) private readonly listen: { port: number; host: string },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics here\n');
        return;
      }
      this.metrics.text().then(
        ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listen.port, this.listen.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics on http://${this.listen.host}:${this.port}/metrics`);
  }

  /** The port actually bound (METRICS_PORT=0 picks a free one). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
