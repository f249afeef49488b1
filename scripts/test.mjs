// `npm test`: builds, type-checks, checks the dependency rules (no import
// cycles, layers and folders imported one way only: .dependency-cruiser.cjs)
// and for imports of packages a workspace does not declare, migrates the test
// database, runs every spec (unit specs beside the code, e2e specs in e2e/)
// one file at a time — they share one Postgres database — then the fault
// suite (faults/**/*.fault-spec.js), whose scenarios make their own databases
// and start their own Redis (and Postgres) servers. Prints "N passed, N
// failed" for both together last; CI reads that line, and the line before it
// counts the skipped specs by reason. Extra arguments filter spec files of
// both kinds by substring: `npm test -- pipeline retries`.
//
// After the build it installs what some specs need beyond npm's packages
// (promtool, Chromium, pgbouncer, libfaketime) when it can, with apt-get
// (scripts/test-prerequisites.mjs); a spec whose tool is still missing is
// skipped with the reason, except with CI=true, where it fails.
//
// `npm run test:faults` (`--faults`): only the fault suite. FAULTS_SOAK=1 adds
// the ten-minute soak.
//
// "specs on Redis Cluster": the core pipeline and dead-letter e2e specs run a
// second time against a throwaway 3-master Redis Cluster (with replicas) on
// ports 7100–7199, through TEST_REDIS_CLUSTER_NODES, which the e2e stack
// helper turns into REDIS_CLUSTER_NODES. Their counts join the same line.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestPrerequisites } from './test-prerequisites.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
// @switchyard/server/internal resolves only under this condition (apps that
// install the server cannot reach its internals): this script runs under it
// (it loads @switchyard/testing for the Redis Cluster lane), and so do the
// specs and every process they start with this environment.
const INTERNAL_CONDITION = '--conditions=switchyard-internal';
if (!(process.env.NODE_OPTIONS ?? '').includes(INTERNAL_CONDITION)) {
  const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, INTERNAL_CONDITION].filter(Boolean).join(' ') };
  const again = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exit(again.status ?? 1);
}
const onlyFaults = process.argv.includes('--faults');
const filters = process.argv.slice(2).filter((arg) => arg !== '--faults');
const outputDir = join(root, '.test-output');
mkdirSync(outputDir, { recursive: true });
let passed = 0;
let failed = 0;
/** Skipped suites and tests, by the reason they gave. */
const skipped = new Map();

