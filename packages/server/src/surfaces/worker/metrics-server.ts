import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PrometheusMetrics } from '../../foundation/metrics/prometheus-metrics.js';
import { WorkerReadiness } from '../../pipeline/runner/worker-readiness.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const METRICS_LISTEN = Symbol('METRICS_LISTEN');

/**
 * A worker has no HTTP API; this serves its Prometheus metrics at /metrics and
 * probes for an orchestrator: /health/live (the process answers) and
 * /health/ready (Redis and Postgres answer and every queue's BullMQ worker is
 * taking jobs, else 503 naming what is not).
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: PrometheusMetrics,
    private readonly readiness: WorkerReadiness,
    @Inject(METRICS_LISTEN) private readonly listen: { port: number; host: string },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listen.port, this.listen.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics on http://${this.listen.host}:${this.port}/metrics`);
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = request.method === 'GET' ? request.url?.split('?')[0] : undefined;
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (path === '/health/live') return json(200, { status: 'ok' });
    if (path === '/health/ready') {
      this.readiness.check().then((readiness) => json(readiness.ready ? 200 : 503, readiness), () => json(503, { ready: false }));
      return;
    }
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics, /health/live and /health/ready here\n');
      return;
    }
    this.metrics.text().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  }

  /** The port actually bound (METRICS_PORT=0 picks a free one). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
