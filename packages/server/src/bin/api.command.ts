import { createApi } from '../surfaces/api/create-api.js';
import { closeOnSignals } from '../foundation/connections/shutdown.js';
import { type Command, parseOptions } from '../surfaces/cli/admin-cli.js';
import { APP_FILE_HELP, loadAppFile } from './app-file.js';

const USAGE = `Usage:
  switchyard api --app <file>
Runs Switchyard's HTTP API for the app: producers post events to it, the
console and operators read and triage through it. It validates events
against the app's catalog and routes them to its handlers' queues; it runs
no handler. Stateless: run as many as you like behind a load balancer.
  ${APP_FILE_HELP}
Reads DATABASE_URL, REDIS_URL, PORT (3000), HOST (0.0.0.0), AUTH_MODE (keys)
and the rest of the variables the README lists. SIGTERM or SIGINT stops it
cleanly.`;

/** `switchyard api`: the HTTP API for the app in `--app`, until a signal stops it. */
export const apiCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const values = parseOptions(argv, { usage: USAGE, options: { app: { type: 'string' } } });
    if (!values) return 0;
    const app = await loadAppFile(values.app ?? process.env.SWITCHYARD_APP);
    const api = await createApi({ app });
    closeOnSignals(api);
    const url = await api.listen();
    console.log(`Switchyard API listening on ${url} (OpenAPI at /docs)`);
    return null;
  },
};

