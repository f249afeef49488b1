// Makes sure the programs some specs need beyond npm's packages are there
// (promtool, Chromium, pgbouncer, libfaketime: the list and how each is found
// are in testing/src/prerequisites.ts). Missing ones are installed with
// apt-get when this user can (root, or sudo without a password); otherwise
// this says what is missing and the command that installs it, and the specs
// that need them are skipped with that reason (with CI=true they fail).
//
// `npm test` runs it after the build; `node scripts/test-prerequisites.mjs`
// runs it alone (after `npm run build`). A tool whose override variable is set
// (PROMTOOL_BIN, CHROMIUM_PATH, PGBOUNCER_BIN, LIBFAKETIME) is looked for only
// there and never installed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');

const succeeds = (command, args, options = {}) => spawnSync(command, args, { stdio: 'ignore', ...options }).status === 0;

/** How to run a command as root here: [] when we are, ['sudo', '-n'] when sudo needs no password, else null. */
function asRoot() {
  if (process.getuid?.() === 0) return [];
  return succeeds('sudo', ['-n', 'true']) ? ['sudo', '-n'] : null;
}

/** Installs `packages` with apt-get (updating the package lists once if that fails); returns apt-get's last output lines on failure. */
function aptInstall(prefix, packages) {
  const run = (args) => {
    const [command, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    return spawnSync(command, rest, { encoding: 'utf8' });
  };
  const install = () => run(['install', '-y', '--no-install-recommends', ...packages]);
  let result = install();
  if (result.status !== 0 && run(['update']).status === 0) result = install();
  return result.status === 0 ? null : `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-3).join('\n');
}

/**
 * Installs what is missing when it can; prints what is still missing and how
 * to install it. Returns the reasons of the tools still missing.
 */
export function ensureTestPrerequisites() {
  const { TEST_PREREQUISITES, locateTool, missingToolReason, missingToolsFail } = createRequire(import.meta.url)(join(root, 'testing/dist/prerequisites.js'));
  const missing = () => TEST_PREREQUISITES.filter(({ tool }) => !locateTool(tool));
  // An override names the user's own copy: never install over that choice.
  const installable = missing().filter(({ override }) => !process.env[override]);
  const packages = installable.map(({ debianPackage }) => debianPackage);
  const command = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const prefix = packages.length > 0 && succeeds('sh', ['-c', 'command -v apt-get']) ? asRoot() : null;
  if (prefix) {
    console.log(`\n── test prerequisites: installing ${installable.map(({ tool, debianPackage }) => (tool === debianPackage ? tool : `${tool} (${debianPackage})`)).join(', ')} with apt-get`);
    const failure = aptInstall(prefix, packages);
    if (failure) console.log(`${[...prefix, command].join(' ')} failed:\n${failure}`);
    // The packages start their services; the specs run their own on free ports.
    for (const { service } of installable) {
      if (!service) continue;
      const [stop, ...args] = [...prefix, 'service', service, 'stop'];
      succeeds(stop, args);
    }
  }
  const still = missing();
  if (still.length === 0) return [];
  const reasons = still.map(({ tool }) => missingToolReason(tool));
  console.log(`\n── test prerequisites: ${reasons.join('; ')}`);
  for (const { tool, neededBy } of still) console.log(`   ${tool}: needed by ${neededBy}`);
  const stillInstallable = still.filter(({ override }) => !process.env[override]).map(({ debianPackage }) => debianPackage);
  if (stillInstallable.length > 0 && !prefix) console.log(`   To install (Debian/Ubuntu): sudo apt-get install -y --no-install-recommends ${stillInstallable.join(' ')}`);
  console.log(missingToolsFail() ? '   CI=true: the specs that need them will fail.' : '   The specs that need them are skipped and say why.');
  return reasons;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureTestPrerequisites();
