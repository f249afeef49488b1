// `npm start`: from a fresh clone to a running stack in one command.
// Installs dependencies if needed, generates the Prisma client, builds, makes
// sure Redis and Postgres answer (starting them with `docker compose` when
// they do not and Docker is there), migrates, seeds, then runs the API, a
// worker and the console until Ctrl-C. Reads .env if present (see .env.example).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const env = { ...loadDotEnv(join(root, '.env')), ...process.env };
env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/switchyard';
env.REDIS_URL ??= 'redis://127.0.0.1:6379';
env.PORT ??= '3000';
env.CONSOLE_PORT ??= '3001';
env.SWITCHYARD_API_URL ??= `http://127.0.0.1:${env.PORT}`;
// A laptop's first run needs no API keys: development mode, unless .env or the
// environment sets AUTH_MODE (then give the console SWITCHYARD_API_KEY).
env.AUTH_MODE ??= 'off';
env.NEXT_TELEMETRY_DISABLED = '1';
const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const consoleDir = join(root, 'packages', 'console');

function step(label, command, args) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

function loadDotEnv(path) {
  if (!existsSync(path)) return {};
  const values = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && !line.trimStart().startsWith('#')) values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** The console is rebuilt when any of its files is newer than its last build. */
function consoleNeedsBuild() {
  const buildId = join(consoleDir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const newer = (dir) =>
    readdirSync(dir).some((name) => {
      if (name === '.next' || name === 'node_modules') return false;
      const path = join(dir, name);
      const stat = statSync(path);
      return stat.isDirectory() ? newer(path) : stat.mtimeMs > built;
    });
  return newer(consoleDir);
}

async function servicesProblem() {
  const { assertServicesReachable, parseClusterNodes } = createRequire(import.meta.url)(join(root, 'packages/server/dist/internal.js'));
  try {
    // REDIS_CLUSTER_NODES set: check every master of that cluster, not REDIS_URL.
    const redisClusterNodes = parseClusterNodes(env.REDIS_CLUSTER_NODES ?? '');
    await assertServicesReachable({ redisUrl: env.REDIS_URL, redisClusterNodes, databaseUrl: env.DATABASE_URL.replace(/\/[^/?]*(\?|$)/, '/postgres$1') });
    return null;
  } catch (error) {
    return error.message;
  }
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) step('npm ci', 'npm', ['ci']);
step('prisma generate', process.execPath, ['scripts/prisma-generate.mjs']);
step('build', process.execPath, ['scripts/build.mjs']);
if (consoleNeedsBuild()) {
  console.log('\n▶ build the console (next build)');
  const result = spawnSync(process.execPath, [next, 'build'], { cwd: consoleDir, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

let problem = await servicesProblem();
if (problem && spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0) {
  console.log(`\n${problem}\n▶ starting Redis and Postgres with docker compose`);
  step('docker compose up', 'docker', ['compose', 'up', '-d', '--wait', 'redis', 'postgres']);
  problem = await servicesProblem();
}
if (problem) {
  console.error(`\n${problem}`);
  process.exit(1);
}
step('migrate', process.execPath, ['packages/server/dist/bin/switchyard.js', 'migrate']);
step("migrate the shop's tables", process.execPath, ['examples/shop/dist/migrate.cli.js']);
step('seed', process.execPath, ['examples/shop/dist/seed.cli.js']);
await ensureConsoleAdmin();

/**
 * The console needs someone to sign in as: on a database with no console
 * users yet, make `admin` with a random password and print it this once
 * (change it, or add people, on the console's Users page or with npm run users).
 */
async function ensureConsoleAdmin() {
  const require = createRequire(import.meta.url);
  const { AccessRepository, ConsoleUserStore } = require(join(root, 'packages/server/dist/internal.js'));
  const { Client } = require('pg');
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM switchyard.console_users');
    if (rows[0].n > 0) {
      // Later starts: the password was shown once; say how to get back in without it.
      console.log(`\n▶ console sign-in: your console users (${rows[0].n}; npm run users -- list). Lost the password? npm run users -- create --username <you> --role admin`);
      return;
    }
    const password = (await import('node:crypto')).randomBytes(12).toString('base64url');
    await new ConsoleUserStore(new AccessRepository({ query: async (text, values) => (await client.query(text, values)).rows })).create({ username: 'admin', password, role: 'admin' });
    console.log(`\n▶ console sign-in: user "admin", password ${password}\n  (shown this once; add people on the console's Users page or with npm run users)`);
  } finally {
    await client.end();
  }
}

console.log(`\n▶ running the API (:${env.PORT}), a worker and the console (http://localhost:${env.CONSOLE_PORT}); Ctrl-C stops them\n`);
if (env.AUTH_MODE === 'off') {
  console.log('⚠ AUTH_MODE=off: the API takes requests without API keys (development only). Set AUTH_MODE=keys in .env to require them; docs/security.md.\n');
}
const PREFIXES = { api: '\x1b[36m[api]    \x1b[0m', worker: '\x1b[35m[worker] \x1b[0m', console: '\x1b[33m[console]\x1b[0m' };
// The heap cap and the Wasm tiering budget: about 200 MB RSS under load (docs/performance.md, "Memory").
const SERVICE_FLAGS = ['--max-old-space-size=128', '--wasm-tiering-budget=1000000000', '--enable-source-maps'];
const children = [
  ['api', [...SERVICE_FLAGS, 'examples/shop/dist/main/api.main.js'], root],
  ['worker', [...SERVICE_FLAGS, 'examples/shop/dist/main/worker.main.js'], root],
  ['console', [next, 'start', '-p', env.CONSOLE_PORT], consoleDir],
].map(([name, args, cwd]) => {
  // Each in its own process group: Ctrl-C reaches only this script, which
  // stops them with one SIGTERM. Had the terminal's SIGINT reached them too,
  // that SIGTERM would be their second signal, which means "exit now, skip
  // the drain" (closeOnSignals).
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = PREFIXES[name];
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(`${prefix} ${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    console.log(`${prefix} exited (${signal ?? code})`);
    if (!stopping) stop(code ?? 1);
  });
  return child;
});

const running = (child) => child.exitCode === null && child.signalCode === null;
let stopping = false;
function stop(code = 0) {
  stopping = true;
  const live = children.filter(running);
  for (const child of live) child.kill('SIGTERM');
  Promise.all(live.map((child) => new Promise((resolve) => child.once('exit', resolve)))).then(() => process.exit(code));
}
// In their own process groups the children outlive this script unless told:
// if it ends any other way than stop(), they end with it.
process.on('exit', () => {
  for (const child of children.filter(running)) child.kill('SIGKILL');
});
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
