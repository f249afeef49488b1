// The Postgres ceiling: how many events per second this Postgres stores when
// nothing else runs, no HTTP, no Node. pgbench runs one transaction per event
// that writes what Switchyard's ingest writes into its own tables (the real
// `switchyard.events` and `switchyard.jobs`, every index), rows the size of
// the benchmark's: the event (~0.5 KB of data) and its three outbox rows.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FANOUT_QUEUES } from '../catalog.js';
import type { Context } from '../harness.js';
import { orderData } from '../payload.js';
import { round } from '../stats.js';

/** The handlers of the fan-out, as Switchyard names them (catalog.ts), with their queues. */
const HANDLERS = FANOUT_QUEUES.map((queue) => [`bench.noop-${queue.slice(-1)}`, queue]);

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * A JSON document as an SQL literal for a pgbench script. pgbench reads
 * `:name` as a variable even inside string literals (`"quantity":2`,
 * `"duplicate":false`), and a statement with one it does not know fails to
 * prepare; a space after each key's colon keeps it JSON and leaves nothing
 * for pgbench to take.
 */
/** The benchmark's source, `urn:bench:checkout`, spelled without a colon pgbench would read as a variable. */
const SOURCE = "concat_ws(chr(58), 'urn', 'bench', 'checkout')";

const jsonLiteral = (value: unknown) => quote(JSON.stringify(value).replace(/":/g, '": '));

/**
 * One pgbench transaction, one statement (as Switchyard's append is): a
 * uuidv7-like id (time-ordered, as ours), the event with the Idempotency-Key
 * as source_event_id (as ours stores it), the three jobs with ids
 * `<event>.<handler>`, 3 attempts and the publisher's backoff, unpublished.
 * With `idempotencyKey`, it also claims the key in switchyard.idempotency_keys
 * with a response the size of ours, as our ingest does with a key.
 */
function script(idempotencyKey: boolean): string {
  const data = jsonLiteral(orderData('pg-__N__', 1_796_654_172_048));
  const response = jsonLiteral({
    eventId: '__ID__',
    type: 'order.placed',
    jobs: HANDLERS.map(([handler, queue]) => ({ id: `__ID__.${handler}`, queue, handler })),
    duplicate: false,
  });
  const handlers = HANDLERS.map(([handler, queue]) => `(${quote(handler)}, ${quote(queue)})`).join(', ');
  const id = `(lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid`;
  const claim = idempotencyKey
    ? `claimed AS (
  INSERT INTO switchyard.idempotency_keys (key, request_hash, event_id, response, expires_at)
  SELECT 'key:' || k.key, md5(k.key) || md5(k.key::text || 'x'), n.id, replace(${response}, '__ID__', n.id::text)::jsonb, now() + interval '24 hours'
  FROM new n, k
  ON CONFLICT (key) DO NOTHING
  RETURNING event_id AS id
), `
    : '';
  return `\\set n random(1, 1000000000000)
WITH k AS (SELECT 'bench-pgbench-' || (:client_id)::text || '-' || (:n)::text AS key),
new AS (SELECT ${id} AS id),
${claim}e AS (
  INSERT INTO switchyard.events (id, type, source, source_event_id, subject, format, data, received_at, correlation_id)
  SELECT n.id, 'order.placed', ${SOURCE}, k.key, 'ord_pg-' || (:n)::text, 'json', replace(${data}, '__N__', (:n)::text)::jsonb, now(), n.id::text
  FROM ${idempotencyKey ? 'claimed' : 'new'} n, k
  RETURNING id
)
INSERT INTO switchyard.jobs (id, event_id, handler, queue, attempts, backoff, created_at)
SELECT e.id::text || '.' || h.handler, e.id, h.handler, h.queue, 3, '{"type": "exponential", "delay": 1000, "jitter": 0.5}'::jsonb, now()
FROM e CROSS JOIN (VALUES ${handlers}) AS h(handler, queue);
`;
}

export interface CeilingRun {
  clients: number;
  threads: number;
  seconds: number;
  /** Transactions per second = events per second (three jobs each). */
  eventsPerSec: number;
  jobsPerSec: number;
  transactions: number;
  failed: number;
  latencyAverageMs: number | null;
  /** Rows in switchyard.events afterwards: should equal `transactions`. */
  eventsStored: number;
}

export type CeilingResult = CeilingRun | { error: string };

/** Runs pgbench; resolves with its output, or rejects with what it said. */
function pgbench(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`pgbench exited with ${code}: ${output.slice(-2000)}`))));
  });
}

const field = (output: string, pattern: RegExp) => {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : null;
};

/**
 * pgbench for `seconds` with `clients` connections (prepared statements, as
 * ours), on Switchyard's tables of the benchmark's database, emptied before
 * and after. A run that cannot happen (no pgbench) answers why instead.
 */
export async function postgresCeiling(ctx: Context, clients: number, seconds: number, { idempotencyKey = false } = {}): Promise<CeilingResult> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-ceiling-'));
  const file = join(dir, idempotencyKey ? 'event-jobs-key.sql' : 'event-jobs.sql');
  try {
    await writeFile(file, script(idempotencyKey));
    await ctx.truncate();
    const threads = Math.min(clients, cpus().length);
    let output: string;
    try {
      output = await pgbench(ctx.options.pgbench, ['--no-vacuum', '--protocol=prepared', `--file=${file}`, `--client=${clients}`, `--jobs=${threads}`, `--time=${seconds}`, ctx.options.databaseUrl]);
    } catch (error) {
      const message = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `pgbench not found (${ctx.options.pgbench}; install PostgreSQL's server package or pass --pgbench PATH)` : (error as Error).message;
      ctx.log(`   pgbench, ${clients} clients: not measured: ${message.split('\n')[0]}`);
      return { error: message };
    }
    const transactions = field(output, /number of transactions actually processed: (\d+)/) ?? 0;
    const tps = field(output, /tps = ([\d.]+) \(without initial connection time\)/) ?? 0;
    const eventsStored = await ctx.count('SELECT count(*) AS n FROM switchyard.events');
    return {
      clients,
      threads,
      seconds,
      eventsPerSec: round(tps),
      jobsPerSec: round(tps * 3),
      transactions,
      failed: field(output, /number of failed transactions: (\d+)/) ?? 0,
      latencyAverageMs: field(output, /latency average = ([\d.]+) ms/),
      eventsStored,
    };
  } finally {
    await ctx.truncate().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
