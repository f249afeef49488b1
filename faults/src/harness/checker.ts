import type { AcceptedEvent } from '@switchyard/core/contracts';
import { waitFor } from '@switchyard/testing';
import type { FaultStack } from './fault-stack.js';

/** What the checker found once the queues drained. */
export interface Verdict {
  /** Jobs of accepted events: each must end as one effect or one dead letter. */
  expectedJobs: number;
  /** Accepted jobs with neither an effect nor a dead letter (must be 0). */
  lost: string[];
  /** Effects applied more than once (must be 0). */
  duplicatedEffects: number;
  /** Dead letters per job id. */
  deadLetters: Map<string, number>;
  /** How many times each job ran: executions → number of jobs. */
  executionsHistogram: Record<number, number>;
  maxExecutions: number;
  /** Jobs that ran more often than attempts + max stalled count (must be none). */
  overBudget: Array<{ jobId: string; executions: number; budget: number }>;
}

/** The expected (event, handler) jobs of the events answered 202. */
export function acceptedJobs(accepted: AcceptedEvent[]): Array<{ eventId: string; jobId: string; handler: string }> {
  return accepted.flatMap((event) => event.jobs.map((job) => ({ eventId: event.eventId, jobId: job.id, handler: job.handler })));
}

/**
 * Waits until every job of `accepted` has applied its effect or become a dead
 * letter, then a little longer for stragglers (a duplicate run finishing late).
 */
export async function waitForDrain(stack: FaultStack, accepted: AcceptedEvent[], timeoutMs = 60_000): Promise<void> {
  const jobs = acceptedJobs(accepted);
  await waitFor(
    `${jobs.length} jobs to apply their effect or become dead letters`,
    async () => {
      const [row] = await stack.query<{ settled: number }>(
        `SELECT count(*)::int AS settled FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, handler text)
         WHERE EXISTS (SELECT 1 FROM effects e WHERE e.event_id = x.event_id AND e.handler = x.handler)
            OR EXISTS (SELECT 1 FROM switchyard.dead_letters d WHERE d.event_id = x.event_id AND d.handler = x.handler)`,
        [JSON.stringify(jobs.map((job) => ({ event_id: job.eventId, handler: job.handler })))],
      );
      return row.settled === jobs.length || undefined;
    },
    { timeoutMs, intervalMs: 200 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${stack.output()}`);
  });
}

/**
 * Counts, over the scenario's database: accepted-but-lost jobs, duplicated
 * effects, dead letters, and executions per job against the budget BullMQ
 * allows (attempts + max stalled count). `onlyAccepted` counts dead letters
 * and executions of the accepted events' jobs (redrives included) only, for
 * scenarios that share a database.
 */
export async function check(stack: FaultStack, accepted: AcceptedEvent[], maxStalledCount: number, { onlyAccepted = false } = {}): Promise<Verdict> {
  const jobs = acceptedJobs(accepted);
  const lost = await stack.query<{ job_id: string }>(
    `SELECT x.job_id FROM jsonb_to_recordset($1::jsonb) AS x(job_id text, event_id uuid, handler text)
     WHERE NOT EXISTS (SELECT 1 FROM effects e WHERE e.event_id = x.event_id AND e.handler = x.handler)
       AND NOT EXISTS (SELECT 1 FROM switchyard.dead_letters d WHERE d.event_id = x.event_id AND d.handler = x.handler)`,
    [JSON.stringify(jobs.map((job) => ({ job_id: job.jobId, event_id: job.eventId, handler: job.handler })))],
  );
  const [{ duplicated }] = await stack.query<{ duplicated: number }>('SELECT count(*)::int AS duplicated FROM effects WHERE applied > 1');
  const scope = onlyAccepted ? accepted.map((event) => event.eventId) : null;
  const letters = await stack.query<{ job_id: string; n: number }>(
    'SELECT job_id, count(*)::int AS n FROM switchyard.dead_letters WHERE $1::uuid[] IS NULL OR event_id = ANY($1::uuid[]) GROUP BY job_id',
    [scope],
  );
  const runs = await stack.query<{ job_id: string; executions: number; attempts: number | null }>(
    `SELECT x.job_id, x.executions, j.attempts
     FROM (SELECT job_id, count(*)::int AS executions FROM executions WHERE $1::uuid[] IS NULL OR event_id = ANY($1::uuid[]) GROUP BY job_id) x
     LEFT JOIN switchyard.jobs j ON j.id = x.job_id`,
    [scope],
  );
  const executionsHistogram: Record<number, number> = {};
  const overBudget: Verdict['overBudget'] = [];
  for (const run of runs) {
    executionsHistogram[run.executions] = (executionsHistogram[run.executions] ?? 0) + 1;
    const budget = (run.attempts ?? 1) + maxStalledCount;
    if (run.executions > budget) overBudget.push({ jobId: run.job_id, executions: run.executions, budget });
  }
  return {
    expectedJobs: jobs.length,
    lost: lost.map((row) => row.job_id),
    duplicatedEffects: duplicated,
    deadLetters: new Map(letters.map((row) => [row.job_id, row.n])),
    executionsHistogram,
    maxExecutions: Math.max(0, ...runs.map((run) => run.executions)),
    overBudget,
  };
}

/** One line for the test log and docs/reliability.md. */
export function describeVerdict(verdict: Verdict): string {
  const histogram = Object.entries(verdict.executionsHistogram).map(([runs, jobs]) => `${jobs}×${runs}`).join(' ');
  return `${verdict.expectedJobs} jobs: lost ${verdict.lost.length}, duplicated effects ${verdict.duplicatedEffects}, dead letters ${verdict.deadLetters.size}, executions per job ${histogram} (max ${verdict.maxExecutions}), over budget ${verdict.overBudget.length}`;
}
