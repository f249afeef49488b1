import { commerceEnvSchema } from '@switchyard/example-shop';
import { apiEnvSchema } from '@switchyard/server/internal';
import { workerEnvSchema } from '@switchyard/server/internal';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The apps' and libs' own TypeScript (no specs, no generated client): what runs in production. */
function productionSources(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) {
        if (!['node_modules', 'dist', 'generated', '.next'].includes(name)) walk(path);
      } else if (/\.tsx?$/.test(name) && !/\.(e2e-)?spec\.ts$/.test(name)) found.push(path);
    }
  };
  for (const base of ['packages', 'examples']) for (const pkg of readdirSync(join(root, base))) if (statSync(join(root, base, pkg, 'src'), { throwIfNoEntry: false })) walk(`${base}/${pkg}/src`);
  return found;
}

/**
 * What would break behind PgBouncer in transaction mode, where each
 * transaction may run on a different server connection: state that outlives
 * a transaction. `allowed` lists the files that may, with the reason.
 */
const SESSION_STATE: Array<{ what: string; pattern: RegExp; allowed: string[] }> = [
  // Migrations connect to DATABASE_DIRECT_URL, Postgres itself.
  { what: 'a session advisory lock', pattern: /pg_(try_)?advisory_lock(_shared)?\s*\(/i, allowed: ['packages/server/src/db/migrations.ts'] },
  // A statement that starts with SET (in '…' or `…`: SQL's own double quotes name identifiers, as in UPDATE "t" SET).
  { what: 'a session SET or RESET', pattern: /[`']\s*(SET|RESET)\s+(?!LOCAL\b|TRANSACTION\b|CONSTRAINTS\b)[a-z_]+/i, allowed: [] },
  { what: 'a session-wide set_config', pattern: /set_config\s*\([^)]*,\s*false\s*\)/i, allowed: [] },
  { what: 'LISTEN/NOTIFY', pattern: /[`']\s*(UN)?LISTEN\s|pg_notify\s*\(|[`']\s*NOTIFY\s/i, allowed: [] },
  { what: 'a temporary table', pattern: /CREATE\s+(GLOBAL\s+|LOCAL\s+)?TEMP(ORARY)?\s+TABLE/i, allowed: [] },
  { what: 'a cursor', pattern: /DECLARE\s+\w+\s+(BINARY\s+)?(INSENSITIVE\s+)?(NO\s+)?(SCROLL\s+)?CURSOR/i, allowed: [] },
  // PgPool.prepared sends it unnamed when DATABASE_PREPARED_STATEMENTS=false.
  { what: 'a named prepared statement', pattern: /\.query(<[^>]*>)?\(\s*\{\s*name\s*[:,]/, allowed: ['packages/server/src/db/pg-pool.ts'] },
];

describe('what the repository promises its users', () => {
  it('.env.example documents every variable the apps read', () => {
    const documented = new Set([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    const read_ = new Set([...Object.keys(apiEnvSchema.shape), ...Object.keys(workerEnvSchema.shape), ...Object.keys(commerceEnvSchema.shape)]);
    assert.deepEqual([...read_].filter((name) => !documented.has(name)), [], 'variables missing from .env.example');
    assert.deepEqual(
      // TEST_* are read by the test helpers; the console reads its four in packages/console and scripts/start.mjs;
      // the migration CLI (no app config) reads DATABASE_DIRECT_URL; `switchyard api|worker` SWITCHYARD_APP.
      [...documented].filter(
        (name) =>
          !read_.has(name) &&
          !name.startsWith('TEST_') &&
          !['SWITCHYARD_API_URL', 'SWITCHYARD_API_KEY', 'CONSOLE_PORT', 'CONSOLE_SECURE_COOKIE', 'DATABASE_DIRECT_URL', 'SWITCHYARD_APP'].includes(name),
      ),
      [],
      'variables in .env.example that nothing reads',
    );
  });

  it('docker-compose.yml runs Redis safely for BullMQ and scales workers', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { command?: string[]; deploy?: { replicas?: number }; ports?: string[]; depends_on?: Record<string, unknown> }>;
    };
    const redis = compose.services.redis.command!.join(' ');
    assert.match(redis, /--maxmemory-policy noeviction/);
    assert.match(redis, /--appendonly yes/);
    assert.ok(compose.services.postgres);
    assert.deepEqual(compose.services.api.ports, ['127.0.0.1:3000:3000']);
    assert.ok((compose.services.worker.deploy?.replicas ?? 0) >= 2);
    for (const app of ['api', 'worker']) assert.ok(compose.services[app].depends_on?.migrate, `${app} waits for migrations`);
    assert.deepEqual(compose.services.console.ports, ['127.0.0.1:3001:3001']);
    assert.ok(compose.services.console.depends_on?.api, 'the console waits for the API');
  });

  it('production code keeps no session state in Postgres, so it runs behind PgBouncer in transaction mode', () => {
    const sources = productionSources();
    assert.ok(sources.includes('packages/server/src/pipeline/outbox/outbox-relay.ts'), 'the scan sees the sources');
    const found = sources.flatMap((path) =>
      SESSION_STATE.filter(({ pattern, allowed }) => !allowed.includes(path) && pattern.test(read(path))).map(({ what }) => `${path}: ${what}`),
    );
    assert.deepEqual(found, [], 'session state (docs/deploy.md, "Postgres: PgBouncer and read replicas")');
  });

  it('the README opens with the two commands: start and test', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(read('README.md'))![1];
    assert.match(firstBlock, /^npm start\b/m);
    assert.match(firstBlock, /^npm test\b/m);
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    assert.ok(scripts.start && scripts.test);
    assert.match(read('.ci/run'), /npm test/);
  });
});
