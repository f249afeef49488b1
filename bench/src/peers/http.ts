// The peers' HTTP surface: the least a team would write in front of a queue
// library (node:http, no framework), speaking what the load generator sends:
// POST /v1/events with a JSON event and an optional Idempotency-Key header.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request's event as the peer stores or queues it. */
export interface IncomingEvent {
  /** The parsed JSON body: `{type, source, subject, data}` from payload.ts; not validated further. */
  event: Record<string, unknown>;
  idempotencyKey: string | null;
}

/** What `accept` answers: the body of the 202. */
export type Accepted = Record<string, unknown>;

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves POST /v1/events on 127.0.0.1, a port the system picks: 202 with
 * what `accept` answers, 400 when the body is not a JSON object, 500 when
 * `accept` throws. Tells the harness `{type:'ready', port}` over IPC, and on
 * SIGTERM/SIGINT stops listening, runs `close` and exits.
 */
export async function serveEvents(accept: (incoming: IncomingEvent) => Promise<Accepted>, close: () => Promise<void>): Promise<void> {
  let failures = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/events') return reply(res, 404, { error: 'POST /v1/events only' });
    void (async () => {
      let event: unknown;
      try {
        event = JSON.parse(await readBody(req));
      } catch {
        return reply(res, 400, { error: 'body is not JSON' });
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) return reply(res, 400, { error: 'body is not a JSON object' });
      const key = req.headers['idempotency-key'];
      try {
        reply(res, 202, await accept({ event: event as Record<string, unknown>, idempotencyKey: typeof key === 'string' && key ? key : null }));
      } catch (error) {
        // The first failure and every 1000th: enough to see why, not a log per request.
        if (failures++ % 1000 === 0) console.error(`accept failed (${failures} so far):`, error);
        reply(res, 500, { error: (error as Error).message });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = async () => {
    server.close();
    server.closeAllConnections();
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.send?.({ type: 'ready', port });
  process.stdout.write(`peer api listening on 127.0.0.1:${port}\n`);
}
