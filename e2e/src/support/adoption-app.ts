import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A team's app as the README's "Use Switchyard in your app" writes it: one
 * event type (zod), one handler module whose handler writes to the app's own
 * table inside `ctx.once()`, the table in the app's own SQL, a root module
 * declaring the catalog, and a producer sending with @switchyard/client. The
 * README's snippets are these files.
 */

/**
 * What `ctx.once()` hands the effects, and the handler's statement using it:
 * the app gives no transactions adapter, so its effects run on a pg
 * PoolClient on Switchyard's database (typed structurally: the app needs no
 * pg types for it).
 */
const ONCE = {
  tx: 'type Tx = { query(text: string, values: unknown[]): Promise<unknown> };',
  effect: "tx.query('INSERT INTO greetings (event_id, name) VALUES ($1, $2)', [event.id, event.data.name])",
};

/** The app's dependencies: the packed tarballs, and what the app itself imports. */
export interface AdoptionDependencies {
  /** Package name → `file:` path of its tarball. */
  switchyard: Record<string, string>;
  nestCommon: string;
  reflectMetadata: string;
  zod: string;
  typescript: string;
  typesNode: string;
}

export function writeAdoptionApp(dir: string, deps: AdoptionDependencies): void {
  const files: Record<string, string> = {
    'package.json': JSON.stringify(
      {
        name: 'greetings',
        private: true,
        scripts: { build: 'tsc -p .' },
        dependencies: {
          ...Object.fromEntries(Object.entries(deps.switchyard).map(([name, tarball]) => [name, `file:${tarball}`])),
          '@nestjs/common': deps.nestCommon,
          'reflect-metadata': deps.reflectMetadata,
          zod: deps.zod,
        },
        devDependencies: { typescript: deps.typescript, '@types/node': deps.typesNode },
      },
      null,
      2,
    ),
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: {
          target: 'es2023',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          skipLibCheck: true,
          types: ['node'],
          rootDir: 'src',
          outDir: 'dist',
        },
        include: ['src'],
      },
      null,
      2,
    ),
    'db/schema.sql': `CREATE TABLE greetings (
  event_id uuid PRIMARY KEY,
  name text NOT NULL,
  greeted_at timestamptz NOT NULL DEFAULT now()
);
`,
    'src/events.ts': `import { z } from 'zod';

export const greetingSent = z.object({ name: z.string().min(1), fail: z.boolean().optional() });
export type GreetingSent = z.infer<typeof greetingSent>;

/** Every event type the app accepts, with the schema of its data. */
export const events = { 'greeting.sent': greetingSent };
`,
    'src/greetings/record-greeting.handler.ts': `import { type DomainEvent, EventHandler, type Handler, type HandlerContext, NonRetryableError } from '@switchyard/core';
import type { GreetingSent } from '../events';

${ONCE.tx}

@EventHandler({ name: 'greetings.record', on: 'greeting.sent', queue: 'greetings' })
export class RecordGreetingHandler implements Handler<GreetingSent> {
  async handle(event: DomainEvent<GreetingSent>, ctx: HandlerContext<Tx>): Promise<void> {
    if (event.data.fail) throw new NonRetryableError(\`greeting \${event.id} asked to fail\`);
    await ctx.once((tx) => ${ONCE.effect});
  }
}
`,
    'src/greetings/greetings.module.ts': `import { Module } from '@nestjs/common';
import { RecordGreetingHandler } from './record-greeting.handler';

@Module({ providers: [RecordGreetingHandler] })
export class GreetingsModule {}
`,
    'src/send-greeting.ts': `import { createClient } from '@switchyard/client';
import type { events } from './events';

/** A producer: sends one greeting.sent (node dist/send-greeting.js Ada [--fail]) and prints what the API accepted. */
async function main(): Promise<void> {
  const [name = 'world', flag] = process.argv.slice(2);
  const switchyard = createClient<typeof events>({
    url: process.env.SWITCHYARD_API_URL ?? 'http://127.0.0.1:3000',
    apiKey: process.env.SWITCHYARD_API_KEY,
    source: 'urn:greetings',
  });
  const sent = await switchyard.send('greeting.sent', { name, fail: flag === '--fail' });
  console.log(JSON.stringify(sent));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
`,
    'src/app.module.ts': `import { Module } from '@nestjs/common';
import { SwitchyardModule } from '@switchyard/core';
import { events } from './events';
import { GreetingsModule } from './greetings/greetings.module';

@Module({ imports: [SwitchyardModule.forRoot({ events }), GreetingsModule] })
export class AppModule {}
`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/**
 * Beyond what the app uses: every public entry of the installed packages
 * loads in Node, and type-checks against their shipped .d.ts (skipLibCheck
 * off, so a declaration that names a missing file or type fails). A probe
 * beside the app's sources, not part of the app.
 */
export function probePackages(app: string): void {
  const probe = join(app, 'probe');
  mkdirSync(probe, { recursive: true });
  writeFileSync(
    join(probe, 'probe.ts'),
    `import { createClient, type SwitchyardClient } from '@switchyard/client';
import { AppModuleError, closeOnSignals, ConfigError, createApi, createWorker, loadConfig, ServiceUnreachableError, type SwitchyardApi, type SwitchyardWorker, withWorkerArgs } from '@switchyard/server';
import { EventHandler, type HandlerContext, NonRetryableError, SwitchyardModule } from '@switchyard/core';
import type { AcceptedEvent, DeadLetterPage } from '@switchyard/core/contracts';

export const values = [createClient, AppModuleError, closeOnSignals, ConfigError, createApi, createWorker, loadConfig, ServiceUnreachableError, withWorkerArgs, EventHandler, NonRetryableError, SwitchyardModule];
export type Types = [SwitchyardClient, SwitchyardApi, SwitchyardWorker, HandlerContext, AcceptedEvent, DeadLetterPage];
`,
  );
  writeFileSync(
    join(probe, 'tsconfig.json'),
    JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noEmit: true, skipLibCheck: false, rootDir: '.' }, include: ['probe.ts'] }),
  );
  const typecheck = spawnSync(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', probe], { cwd: app, encoding: 'utf8' });
  // Only ours: a dependency's own declarations may have faults of their own (ioredis imports the untyped redis-errors).
  const ours = `${typecheck.stdout}${typecheck.stderr}`.split('\n').filter((line) => /^(probe\/|node_modules\/@switchyard\/)/.test(line));
  assert.deepEqual(ours, [], "the packages' declarations type-check");
  const entries = ['@switchyard/client', '@switchyard/core', '@switchyard/core/contracts', '@switchyard/server', '@switchyard/console/package.json'];
  const load = spawnSync(process.execPath, ['-e', `require('reflect-metadata'); for (const entry of ${JSON.stringify(entries)}) require(entry);`], { cwd: app, encoding: 'utf8' });
  assert.equal(load.status, 0, `the packages load:\n${load.stderr}`);
  // Internals stay in: without the specs' opt-in condition, the subpath does not resolve.
  const { NODE_OPTIONS: _specsOptIn, ...env } = process.env;
  const internals = spawnSync(process.execPath, ['-e', "require('@switchyard/server/internal')"], { cwd: app, env, encoding: 'utf8' });
  assert.notEqual(internals.status, 0, '@switchyard/server/internal is not importable from an app');
  assert.match(internals.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
}
