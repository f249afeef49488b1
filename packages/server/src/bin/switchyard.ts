#!/usr/bin/env node
// `switchyard <command>`: the one command of @switchyard/server. Each
// subcommand parses its own arguments; `switchyard <command> --help` prints
// its usage.
import type { Command } from '../surfaces/cli/admin-cli.js';

/** Each command is loaded when it runs: `--help` and `console` need none of Nest, BullMQ or Prisma. */
const COMMANDS: ReadonlyMap<string, { summary: string; load: () => Promise<Command> }> = new Map([
  ['api', { summary: 'run the HTTP API (routes from the route registry; no app)', load: async () => (await import('./api.command.js')).apiCommand }],
  ['worker', { summary: "run an app's handlers (--app <file> [--queues <queue,queue>])", load: async () => (await import('./worker.command.js')).workerCommand }],
  ['migrate', { summary: "create the database if needed and apply Switchyard's migrations", load: async () => (await import('../surfaces/cli/migrate.command.js')).migrateCommand }],
  ['keys', { summary: 'create, list and revoke API keys', load: async () => (await import('../surfaces/cli/keys.command.js')).keysCommand }],
  ['users', { summary: 'create, list, disable, re-role and unlock console users', load: async () => (await import('../surfaces/cli/users.command.js')).usersCommand }],
  ['console', { summary: 'serve the web console against an API (needs @switchyard/console)', load: async () => (await import('../surfaces/cli/console.command.js')).consoleCommand }],
]);

const USAGE = `Usage: switchyard <command> [options]

Commands:
${[...COMMANDS].map(([name, command]) => `  ${name.padEnd(9)}${command.summary}`).join('\n')}

switchyard <command> --help prints a command's options. Every command reads
its configuration from the environment (DATABASE_URL, REDIS_URL, …);
switchyard --version prints the version.`;

const [name, ...argv] = process.argv.slice(2);
if (name === '--help' || name === '-h' || name === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (name === '--version') {
  // dist/bin/ → the package's own manifest.
  console.log((require('../../package.json') as { version: string }).version);
  process.exit(0);
}
if (name === undefined) {
  console.error(`No command given.\n\n${USAGE}`);
  process.exit(2);
}
const entry = COMMANDS.get(name);
if (!entry) {
  console.error(`Unknown command "${name}".\n\n${USAGE}`);
  process.exit(2);
}
void (async () => {
  if (name === 'api' || name === 'worker') {
    (await import('./v8-flags.js')).keepWasmBaseline(); // before Prisma loads its Wasm
    await import('reflect-metadata'); // before the app's decorators run
  }
  const { runCommand } = await import('../surfaces/cli/admin-cli.js');
  runCommand(name, await entry.load(), argv);
})();