function run(label, command, args, options = {}) {
  console.log(`\n── ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status === 0;
}

function check(label, command, args) {
  if (run(label, command, args)) passed++;
  else {
    failed++;
    console.log(`✖ ${label} failed`);
  }
}

function specFiles(faults) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if ((faults ? /\.fault-spec\.js$/ : /\.(e2e-)?spec\.js$/).test(name)) found.push(path);
    }
  };
  const dirs = faults ? ['faults'] : ['packages', 'examples'].flatMap((base) => readdirSync(join(root, base)).map((name) => join(base, name))).concat('testing', 'e2e');
  for (const dir of dirs) {
    {
      const dist = join(root, dir, 'dist');
      try {
        statSync(dist);
        walk(dist);
      } catch {}
    }
  }
  // Unit specs first: they are fast and say most precisely what broke.
  return found
    .map((path) => relative(root, path))
    .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
    .sort((a, b) => Number(a.includes('e2e-spec')) - Number(b.includes('e2e-spec')) || a.localeCompare(b));
}

if (!run('prisma generate', process.execPath, ['scripts/prisma-generate.mjs'])) process.exit(1);
if (!run('build (swc)', process.execPath, ['scripts/build.mjs'])) process.exit(1);
if (filters.length === 0 && !onlyFaults) {
  check('typecheck (tsc --noEmit)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
  check('typecheck the console (tsc --noEmit)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'packages/console/tsconfig.json']);
  check('dependency rules (dependency-cruiser)', process.execPath, [
    'node_modules/dependency-cruiser/bin/dependency-cruise.mjs',
    'packages/core/src', 'packages/server/src', 'examples/*/src',
    '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long',
  ]);
  check('undeclared dependencies', process.execPath, ['scripts/check-dependencies.mjs']);
}

const testDb = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard_test';
const specs = onlyFaults ? [] : specFiles(false);
const faultSpecs = specFiles(true);
if (specs.length + faultSpecs.length > 0) ensureTestPrerequisites();
/** e2e specs the "specs on Redis Cluster" lane runs again with REDIS_CLUSTER_NODES set. */
const CLUSTER_SPECS = ['pipeline.e2e-spec.js', 'dead-letters.e2e-spec.js'];

/** Starts a throwaway Redis Cluster, runs `files` against it, and stops it. */
async function runOnRedisCluster(files) {
  const { ThrowawayRedisCluster } = createRequire(import.meta.url)(join(root, 'testing/dist/index.js'));
  console.log('\n── starting a Redis Cluster (3 masters, 3 replicas)');
  let cluster;
  try {
    cluster = await ThrowawayRedisCluster.start();
  } catch (error) {
    console.log(`✖ could not start a Redis Cluster: ${error.message}`);
    failed++;
    return;
  }
  try {
    const previous = process.env.TEST_REDIS_CLUSTER_NODES;
    process.env.TEST_REDIS_CLUSTER_NODES = cluster.nodesEnv;
    runSpecs('specs on Redis Cluster', files, 'cluster.tap', 180_000);
    if (previous === undefined) delete process.env.TEST_REDIS_CLUSTER_NODES;
    else process.env.TEST_REDIS_CLUSTER_NODES = previous;
  } finally {
    await cluster.dispose();
  }
}

if (specs.length > 0 && !run('test database', process.execPath, ['-e', `require('@switchyard/testing').prepareTestDatabase(${JSON.stringify(testDb)}).catch((e) => { console.error(e.message); process.exit(1); })`])) {
  console.log(`\n${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}

/** Runs spec files one at a time with node's test runner; adds their counts. */
function runSpecs(label, files, tapName, timeoutMs) {
  const tap = join(outputDir, tapName);
  run(`${label} (${files.length} files)`, process.execPath, [
    '--enable-source-maps',
    '--test',
    '--test-concurrency=1',
    `--test-timeout=${timeoutMs}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], { env: { ...process.env, TEST_DATABASE_URL: testDb } });
  const summary = readFileSync(tap, 'utf8');
  const count = (name) => Number(summary.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  // A skipped suite is one line (its tests never run), a skipped test another.
  for (const [, reason] of summary.matchAll(/^\s*ok \d+ - .*? # SKIP(?: (.*))?$/gm)) {
    const key = reason?.trim() || 'no reason given';
    skipped.set(key, (skipped.get(key) ?? 0) + 1);
  }
}

// Per spec file: the benchmark's smoke run, every scenario and peer, takes about three minutes.
if (specs.length > 0) runSpecs('specs', specs, 'results.tap', 300_000);
const clusterSpecs = specs.filter((path) => CLUSTER_SPECS.some((name) => path.endsWith(`/${name}`)));
if (clusterSpecs.length > 0) await runOnRedisCluster(clusterSpecs);
// A fault scenario waits out locks and outages; the soak runs for ten minutes.
if (faultSpecs.length > 0) runSpecs('fault suite', faultSpecs, 'faults.tap', process.env.FAULTS_SOAK === '1' ? 1_200_000 : 300_000);
if (specs.length + faultSpecs.length === 0) failed++;
const skips = [...skipped.values()].reduce((sum, n) => sum + n, 0);
console.log(skips === 0 ? '' : `\n${skips} skipped: ${[...skipped].map(([reason, n]) => (n === 1 ? reason : `${reason} ×${n}`)).join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
