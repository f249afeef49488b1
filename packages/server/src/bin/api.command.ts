import { createApi } from '../surfaces/api/create-api.js';
import { closeOnSignals } from '../foundation/connections/shutdown.js';
import { type Command, parseOptions, UsageError } from '../surfaces/cli/admin-cli.js';

const USAGE = `Usage:
  switchyard api
Runs Switchyard's HTTP API: producers post events to it, the console and
operators read and triage through it. It loads no app: it validates events
and routes them to handlers' queues from the route registry, which workers
fill as they start (\`switchyard worker --app <file>\`); a handler a new
worker brings gets its events within ROUTES_REFRESH_MS, with no restart.
Stateless: run as many as you like behind a load balancer.
Reads DATABASE_URL, REDIS_URL, PORT (3000), HOST (0.0.0.0), AUTH_MODE (keys)
and the rest of the variables the README lists. SIGTERM or SIGINT stops it
cleanly.`;

/** `switchyard api`: the HTTP API, until a signal stops it. */
export const apiCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const values = parseOptions(argv, { usage: USAGE, options: { app: { type: 'string' } } });
    if (!values) return 0;
    if (values.app !== undefined) {
      throw new UsageError('switchyard api takes no --app: the API routes from the route registry, which workers fill as they start. Give --app to `switchyard worker`.');
    }
    const api = await createApi();
    closeOnSignals(api);
    const url = await api.listen();
    console.log(`Switchyard API listening on ${url} (OpenAPI at /docs)`);
    return null;
  },
};

