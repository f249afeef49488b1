// Generates the Prisma clients: Switchyard's into packages/server/src/db/generated,
// the example shop's own into examples/shop/src/generated. `prisma generate`
// never runs the native schema engine, but the CLI tries to download it unless
// PRISMA_SCHEMA_ENGINE_BINARY names an executable; machines without access to
// Prisma's binary host (CI here) would fail. Any executable will do for
// generate; migrations run through a migrator of our own (switchyard migrate).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
for (const dir of ['packages/server', 'examples/shop']) {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/prisma/build/index.js'), 'generate'], { cwd: join(root, dir), env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
