import { coreEnvSchema } from '@switchyard/server/internal';
import Ajv from 'ajv';
import { DCLinter } from 'dclint';
import { DockerfileParser } from 'dockerfile-ast';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { durationSeconds, readRepoFile, root } from './deploy-files.js';

interface Service {
  build?: { context: string; dockerfile: string; target: string };
  container_name?: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test?: string[]; disable?: boolean };
  stop_grace_period?: string;
  deploy?: { replicas?: number };
}

const compose = () => parse(readRepoFile('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };

// The Compose Specification's JSON schema as dclint ships it (compose-spec/compose-spec,
// schema/compose-spec.json, Apache-2.0); its package exports no path to it, so it is read from disk.
const composeSchema = () => JSON.parse(readFileSync(join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;

function validator() {
  const { $schema: _draft, ...schema } = composeSchema();
  // Formats the schema names but JSON Schema does not define; duration is the one we rely on.
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { duration: /^(\d+(\.\d+)?(us|ms|s|m|h))+$/, ports: true, expose: true, subnet_ip_address: true } });
  return ajv.compile(schema);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema, and the schema rejects a broken file', () => {
    const validate = validator();
    assert.ok(validate(compose()), JSON.stringify(validate.errors, null, 2));
    const broken = compose();
    Object.assign(broken.services.api, { helthcheck: {} });
    Object.assign(broken.services.worker, { ports: '3000:3000' });
    assert.equal(validate(broken), false);
    const paths = new Set(validate.errors?.map((error) => error.instancePath));
    assert.ok(paths.has('/services/api') && paths.has('/services/worker/ports'), [...paths].join(', '));
  });

  it('passes dclint (ordering rules aside: services are in start order, not alphabetical)', () => {
    const linter = new DCLinter({
      // Our flow sequences quote ports the JSON way.
      rules: { 'services-alphabetical-order': 0, 'service-keys-order': 0, 'top-level-properties-order': 0, 'require-quotes-in-ports': [1, { quoteType: 'double' }] },
      quiet: false,
      debug: false,
      exclude: [],
    });
    const [result] = linter.lintFiles([join(root, 'docker-compose.yml')], false);
    assert.deepEqual(result.messages.map((message: { line: number; rule: string; message: string }) => `${message.line}: ${message.rule} ${message.message}`), []);
  });

  it('builds each app from its target of deploy/docker/Dockerfile', () => {
    const stages = new Set(DockerfileParser.parse(readRepoFile('deploy/docker/Dockerfile')).getFROMs().map((from) => from.getBuildStage()));
    for (const [name, target] of Object.entries({ migrate: 'api', api: 'api', worker: 'worker', console: 'console' })) {
      const { build } = compose().services[name];
      assert.equal(build?.dockerfile, 'deploy/docker/Dockerfile', name);
      assert.equal(build?.target, target, name);
      assert.ok(stages.has(target), `stage ${target} exists`);
    }
  });

  it('scales workers (no fixed name or port) and stops them only after their shutdown grace', () => {
    const { worker } = compose().services;
    assert.equal(worker.container_name, undefined);
    assert.equal(worker.ports, undefined);
    assert.ok((worker.deploy?.replicas ?? 0) >= 2);
    const graceMs = Number(worker.environment?.WORKER_SHUTDOWN_GRACE_MS ?? coreEnvSchema.shape.WORKER_SHUTDOWN_GRACE_MS.parse(undefined));
    assert.ok(durationSeconds(worker.stop_grace_period ?? '10s') * 1000 > graceMs, `stop_grace_period ${worker.stop_grace_period} > WORKER_SHUTDOWN_GRACE_MS ${graceMs}`);
  });

  it('health-checks every long-running app through its health endpoint, with node (no curl in the images)', () => {
    for (const [name, path] of Object.entries({ api: '/health/ready', worker: '/health/ready', console: '/api/health' })) {
      const test = compose().services[name].healthcheck?.test ?? [];
      assert.deepEqual(test.slice(0, 3), ['CMD', 'node', '-e'], name);
      assert.match(test[3] ?? '', new RegExp(`fetch\\('http://127\\.0\\.0\\.1:\\d+${path}'\\)`), name);
    }
  });

  it('passes `docker compose config` where the Compose CLI is installed', (t) => {
    const version = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (version.status !== 0) {
      t.skip('docker compose is not installed on this machine (the schema and dclint checks above still ran)');
      return;
    }
    const config = spawnSync('docker', ['compose', '-f', join(root, 'docker-compose.yml'), 'config', '-q'], { encoding: 'utf8', cwd: root });
    assert.equal(config.status, 0, config.stderr);
  });
});
