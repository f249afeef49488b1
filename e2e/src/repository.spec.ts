import { apiEnvSchema } from '@switchyard/api';
import { workerEnvSchema } from '@switchyard/worker';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('what the repository promises its users', () => {
  it('.env.example documents every variable the apps read', () => {
    const documented = new Set([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    const read_ = new Set([...Object.keys(apiEnvSchema.shape), ...Object.keys(workerEnvSchema.shape)]);
    assert.deepEqual([...read_].filter((name) => !documented.has(name)), [], 'variables missing from .env.example');
    assert.deepEqual(
      // TEST_* are read by the test helpers; the console reads its four in apps/console and scripts/start.mjs;
      // the migration CLI (libs/db, no app config) reads DATABASE_DIRECT_URL.
      [...documented].filter(
        (name) =>
          !read_.has(name) &&
          !name.startsWith('TEST_') &&
          !['SWITCHYARD_API_URL', 'SWITCHYARD_API_KEY', 'CONSOLE_PORT', 'CONSOLE_SECURE_COOKIE', 'DATABASE_DIRECT_URL'].includes(name),
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

  it('the README opens with the two commands: start and test', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(read('README.md'))![1];
    assert.match(firstBlock, /^npm start\b/m);
    assert.match(firstBlock, /^npm test\b/m);
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    assert.ok(scripts.start && scripts.test);
    assert.match(read('.ci/run'), /npm test/);
  });
});
