// Compiles every workspace's src/ to dist/ with swc in one process, then
// emits the .d.ts of each package with a tsconfig.build.json (the ones
// published to npm: their `types` point there, never at src/).
// Type checking is separate (`npm run typecheck`): swc only strips types.
import { transformFile } from '@swc/core';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const swcrc = JSON.parse(await readFile(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
delete swcrc.exclude;

const rootPkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const packages = [];
for (const pattern of rootPkg.workspaces) {
  if (!pattern.endsWith('/*')) { packages.push(pattern); continue; }
  const parent = pattern.slice(0, -2);
  for (const name of await readdir(join(root, parent))) packages.push(`${parent}/${name}`);
}

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

let count = 0;
const started = Date.now();
for (const pkg of packages) {
  const src = join(root, pkg, 'src');
  const out = join(root, pkg, 'dist');
  try { await readdir(src); } catch { continue; } // e.g. packages/console has no src/ to compile
  if (pkg === 'packages/console') continue;
  await rm(out, { recursive: true, force: true });
  const jobs = [];
  for await (const file of sources(src)) {
    const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
    jobs.push((async () => {
      const result = await transformFile(file, { ...swcrc, filename: file, sourceFileName: relative(dirname(target), file), swcrc: false, configFile: false });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, `${result.code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
      if (result.map) await writeFile(`${target}.map`, result.map);
    })());
    count++;
  }
  await Promise.all(jobs);
}
console.log(`built ${count} files in ${Date.now() - started} ms`);

// Declarations, dependencies first: a package's .d.ts import its workspace
// dependencies' emitted ones, through node_modules as a user's install would.
const declaring = packages.filter((pkg) => existsSync(join(root, pkg, 'tsconfig.build.json')));
const manifest = (pkg) => JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8'));
const nameOf = new Map(declaring.map((pkg) => [manifest(pkg).name, pkg]));
const ordered = [];
const place = (pkg) => {
  if (ordered.includes(pkg)) return;
  const { dependencies = {}, peerDependencies = {} } = manifest(pkg);
  for (const name of Object.keys({ ...dependencies, ...peerDependencies })) if (nameOf.has(name)) place(nameOf.get(name));
  ordered.push(pkg);
};
declaring.forEach(place);
const declared = Date.now();
for (const pkg of ordered) {
  // --noCheck: the same declarations, without a second type check (npm run typecheck is the one).
  const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, pkg, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ declarations of ${pkg} failed`);
    process.exit(1);
  }
}
console.log(`declared ${ordered.join(', ')} in ${Date.now() - declared} ms`);
