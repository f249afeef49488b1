// The load generator, a process of its own (as a producer would be). Prints one
// JSON line {type:'result', ...} when done.
//   closed  autocannon: N keep-alive connections sending back to back for S seconds
//   paced   open loop at a fixed rate (undici pool, keep-alive): requests are due at
//           start + i/rate whatever the server does, so a slow server shows up as
//           latency and a shortfall, not as a lower offered rate
//   console sequential GETs, one connection, per endpoint
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { orderEvent } from './payload.js';
import { preciseNow, summarise, Samples } from './stats.js';

type Kind = 'single' | 'batch';

interface ClosedSpec {
  mode: 'closed';
  url: string;
  kind: Kind;
  batchSize?: number;
  keys: boolean;
  connections: number;
  seconds: number;
}

interface PacedSpec {
  mode: 'paced';
  url: string;
  kind: Kind;
  batchSize?: number;
  keys: boolean;
  connections: number;
  seconds: number;
  rate: number;
  /** Requests outstanding beyond this are not sent and count as dropped (the server is far behind). */
  maxInFlight?: number;
}

interface ConsoleSpec {
  mode: 'console';
  origin: string;
  endpoints: Array<{ name: string; path: string }>;
  warmup: number;
  requests: number;
}

type Spec = ClosedSpec | PacedSpec | ConsoleSpec;

const run = randomUUID().slice(0, 8);
let counter = 0;

/** A request body (and its Idempotency-Key header, for single events) with unique ids and the send time. */
function request(kind: Kind, batchSize: number, keys: boolean): { body: string; key: string | null } {
  const sentAt = preciseNow();
  if (kind === 'single') {
    const n = counter++;
    return { body: JSON.stringify(orderEvent(`${run}-${n}`, sentAt)), key: keys ? `bench-${run}-${n}` : null };
  }
  const items = Array.from({ length: batchSize }, () => {
    const n = counter++;
    return orderEvent(`${run}-${n}`, sentAt, keys ? { idempotencyKey: `bench-${run}-${n}` } : {});
  });
  return { body: JSON.stringify(items), key: null };
}

function closed(spec: ClosedSpec): Promise<unknown> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        method: 'POST',
        connections: spec.connections,
        duration: spec.seconds,
        pipelining: 1,
        timeout: 30,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req: Record<string, unknown>) => {
              const { body, key } = request(spec.kind, spec.batchSize ?? 100, spec.keys);
              req.body = body;
              req.headers = { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) };
              return req;
            },
          },
        ],
      } as never,
      (error: Error | null, result: autocannon.Result) => {
        if (error) return reject(error);
        resolve({
          type: 'result',
          tool: 'autocannon',
          seconds: result.duration,
          requests: result.requests.total,
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: result.statusCodeStats,
          okPerSec: result['2xx'] / result.duration,
          latencyMs: { mean: result.latency.average, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
        });
      },
    );
  });
}

async function paced(spec: PacedSpec): Promise<unknown> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const interval = 1000 / spec.rate;
  const total = Math.round(spec.rate * spec.seconds);
  const maxInFlight = spec.maxInFlight ?? Math.max(1000, spec.connections * 8);
  const latency = new Samples();
  const corrected = new Samples();
  const statuses: Record<string, number> = {};
  let next = 0;
  let inFlight = 0;
  let ok = 0;
  let dropped = 0;
  let errors = 0;
  let lastDone = 0;
  const start = performance.now();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const fire = (due: number) => {
    if (inFlight >= maxInFlight) {
      dropped++;
      return;
    }
    inFlight++;
    const { body, key } = request(spec.kind, spec.batchSize ?? 100, spec.keys);
    const sent = performance.now();
    pool
      .request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body })
      .then(async (response) => {
        await response.body.dump();
        const done = performance.now();
        lastDone = done;
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        if (response.statusCode >= 200 && response.statusCode < 300) {
          ok++;
          latency.push(done - sent);
          corrected.push(done - due);
        }
      })
      .catch(() => errors++)
      .finally(() => {
        inFlight--;
        if (next >= total && inFlight === 0) finish();
      });
  };
  const tick = () => {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    while (next < due) fire(start + next++ * interval);
    if (next < total) setTimeout(tick, 1);
    else if (inFlight === 0) finish();
  };
  tick();
  const timeout = setTimeout(finish, (spec.seconds + 30) * 1000);
  await finished;
  clearTimeout(timeout);
  await pool.close().catch(() => undefined);
  const seconds = Math.max(spec.seconds, (lastDone - start) / 1000);
  return {
    type: 'result',
    tool: 'paced',
    offeredPerSec: spec.rate,
    seconds,
    requests: total,
    ok,
    dropped,
    errors,
    statusCodes: statuses,
    okPerSec: ok / seconds,
    latencyMs: summarise(latency.values()),
    correctedLatencyMs: summarise(corrected.values()),
  };
}

async function consoleQueries(spec: ConsoleSpec): Promise<unknown> {
  const pool = new Pool(spec.origin, { connections: 1, pipelining: 1 });
  const endpoints: Record<string, unknown> = {};
  for (const endpoint of spec.endpoints) {
    const samples = new Samples();
    const statuses: Record<string, number> = {};
    let bytes = 0;
    for (let i = 0; i < spec.warmup + spec.requests; i++) {
      const started = performance.now();
      const response = await pool.request({ path: endpoint.path, method: 'GET' });
      const text = await response.body.text();
      const elapsed = performance.now() - started;
      if (i < spec.warmup) continue;
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      bytes = text.length;
      samples.push(elapsed);
    }
    endpoints[endpoint.name] = { path: endpoint.path, statusCodes: statuses, responseBytes: bytes, latencyMs: summarise(samples.values()) };
  }
  await pool.close();
  return { type: 'result', tool: 'sequential', endpoints };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
  const cpuBefore = process.cpuUsage();
  const result = spec.mode === 'closed' ? await closed(spec) : spec.mode === 'paced' ? await paced(spec) : await consoleQueries(spec);
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(`${JSON.stringify({ ...(result as object), cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
