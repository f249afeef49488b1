import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const bin = join(__dirname, 'switchyard.js');

/** Runs the bin with no database or Redis reachable: none of these cases may need one. */
function switchyard(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' },
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the switchyard command', () => {
  it('lists its commands on --help and exits 0', () => {
    const help = switchyard('--help');
    assert.equal(help.code, 0);
    for (const command of ['api', 'worker', 'migrate', 'keys', 'users', 'console']) assert.match(help.stdout, new RegExp(`^  ${command} +\\S`, 'm'));
    assert.match(switchyard('--version').stdout, /^\d+\.\d+\.\d+/);
  });

  it('prints each command usage on --help, exit 0', () => {
    for (const [command, usage] of [
      ['api', /switchyard api\n/],
      ['worker', /switchyard worker --app <file> \[--queues <queue,queue>\]/],
      ['migrate', /switchyard migrate \[--guard-only\]\n/],
      ['keys', /switchyard keys create --name <name>/],
      ['users', /switchyard users create --username <name>/],
      ['console', /\[--api-url <url>\]/],
    ] as const) {
      const run = switchyard(command, '--help');
      assert.equal(run.code, 0, `${command}: ${run.stderr}`);
      assert.match(run.stdout, usage, command);
    }
  });

  it('refuses an unknown or missing command, and unknown options, with exit 2 and the usage', () => {
    const unknown = switchyard('deploy');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "deploy"[\s\S]*Usage: switchyard <command>/);
    assert.equal(switchyard().code, 2);
    const option = switchyard('worker', '--app', 'x.js', '--queue', 'images');
    assert.equal(option.code, 2);
    assert.match(option.stderr, /Unknown option '--queue'[\s\S]*switchyard worker --app <file>/);
    const emptyQueues = switchyard('worker', '--app', 'x.js', '--queues', ',');
    assert.equal(emptyQueues.code, 2);
    assert.match(emptyQueues.stderr, /--queues needs a comma-separated list of queue names/);
  });

  it('asks a worker for the app before touching Redis or Postgres, names a missing file, and takes none for the API', () => {
    const noApp = switchyard('worker');
    assert.equal(noApp.code, 1);
    assert.match(noApp.stderr, /Which app\? Give the compiled file exporting its root module: --app/);
    assert.doesNotMatch(noApp.stderr, /^\s+at /m, 'a message, not a stack trace');
    const apiWithApp = switchyard('api', '--app', 'dist/app.module.js');
    assert.equal(apiWithApp.code, 2);
    assert.match(apiWithApp.stderr, /switchyard api takes no --app: the API routes from the route registry, which workers fill as they start/);
    const missing = switchyard('worker', '--app', 'dist/nowhere.js');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--app dist\/nowhere\.js: no such file/);
  });
});
