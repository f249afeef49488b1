import { createWorker } from '../surfaces/worker/create-worker.js';
import { closeOnSignals } from '../foundation/connections/shutdown.js';
import { type Command, parseOptions, UsageError } from '../surfaces/cli/admin-cli.js';
import { APP_FILE_HELP, loadAppFile } from './app-file.js';

const USAGE = `Usage:
  switchyard worker --app <file> [--queues <queue,queue>]
Runs the app's handlers: takes their jobs from Redis, retries failures and
keeps the final ones as dead letters. Run as many as you like; each job runs
on one of them.
  ${APP_FILE_HELP}
  --queues       only these queues (default WORKER_QUEUES, or every queue of
                 the app's handlers), so one build serves every queue group
Reads DATABASE_URL, REDIS_URL, METRICS_PORT (9464: /metrics and the health
probes) and the rest of the variables the README lists. SIGTERM or SIGINT
lets jobs in flight finish (WORKER_SHUTDOWN_GRACE_MS) and stops it.`;

/** `switchyard worker`: runs the handlers of the app in `--app`, until a signal stops it. */
export const workerCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const values = parseOptions(argv, { usage: USAGE, options: { app: { type: 'string' }, queues: { type: 'string' } } });
    if (!values) return 0;
    let queues: string[] | undefined;
    if (values.queues !== undefined) {
      queues = values.queues.split(',').map((name) => name.trim()).filter(Boolean);
      if (queues.length === 0) throw new UsageError('--queues needs a comma-separated list of queue names, such as --queues images,search');
    }
    const app = await loadAppFile(values.app ?? process.env.SWITCHYARD_APP);
    const worker = await createWorker({ app, queues });
    // SIGTERM/SIGINT: stop taking jobs, let in-flight ones finish (WORKER_SHUTDOWN_GRACE_MS), close connections.
    closeOnSignals(worker);
    await worker.init();
    console.log(`Switchyard worker ${worker.config.switchyard.worker.id} ready`);
    return null;
  },
};

