import { ConfigError } from '../../foundation/config/core-config.js';

const USAGE = 'the worker takes --queues <queue,queue> (such as --queues images,search) and nothing else';

/**
 * A worker's command line on top of its environment, for an app's own
 * worker entry point: `--queues a,b` (or `--queues=a,b`) sets WORKER_QUEUES,
 * so one image runs any queue group with only its arguments changed (a
 * Deployment per group, `command:` in compose). Returns a new environment
 * for `createWorker({ env })`; anything else on the line throws a ConfigError.
 */
export function withWorkerArgs(env: Record<string, string | undefined>, args: string[]): Record<string, string | undefined> {
  const result = { ...env };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag !== '--queues') throw new ConfigError(`Unknown argument "${args[i]}"; ${USAGE}`);
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith('--') || value.trim() === '') {
      throw new ConfigError(`--queues needs a comma-separated list of queue names; ${USAGE}`);
    }
    result.WORKER_QUEUES = value;
  }
  return result;
}
