// The direction of Switchyard's code, checked by `npm test` ("dependency
// rules (dependency-cruiser)"): no import cycles; @switchyard/server in three
// layers, foundation → pipeline → surfaces, each importing only the layers
// below it; inside a layer, folders in the order listed below, each importing
// only the folders before it; src/bin (the `switchyard` command) above them
// all, imported by none; @switchyard/core independent of the server; the
// examples built on the packages' public entry points alone.
//
// It reads the TypeScript sources with swc's parser (`parser: 'swc'`):
// TypeScript 7 has no JavaScript compiler API for dependency-cruiser's own
// TypeScript support, and swc, which builds dist/, parses them as they are,
// imports of types included. By hand, after `npm run build`:
//   npx depcruise packages/core/src packages/server/src examples/*/src --config .dependency-cruiser.cjs

const SERVER = 'packages/server/src';

/** Foundation: what every process stands on, knowing nothing of events' flow. Lowest first. */
const FOUNDATION = [
  ['db', "Postgres: Prisma clients, the pg pool, migrations (src/db, where the Prisma schema generates its client)"],
  ['ids', 'uuid v7 ids for events and records, monotonic per process'],
  ['config', 'the environment, validated once into a typed config (REDACT_PATHS grammar included)'],
  ['problems', 'RFC 9457 problem errors, and which errors mean "a service is away"'],
  ['paging', 'keyset cursors, page limits and ids read from requests'],
  ['repositories', "Switchyard's SQL, one repository per aggregate: events and outbox, jobs, dead letters, schedules, operations, keys and users, the audit trail"],
  ['background', 'background loops: a wake-up signal and the loop that polls, backs off and stops'],
  ['connections', 'Redis clients, the shared connection, preflight and readiness, shutdown'],
  ['redaction', 'masking REDACT_PATHS wherever event data leaves, and in stored events'],
  ['metrics', 'Prometheus metrics and the per-queue time series in Redis'],
  ['auth', 'API keys, their scopes and per-key ingest rate limits'],
  ['audit', 'the audit row of an operator action, and who is acting'],
  ['console-auth', 'console users, sessions, passwords and the sign-in throttle'],
];

/** Pipeline: events in, jobs out, outcomes recorded. Lowest first. */
const PIPELINE = [
  ['app', "the team's app: the SwitchyardModule declaration in its root module, and walking its module tree"],
  ['handlers', 'the @EventHandler classes this process has, and their queues'],
  ['queues', "Switchyard's BullMQ queues: registry, ownership, key prefixes, what a job carries"],
  ['outbox', 'committed jobs handed to BullMQ: the publisher, the relay, published marks'],
  ['operations', 'bulk operations: created, reported, and run in paced batches by each kind'],
  ['ordering', "ordering keys: a key's next job released when its head ends"],
  ['events', 'creating an event, whoever creates it: catalog, validation, plan, store'],
  ['routing', 'event type → the handlers it fans out to'],
  ['dead-letters', 'dead letters inside a transaction: announced, redriven, discarded, resolved'],
  ['ingest', 'accepting events over HTTP: decoding, admission, group commit'],
  ['schedules', 'scheduled events: declarations, the API over them, the scheduler'],
  ['runner', 'running handlers: a BullMQ Worker per queue, attempts, dead letters, emits'],
];

/** Surfaces: the ways in. None imports another. */
const SURFACES = [
  ['api', 'the HTTP API: controllers, and the query and triage services behind them'],
  ['worker', 'the worker process: the runner, the scheduler and its metrics endpoint'],
  ['cli', 'operator commands: keys, users, migrate, console, and the shape they share'],
];

const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const folderPath = (layer, folder) => (folder === 'db' ? `^${SERVER}/db/` : `^${SERVER}/${layer}/${literal(folder)}/`);
const anyOf = (layer, folders) => folders.map(([folder]) => folderPath(layer, folder));

