// `npm run pack`: the tarballs `npm publish` would upload, for every package
// teams install (packages/* not marked private), in dist-packages/ or
// `--out <dir>`. Generates the Prisma client, builds (swc and each package's
// .d.ts: scripts/build.mjs) and builds the console when its build is older
// than its sources, then `npm pack`s each package. `--no-build` packs what is
// built (the adoption spec does, after npm test's build); the console is
// still rebuilt when stale, as its tarball ships its build. Prints the
// tarballs' paths, one a line, last.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-build': { type: 'boolean' } } });
const out = resolve(values.out ?? join(root, 'dist-packages'));
mkdirSync(out, { recursive: true });

function step(label, command, args, cwd = root) {
  console.error(`▶ ${label}`);
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', process.stderr, 'inherit'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

/** Newest modification time under `dir`, leaving out what builds write. */
function newest(dir) {
  let time = 0;
  for (const name of readdirSync(dir)) {
    if (name === '.next' || name === 'node_modules') continue;
    const path = join(dir, name);
    const stat = statSync(path);
    time = Math.max(time, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }
  return time;
}

if (!values['no-build']) {
  step('prisma generate', process.execPath, ['scripts/prisma-generate.mjs']);
  step('build', process.execPath, ['scripts/build.mjs']);
}
const packages = readdirSync(join(root, 'packages'))
  .map((name) => join('packages', name))
  .filter((dir) => existsSync(join(root, dir, 'package.json')) && !JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).private);

const consoleDir = join(root, 'packages', 'console');
const buildId = join(consoleDir, '.next', 'BUILD_ID');
if (packages.includes(join('packages', 'console')) && (!existsSync(buildId) || statSync(buildId).mtimeMs < newest(consoleDir))) {
  step('build the console (next build)', process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], consoleDir);
}

const tarballs = [];
for (const dir of packages) {
  const result = spawnSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: join(root, dir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    console.error(`✖ npm pack ${dir} failed`);
    process.exit(result.status ?? 1);
  }
  const [{ filename }] = JSON.parse(result.stdout);
  tarballs.push(join(out, filename));
}
console.log(tarballs.join('\n'));
