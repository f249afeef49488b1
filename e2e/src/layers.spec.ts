// The dependency rules that `npm test` runs (.dependency-cruiser.cjs), held
// against a tiny tree that breaks each kind of rule once beside imports that
// keep them: every break must be caught, and nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = join(__dirname, '..', '..');
const config = join(root, '.dependency-cruiser.cjs');
const S = 'packages/server/src';

/** Each file of the tree, with the files it imports (paths from the tree's root). */
const TREE: Record<string, string[]> = {
  // Allowed: down a layer, down a layer's order, an example on a public entry point.
  [`${S}/surfaces/api/controller.ts`]: [`${S}/pipeline/outbox/publisher.ts`],
  [`${S}/pipeline/outbox/publisher.ts`]: [`${S}/pipeline/queues/registry.ts`, `${S}/foundation/config/config.ts`],
  [`${S}/pipeline/queues/registry.ts`]: [`${S}/foundation/connections/redis.ts`],
  [`${S}/foundation/connections/redis.ts`]: [`${S}/db/pool.ts`],
  [`examples/shop/src/handler.ts`]: [`${S}/index.ts`, 'packages/core/src/index.ts'],
  // Broken, once each.
  [`${S}/pipeline/routing/table.ts`]: [`${S}/pipeline/routing/filters.ts`],
  [`${S}/pipeline/routing/filters.ts`]: [`${S}/pipeline/routing/table.ts`],
  [`${S}/foundation/redaction/redactor.ts`]: [`${S}/pipeline/events/catalog.ts`],
  [`${S}/pipeline/runner/processor.ts`]: [`${S}/surfaces/cli/usage.ts`],
  [`${S}/pipeline/queues/payload.ts`]: [`${S}/pipeline/outbox/entry.ts`],
  [`${S}/db/migrations.ts`]: [`${S}/foundation/config/schema.ts`],
  [`${S}/pipeline/handlers/registry.ts`]: [`${S}/pipeline/wiring.module.ts`],
  [`${S}/surfaces/worker/worker.module.ts`]: [`${S}/surfaces/api/api-config.ts`],
  [`${S}/pipeline/ingest/binding.ts`]: [`${S}/internal.ts`],
  [`${S}/surfaces/cli/keys.command.ts`]: [`${S}/bin/app-file.ts`],
  ['packages/core/src/handlers/context.ts']: [`${S}/index.ts`],
  ['examples/shop/src/seed.ts']: [`${S}/internal.ts`],
  ['examples/shop/src/mailer.ts']: ['packages/core/src/handlers/context.ts'],
};

/** What the rules must say of TREE: `rule: from → to`; a cycle once, by its two files. */
const BROKEN = [
  `no-circular: ${S}/pipeline/routing/filters.ts ⇄ ${S}/pipeline/routing/table.ts`,
  `foundation-imports-no-layer-above: ${S}/foundation/redaction/redactor.ts → ${S}/pipeline/events/catalog.ts`,
  `pipeline-imports-no-surface: ${S}/pipeline/runner/processor.ts → ${S}/surfaces/cli/usage.ts`,
  `pipeline/queues-imports-only-below: ${S}/pipeline/queues/payload.ts → ${S}/pipeline/outbox/entry.ts`,
  `foundation/db-imports-only-below: ${S}/db/migrations.ts → ${S}/foundation/config/schema.ts`,
  `pipeline/handlers-imports-only-below: ${S}/pipeline/handlers/registry.ts → ${S}/pipeline/wiring.module.ts`,
  `surfaces/worker-apart: ${S}/surfaces/worker/worker.module.ts → ${S}/surfaces/api/api-config.ts`,
  `layers-import-no-package-entry: ${S}/pipeline/ingest/binding.ts → ${S}/internal.ts`,
  `nothing-imports-the-bin: ${S}/surfaces/cli/keys.command.ts → ${S}/bin/app-file.ts`,
  `core-imports-no-server: packages/core/src/handlers/context.ts → ${S}/index.ts`,
  `examples-use-public-entry-points: examples/shop/src/mailer.ts → packages/core/src/handlers/context.ts`,
  `examples-use-public-entry-points: examples/shop/src/seed.ts → ${S}/internal.ts`,
];

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

describe('dependency rules', () => {
  let tree: string;

  before(() => {
    tree = mkdtempSync(join(tmpdir(), 'switchyard-layers-'));
    const files = new Set([...Object.keys(TREE), ...Object.values(TREE).flat()]);
    for (const file of files) {
      const imports = (TREE[file] ?? []).map((target) => {
        const path = relative(dirname(file), target).replace(/\.ts$/, '.js');
        return `import '${path.startsWith('.') ? path : `./${path}`}';\n`;
      });
      mkdirSync(join(tree, dirname(file)), { recursive: true });
      writeFileSync(join(tree, file), `${imports.join('')}export {};\n`);
    }
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  it('catch a break of each kind, and only the breaks', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'packages/core/src', S, 'examples/*/src', '--config', config, '--output-type', 'json'],
      { cwd: tree, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const { violations } = (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary;
    const said = violations.map(({ rule, from, to }) => (rule.name === 'no-circular' ? `${rule.name}: ${[from, to].sort().join(' ⇄ ')}` : `${rule.name}: ${from} → ${to}`));
    assert.deepEqual([...new Set(said)].sort(), [...BROKEN].sort());
  });

  it('order every folder of the server layers, so a new folder is not exempt', () => {
    const { forbidden } = require(config) as { forbidden: Array<{ name: string }> };
    const ruled = new Set(forbidden.map(({ name }) => /^(\w+\/[\w-]+)-(imports-only-below|apart)$/.exec(name)?.[1]).filter(Boolean));
    const folders = ['foundation', 'pipeline', 'surfaces'].flatMap((layer) =>
      readdirSync(join(root, S, layer))
        .filter((name) => statSync(join(root, S, layer, name)).isDirectory())
        .map((name) => `${layer}/${name}`),
    );
    assert.ok(folders.includes('pipeline/outbox'), 'the scan sees the folders');
    assert.deepEqual(folders.filter((folder) => !ruled.has(folder)), [], 'folders missing from the order in .dependency-cruiser.cjs');
  });
});