/** Each folder of `layer` imports only the folders listed before it, and none of the files at the layer's root (its wiring). */
function ordered(layer, folders) {
  return folders.map(([folder, says], index) => ({
    name: `${layer}/${folder}-imports-only-below`,
    comment: `${folder}: ${says}. It may import ${folders.slice(0, index).map(([name]) => name).join(', ') || 'no other folder of the layer'}.`,
    severity: 'error',
    from: { path: folderPath(layer, folder) },
    to: { path: [...anyOf(layer, folders.slice(index + 1)), `^${SERVER}/${layer}/[^/]+\\.ts$`] },
  }));
}

/** No folder of `layer` imports another. */
function apart(layer, folders) {
  return folders.map(([folder, says]) => ({
    name: `${layer}/${folder}-apart`,
    comment: `${folder}: ${says}. It imports no other surface.`,
    severity: 'error',
    from: { path: folderPath(layer, folder) },
    to: { path: anyOf(layer, folders.filter(([other]) => other !== folder)) },
  }));
}

/**
 * What a team imports: @switchyard/core (and its ./contracts, ./pg, ./prisma)
 * and @switchyard/server, as their source files or as the declarations a
 * package name resolves to by its exports' `types` condition (emitted into
 * dist/ by `npm run build`, what a team's compiler reads too).
 */
const PUBLIC_ENTRY_POINTS = [
  '^packages/core/(src/(index|contracts/index|transactions/pg|transactions/prisma)\\.ts|dist/(index|contracts/index|transactions/pg|transactions/prisma)\\.d\\.ts)$',
  '^packages/server/(src/index\\.ts|dist/index\\.d\\.ts)$',
];

const FOUNDATION_PATH = [`^${SERVER}/foundation/`, `^${SERVER}/db/`];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other in a loop: move the shared piece down to where both can import it.',
      severity: 'error',
      // Prisma's generated clients (the server's, the shop's) refer to themselves in loops of types: not ours to arrange.
      from: { pathNot: '/src/(db/)?generated/prisma/' },
      to: { circular: true },
    },
    {
      name: 'foundation-imports-no-layer-above',
      comment: 'The foundation knows nothing of the pipeline or of the surfaces.',
      severity: 'error',
      from: { path: FOUNDATION_PATH },
      to: { path: [`^${SERVER}/(pipeline|surfaces)/`] },
    },
    {
      name: 'pipeline-imports-no-surface',
      comment: 'The pipeline serves the surfaces; it never reaches up into the API, the worker or a CLI.',
      severity: 'error',
      from: { path: `^${SERVER}/pipeline/` },
      to: { path: `^${SERVER}/surfaces/` },
    },
    {
      name: 'nothing-imports-the-bin',
      comment: 'src/bin is the `switchyard` command, above every surface: it dispatches to them, and nothing imports it.',
      severity: 'error',
      from: { path: `^${SERVER}/`, pathNot: `^${SERVER}/bin/` },
      to: { path: `^${SERVER}/bin/` },
    },
    {
      name: 'layers-import-no-package-entry',
      comment: 'index.ts and internal.ts are what other packages import; inside the package, import the file that defines the name.',
      severity: 'error',
      from: { path: `^${SERVER}/` },
      to: { path: `^${SERVER}/(index|internal)\\.ts$` },
    },
    ...ordered('foundation', FOUNDATION),
    ...ordered('pipeline', PIPELINE),
    ...apart('surfaces', SURFACES),
    {
      name: 'core-imports-no-server',
      comment: "@switchyard/core is the handler SDK every team installs; it cannot depend on Switchyard's server.",
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^packages/server/' },
    },
    {
      name: 'examples-use-public-entry-points',
      comment:
        'An example is built as a team would build it: on @switchyard/core (and ./contracts, ./pg, ./prisma) and @switchyard/server, ' +
        'never /internal nor a relative path into packages/. If it needs an internal, the public surface is wrong.',
      severity: 'error',
      from: { path: '^examples/' },
      to: {
        path: '^packages/',
        pathNot: PUBLIC_ENTRY_POINTS,
      },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    // Specs reach internals on purpose (@switchyard/server/internal); the rules are about what ships.
    exclude: { path: '\\.(e2e-)?spec\\.ts$' },
    // A workspace package (a symlink in node_modules) resolves, by its exports' `types` condition,
    // to the declaration file behind the entry point the import names (dist/, after the build).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['types', 'require', 'default'] },
  },
};
