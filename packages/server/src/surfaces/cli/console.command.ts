import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from './admin-cli.js';

const CONSOLE_PACKAGE = '@switchyard/console';
const CONSOLE_BIN = 'switchyard-console';

const USAGE = `Usage:
  switchyard console [--api-url <url>] [--port <port>] [--hostname <host>]
Serves Switchyard's web console against the API at --api-url (default
SWITCHYARD_API_URL). The console is its own package, ${CONSOLE_PACKAGE}, with
its own command, ${CONSOLE_BIN}: this runs it when it is installed
(npm install ${CONSOLE_PACKAGE}); ${CONSOLE_BIN} --help lists its options.`;

/** Where the installed console's command is: beside the app first, then beside this package. */
function consoleBin(): string | null {
  let manifest: string;
  try {
    manifest = require.resolve(`${CONSOLE_PACKAGE}/package.json`, { paths: [process.cwd(), __dirname] });
  } catch {
    return null;
  }
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> };
  return bin?.[CONSOLE_BIN] ? join(dirname(manifest), bin[CONSOLE_BIN]) : null;
}

/** `switchyard console`: hands over to the console package's own command, passing every argument and signal on. */
export const consoleCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const bin = consoleBin();
    if (!bin) {
      if (argv.includes('--help')) {
        console.log(USAGE);
        return 0;
      }
      console.error(`The console is not installed: it is its own package. Install it beside the app with npm install ${CONSOLE_PACKAGE}, then run switchyard console --api-url <the API's URL> again.`);
      return 1;
    }
    const child = spawn(process.execPath, [bin, ...argv], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  },
};
