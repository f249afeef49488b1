// Fails when a workspace imports a package its package.json does not declare.
// npm hoists every workspace's dependencies to the root node_modules, so an
// undeclared import still resolves here, and breaks only where the package
// is installed on its own (a container image, a published package).
// Type-only imports count: the type check needs the package too. The root
// (scripts/, prisma.config.ts) may also use the workspaces themselves.
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const rootPkg = readJson(join(root, 'package.json'));
const workspaces = rootPkg.workspaces.flatMap((pattern) =>
  pattern.endsWith('/*') ? readdirSync(join(root, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`) : [pattern],
).filter((dir) => existsSync(join(root, dir, 'package.json')));
const workspaceNames = workspaces.map((dir) => readJson(join(root, dir, 'package.json')).name);

/** `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
const SPECIFIER = /(?:\bfrom\s*|^\s*import\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"\n]+)['"]/gm;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.next', 'generated', '.test-output']);

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function sourceFiles(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (SKIPPED_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, found);
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** npm's rule for package names; anything else the pattern caught is a string that only looks like an import. */
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** The package a specifier names, or null for relative paths, built-ins, path aliases and non-names. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return PACKAGE_NAME.test(name) && !builtinModules.includes(name) ? name : null;
}

function declaredBy(pkg) {
  return new Set(['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) => Object.keys(pkg[field] ?? {})));
}

const problems = [];
function check(label, files, declared) {
  const missing = new Map();
  for (const file of files) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const name = packageOf(specifier);
      if (name && !declared.has(name) && !missing.has(name)) missing.set(name, relative(root, file));
    }
  }
  for (const [name, file] of missing) problems.push(`${label} requires ${name} (${file}) but its package.json does not declare it`);
}

for (const dir of workspaces) {
  const pkg = readJson(join(root, dir, 'package.json'));
  check(`${pkg.name} (${dir})`, sourceFiles(join(root, dir)), declaredBy(pkg));
}
const rootFiles = [...sourceFiles(join(root, 'scripts')), join(root, 'packages/server/prisma.config.ts')].filter((path) => existsSync(path));
check('the root package', rootFiles, new Set([...declaredBy(rootPkg), ...workspaceNames]));

if (problems.length) {
  console.error(`${problems.length} undeclared dependencies:`);
  for (const problem of problems) console.error(`  ${problem}`);
  console.error('Add each to the dependencies (devDependencies if only specs use it) of the package that requires it, then run npm install.');
  process.exit(1);
}
console.log(`every import is declared, in ${workspaces.length} workspaces and the root`);
