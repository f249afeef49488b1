#!/usr/bin/env node
// `switchyard-console`: serves this package's prebuilt console (`next start`
// on the .next build it ships) against a Switchyard API. `switchyard console`
// of @switchyard/server runs this when the package is installed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = `Usage:
  switchyard-console [--api-url <url>] [--port <port>] [--hostname <host>]
Serves Switchyard's web console: queues, lag, events, dead-letter triage,
schedules, API keys and console users. The console talks to the Switchyard
API only, never to Redis or Postgres.
  --api-url    the API (default SWITCHYARD_API_URL, else http://127.0.0.1:3000)
  --port       where the console listens (default CONSOLE_PORT, else 3001)
  --hostname   the address it binds (default 0.0.0.0)
Reads SWITCHYARD_API_KEY, an admin key the console signs people in with
(switchyard keys create --name console --scopes admin; unset when the API runs
with AUTH_MODE=off), and CONSOLE_SECURE_COOKIE=true when served over https.
People sign in as console users (switchyard users create).`;

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message, code) {
  console.error(message);
  process.exit(code);
}

let values;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { 'api-url': { type: 'string' }, port: { type: 'string' }, hostname: { type: 'string' }, help: { type: 'boolean' } },
  }));
} catch (error) {
  fail(`${error.message}\n\n${USAGE}`, 2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const apiUrl = values['api-url'] ?? process.env.SWITCHYARD_API_URL ?? 'http://127.0.0.1:3000';
let parsed = null;
try {
  parsed = new URL(apiUrl);
} catch {}
if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) fail(`--api-url must be an http(s) URL such as http://127.0.0.1:3000; got ${JSON.stringify(apiUrl)}`, 2);
const port = values.port ?? process.env.CONSOLE_PORT ?? '3001';
if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) fail(`--port must be a port number; got ${JSON.stringify(port)}`, 2);
const hostname = values.hostname ?? '0.0.0.0';

if (!existsSync(join(packageDir, '.next', 'BUILD_ID'))) {
  fail(`This copy of @switchyard/console has no build (${join(packageDir, '.next')}). In the Switchyard repository, build it with npm run build -w @switchyard/console.`, 1);
}

const next = createRequire(import.meta.url).resolve('next/dist/bin/next');
const child = spawn(process.execPath, [next, 'start', packageDir, '--port', port, '--hostname', hostname], {
  stdio: 'inherit',
  env: { ...process.env, SWITCHYARD_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? '1' },
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
