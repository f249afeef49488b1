import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the double answers one request with: an HTTP answer, a dropped connection, or silence. */
export type Scripted = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang-up' | 'no-answer';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A stand-in for the ingest API on a loopback port, for the client's unit
 * specs: it answers the n-th request with the n-th scripted answer (the last
 * one again once the script runs out) and records every request.
 */
export class ApiDouble {
  readonly requests: RecordedRequest[] = [];

  private constructor(
    private readonly server: Server,
    private readonly script: Scripted[],
  ) {}

  static async start(script: Scripted[]): Promise<ApiDouble> {
    const server = createServer();
    const double = new ApiDouble(server, script);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        double.requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const answer = script[Math.min(double.requests.length, script.length) - 1];
        if (answer === 'hang-up') request.socket.destroy();
        else if (answer !== 'no-answer') {
          const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
          response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(text);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return double;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The recorded requests' JSON bodies. */
  bodies(): unknown[] {
    return this.requests.map((request) => JSON.parse(request.body) as unknown);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The API's 202 answer to one event of `type`. */
export function accepted(type: string, eventId = '01900000-0000-7000-8000-000000000001'): Scripted {
  return { status: 202, body: { eventId, type, duplicate: false, jobs: [{ id: `${eventId}.h`, queue: 'q', handler: 'h' }] } };
}

/** A problem+json answer. */
export function problem(status: number, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}): Scripted {
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
    body: { type: `urn:switchyard:problem:test-${status}`, title: `Problem ${status}`, status, ...fields },
  };
}
