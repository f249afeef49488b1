// Fails when the compiled code has an import cycle. madge is the usual tool,
// but it loads @typescript-eslint's parser, which needs the TypeScript 5 API
// that TypeScript 7 no longer ships; the compiled CommonJS is simple enough
// to walk directly: every require() of a relative path or of @switchyard/*.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const packages = new Map();
for (const base of ['packages', 'examples']) {
  for (const name of readdirSync(join(root, base))) {
    const dir = join(root, base, name);
    if (existsSync(join(dir, 'dist', 'index.js'))) packages.set(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, join(dir, 'dist', 'index.js'));
  }
}

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.js') && !/\.(e2e-)?spec\.js$/.test(name)) files.push(path);
  }
};
for (const entry of packages.values()) walk(dirname(entry));

const REQUIRE = /require\("([^"]+)"\)/g;
function edges(file) {
  const targets = [];
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(REQUIRE)) {
    if (spec.startsWith('.')) {
      const base = resolve(dirname(file), spec);
      const target = [base, `${base}.js`, join(base, 'index.js')].find((path) => existsSync(path) && statSync(path).isFile());
      if (target) targets.push(target);
    } else if (packages.has(spec)) {
      targets.push(packages.get(spec));
    }
  }
  return targets;
}

const graph = new Map(files.map((file) => [file, edges(file)]));
const state = new Map();
const cycles = [];
const stack = [];
function visit(file) {
  state.set(file, 'visiting');
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (cycles.length) {
  console.error(`${cycles.length} import cycle(s):`);
  for (const cycle of cycles) console.error(`  ${cycle.map((file) => relative(root, file)).join(' → ')}`);
  process.exit(1);
}
console.log(`no import cycles among ${graph.size} modules`);
