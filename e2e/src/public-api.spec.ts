// "Internals are not exported; what is exported is documented": every name a
// published package's main entry exports carries TSDoc in the .d.ts users
// get. Reads the emitted declarations (npm test builds them).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportedNames } from './support/declarations.js';

const root = join(__dirname, '..', '..');

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, string | { types?: string; default?: string; 'switchyard-internal'?: unknown }>;
}

const published = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ manifest }) => !manifest.private);

describe('the published packages', () => {
  for (const { dir, manifest } of published) {
    const main = manifest.exports?.['.'];
    if (!main) continue; // the console: a command, no library
    it(`${manifest.name}: types come from emitted declarations, and every export of every public entry is documented`, () => {
      const entries: string[] = [];
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        if (typeof target === 'string') continue;
        // Internals resolve only under the specs' opt-in condition (and nothing else): no app reaches them by default.
        if ('switchyard-internal' in target) {
          assert.deepEqual(Object.keys(target), ['switchyard-internal'], `${manifest.name} exports["${subpath}"] is gated by the switchyard-internal condition alone`);
          continue;
        }
        assert.match(target.types ?? '', /^\.\/dist\/.*\.d\.ts$/, `${manifest.name} exports["${subpath}"].types must name an emitted .d.ts`);
        assert.ok(existsSync(join(dir, target.types!)), `${manifest.name}: ${target.types} is built`);
        entries.push(join(dir, target.types!));
      }
      assert.ok(entries.includes(join(dir, (main as { types: string }).types)), `${manifest.name}: the main entry is public`);
      for (const entry of entries) {
        const names = exportedNames(entry);
        assert.ok(names.length > 0, `${entry} exports something`);
        const missing = names.filter((name) => !name.file).map((name) => name.name);
        assert.deepEqual(missing, [], `${entry}: declarations not found for`);
        const undocumented = names.filter((name) => !name.documented).map((name) => `${name.name} (${name.file})`);
        assert.deepEqual(undocumented, [], `${entry}: exports without TSDoc`);
      }
    });
  }
});
