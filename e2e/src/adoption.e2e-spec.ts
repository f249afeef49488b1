// A team adopts Switchyard the way the README says: `npm install` of the
// packages (packed here as `npm publish` would upload them), a few files of
// its own, `switchyard migrate`, then `switchyard api` and `switchyard
// worker` from node_modules/.bin, in a folder outside this repository. It
// proves the tarballs install and run on their own: declarations, bins,
// migrations and the prebuilt Prisma client and console included.
import type { DeadLetterPage, EventLineage } from '@switchyard/core/contracts';
import { deleteKeysUnder, freePort, type RunningProcess, runNode, testRedisUrl, uniqueQueuePrefix, waitFor, waitForOutput } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { probePackages, writeAdoptionApp } from './support/adoption-app.js';

/** What the producer prints: @switchyard/client's answer to a send. */
interface SentEvent {
  eventId: string;
  type: string;
  replayed: boolean;
}

const root = join(__dirname, '..', '..');
const manifest = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));

/** Runs a command to its end; fails with its output otherwise. Returns its stdout and how long it took. */
function run(label: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { stdout: string; ms: number } {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) assert.fail(`${label} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return { stdout: result.stdout, ms: Date.now() - started };
}

describe('a team adopts Switchyard from its npm packages', () => {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-adoption-'));
  const app = join(work, 'greetings');
  const database = `switchyard_adopt_${process.pid}`;
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${database}`;
  const queuePrefix = uniqueQueuePrefix('adopt');
  const running: RunningProcess[] = [];
  const timings: string[] = [];
  let env: Record<string, string>;
  let apiUrl: string;
  let token: string;
  const bin = join(app, 'node_modules', '.bin', 'switchyard');
  const switchyard = (args: string[], extra: Record<string, string> = {}) => {
    const started = runNode(bin, { ...env, ...extra }, args, app);
    running.push(started);
    return started;
  };
  const api = (path: string) => fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  /** Sends a greeting with the app's producer (@switchyard/client), as the team's own code would. */
  const sendGreeting = async (...args: string[]) => {
    const producer = runNode(join(app, 'dist', 'send-greeting.js'), { SWITCHYARD_API_URL: apiUrl, SWITCHYARD_API_KEY: token }, args, app);
    const { code } = await producer.exited;
    assert.equal(code, 0, producer.output());
    return JSON.parse(producer.output()) as SentEvent;
  };

  before(
    async () => {
      const tarballs = join(work, 'tarballs');
      mkdirSync(tarballs);
      const packed = run('npm run pack', process.execPath, [join(root, 'scripts', 'pack.mjs'), '--out', tarballs, '--no-build'], root);
      const paths = packed.stdout.trim().split('\n');
      timings.push(`pack ${(packed.ms / 1000).toFixed(1)} s (${paths.map((path) => basename(path)).join(', ')})`);
      const server = manifest('packages/server');
      writeAdoptionApp(app, {
        switchyard: Object.fromEntries(paths.map((path) => [`@switchyard/${basename(path).replace(/^switchyard-(.*)-\d+\.\d+\.\d+.*\.tgz$/, '$1')}`, path])),
        nestCommon: server.dependencies['@nestjs/common'],
        reflectMetadata: server.dependencies['reflect-metadata'],
        zod: server.dependencies.zod,
        typescript: manifest('.').devDependencies.typescript,
        typesNode: manifest('.').devDependencies['@types/node'],
      });
      const install = run('npm install', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
      timings.push(`npm install ${(install.ms / 1000).toFixed(1)} s`);
      const build = run('npm run build (tsc)', 'npm', ['run', 'build', '--silent'], app);
      timings.push(`tsc ${(build.ms / 1000).toFixed(1)} s`);
      probePackages(app);

      env = {
        DATABASE_URL: databaseUrl,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: queuePrefix,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(await freePort()),
        WORKER_ID: `adoption-${process.pid}`,
        LOG_LEVEL: 'warn',
        HOME: process.env.HOME ?? tmpdir(),
      };
      const migrate = switchyard(['migrate']);
      assert.equal((await migrate.exited).code, 0, migrate.output());
      // The app's own table, by the app's own migration tool (here: its SQL file, applied as is).
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(readFileSync(join(app, 'db', 'schema.sql'), 'utf8')).finally(() => client.end());
      const keys = switchyard(['keys', 'create', '--name', 'greetings', '--scopes', 'admin']);
      assert.equal((await keys.exited).code, 0, keys.output());
      token = /^(sy_\S+)$/m.exec(keys.output())![1];

      const started = Date.now();
      // The API loads no app: it routes from what the worker registers.
      const apiProcess = switchyard(['api']);
      const worker = switchyard(['worker', '--app', 'dist/app.module.js']);
      await waitForOutput(apiProcess, /Switchyard API listening on http:\/\/\S+/, 'the API to listen', 60_000);
      await waitForOutput(worker, /Switchyard worker \S+ ready/, 'the worker to be ready', 60_000);
      apiUrl = /Switchyard API listening on (http:\/\/\S+)/.exec(apiProcess.output())![1];
      await waitFor('the API to route to the worker\'s handler', async () => JSON.stringify(await (await api('/v1/routes')).json()).includes('"greetings.record"'), { timeoutMs: 10_000 });
      timings.push(`api and worker up ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`adoption: ${timings.join('; ')}`);
    },
    { timeout: 600_000 },
  );

  after(async () => {
    for (const process_ of running) if (process_.child.exitCode === null) process_.child.kill('SIGTERM');
    await Promise.all(running.map((process_) => process_.exited));
    await deleteKeysUnder({ redisUrl: testRedisUrl() }, queuePrefix);
    const client = new Client({ connectionString: databaseUrl.replace(`/${database}`, '/postgres') });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => client.end());
    rmSync(work, { recursive: true, force: true });
  });

  it('runs its handler on its own table, once, and shows the job completed in the API', { timeout: 60_000 }, async () => {
    const accepted = await sendGreeting('Ada');
    assert.equal(accepted.replayed, false);
    const lineage = await waitFor(
      'the greeting job to complete',
      async () => {
        const body = (await (await api(`/v1/events/${accepted.eventId}`)).json()) as EventLineage;
        return body.jobs.every((job) => job.state === 'completed') && body;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.deepEqual(lineage.jobs.map((job) => [job.handler, job.queue, job.state]), [['greetings.record', 'greetings', 'completed']]);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query('SELECT event_id, name FROM greetings').finally(() => client.end());
    assert.deepEqual(rows, [{ event_id: accepted.eventId, name: 'Ada' }]);
  });

  it('keeps a job whose handler throws a NonRetryableError as a dead letter', { timeout: 60_000 }, async () => {
    const accepted = await sendGreeting('Bob', '--fail');
    const letter = await waitFor(
      'the dead letter',
      async () => ((await (await api('/v1/dead-letters')).json()) as DeadLetterPage).items.find((item) => item.eventId === accepted.eventId),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.equal(letter.handler, 'greetings.record');
    assert.equal(letter.errorName, 'NonRetryableError');
    assert.equal(letter.attemptsMade, 1, 'no retries');
    assert.match(letter.errorMessage, /asked to fail/);
  });

  it("serves the console from its package, against the app's API", { timeout: 60_000 }, async () => {
    const port = await freePort();
    switchyard(['console', '--api-url', apiUrl, '--port', String(port), '--hostname', '127.0.0.1'], { SWITCHYARD_API_KEY: token });
    const consoleUrl = `http://127.0.0.1:${port}`;
    await waitFor('the console to answer', async () => (await fetch(`${consoleUrl}/sign-in`).catch(() => null))?.status === 200, { timeoutMs: 45_000 });
    const home = await fetch(consoleUrl, { redirect: 'manual' });
    assert.equal(home.status, 307, 'signed out: sent to sign in');
    assert.match(home.headers.get('location') ?? '', /\/sign-in/);
  });
});
