import type { AcceptedEvent } from '@switchyard/core/contracts';
import type { FaultTask } from '../fixtures/fault-events.js';
import type { FaultStack } from './fault-stack.js';

/** The task every POST sends, or a function that picks one per POST. */
export type TaskPlan = Partial<FaultTask> | (() => Partial<FaultTask>);

/** One answer to a POST during a fault. */
export interface IngestAnswer {
  at: number;
  status: number;
  retryAfter: string | null;
  event: AcceptedEvent | null;
  /** The request itself failed (connection refused, timeout): never acceptable. */
  error: string | null;
}

/** One answer to a POST during a fault, and which API it went to. */
export interface IngestAnswerFrom extends IngestAnswer {
  apiUrl: string;
}

/**
 * Producers posting tasks back to back, `concurrency` at a time, until
 * stopped: sustained ingest to run a fault under. Records every answer.
 * With `apiUrls`, each POST goes to the next API in turn, as a load balancer
 * would send it; a POST to an API that is down is answered by nobody (an
 * `error`), which loses nothing: only 202s are promises.
 */
export class IngestLoad {
  readonly answers: IngestAnswerFrom[] = [];
  private running = true;
  private readonly loops: Promise<void>[];
  private next = 0;
  private readonly apiUrls: string[];

  constructor(
    private readonly stack: FaultStack,
    { concurrency = 4, task = {}, pauseMs = 20, apiUrls = [stack.apiUrl] }: { concurrency?: number; task?: TaskPlan; pauseMs?: number; apiUrls?: string[] } = {},
  ) {
    this.apiUrls = apiUrls;
    this.loops = Array.from({ length: concurrency }, () => this.loop(task, pauseMs));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  accepted(): AcceptedEvent[] {
    return this.answers.flatMap((answer) => (answer.status === 202 && answer.event ? [answer.event] : []));
  }

  /** Answers that are neither a 202 nor a 503 with Retry-After. */
  unexpected(): IngestAnswerFrom[] {
    return this.answers.filter((answer) => !(answer.status === 202 || (answer.status === 503 && answer.retryAfter)));
  }

  /** Counts by status, for the test log: `{202: 480, 503: 12}`. */
  byStatus(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const answer of this.answers) counts[answer.error ? 'error' : answer.status] = (counts[answer.error ? 'error' : answer.status] ?? 0) + 1;
    return counts;
  }

  private async loop(task: TaskPlan, pauseMs: number): Promise<void> {
    while (this.running) {
      const at = Date.now();
      const apiUrl = this.apiUrls[this.next++ % this.apiUrls.length];
      try {
        const answer = await this.stack.postTask(typeof task === 'function' ? task() : task, {}, apiUrl);
        this.answers.push({
          apiUrl,
          at,
          status: answer.status,
          retryAfter: answer.headers.get('retry-after'),
          event: answer.status === 202 ? answer.body : null,
          error: null,
        });
      } catch (error) {
        this.answers.push({ apiUrl, at, status: 0, retryAfter: null, event: null, error: (error as Error).message });
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/**
 * Runs `fault` in the middle of sustained ingest: `leadMs` of load before it,
 * `tailMs` after it returns. Resolves with the load, stopped.
 */
export async function duringIngest(
  stack: FaultStack,
  fault: () => Promise<void>,
  { leadMs = 1_000, tailMs = 1_500, task = {} }: { leadMs?: number; tailMs?: number; task?: Partial<FaultTask> } = {},
): Promise<IngestLoad> {
  const load = new IngestLoad(stack, { task });
  try {
    await sleep(leadMs);
    await fault();
    await sleep(tailMs);
  } finally {
    await load.stop();
  }
  return load;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
