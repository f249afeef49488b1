// "SQL has one home per aggregate" (STYLE.md): the server's statements live in
// packages/server/src/foundation/repositories/, and services ask a
// repository. This spec reads every source file of the server and fails on
// SQL anywhere else, except the infrastructure listed below, which is about
// connections and migrations rather than any aggregate. It first shows that
// the scan catches each kind of statement, so it cannot pass by seeing nothing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');
const SERVER = 'packages/server/src';

/** Where SQL belongs: the repositories, and db/ (Prisma's clients, the pool, migrations). */
const HOMES = [`${SERVER}/foundation/repositories/`, `${SERVER}/db/`];

/** Infrastructure statements, each with why it is not an aggregate's. */
const INFRASTRUCTURE: Record<string, string> = {
  [`${SERVER}/foundation/connections/preflight.ts`]: 'asks Postgres whether it answers and is migrated, before anything starts',
  [`${SERVER}/foundation/connections/readiness-probe.ts`]: "the readiness endpoint's SELECT 1",
  [`${SERVER}/surfaces/cli/admin-cli.ts`]: "opens the operator commands' connection and hands it to AccessRepository; runs no statement of its own",
};

/** What counts as SQL or a query: raw statements, Prisma model calls, pg queries, SQL text. */
const SQL_SIGNS: Array<[string, RegExp]> = [
  ['a raw Prisma statement', /\$(queryRaw|executeRaw)(Unsafe)?\b/],
  ['a Prisma SQL fragment', /\bPrisma\.(sql|raw|join|empty)\b/],
  ['a Prisma model call', /\b(prisma|read|tx|db|client)\.[a-z]\w*\.(findMany|findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy)\(/],
  ['a pg query', /\b(pool|client|pg|sql|db)\.(query|prepared)(<[^>]*>)?\(/],
  ['SQL text', /\b(SELECT\s[\s\S]{0,200}?\bFROM\s+switchyard\.|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+switchyard\.\w+\s+SET)\b/],
];

/** The kinds of SQL `source` holds, by name. */
function sqlIn(source: string): string[] {
  return SQL_SIGNS.filter(([, sign]) => sign.test(source)).map(([name]) => name);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

describe('SQL has one home per aggregate', () => {
  it('the scan recognises each kind of statement', () => {
    assert.deepEqual(sqlIn('await this.prisma.$queryRaw`SELECT 1`'), ['a raw Prisma statement']);
    assert.deepEqual(sqlIn('return this.read.deadLetter.findMany({ where })'), ['a Prisma model call']);
    assert.deepEqual(sqlIn('await tx.auditLog.create({ data })'), ['a Prisma model call']);
    assert.deepEqual(sqlIn('conditions.push(Prisma.sql`d.queue = ${queue}`)'), ['a Prisma SQL fragment']);
    assert.deepEqual(sqlIn('const { rows } = await client.query<Row>(text, values)'), ['a pg query']);
    assert.deepEqual(sqlIn("const SQL = 'DELETE FROM switchyard.idempotency_keys WHERE expires_at < now()'"), ['SQL text']);
    assert.deepEqual(sqlIn('const s = `\n  SELECT id\n  FROM switchyard.jobs`'), ['SQL text']);
    assert.deepEqual(sqlIn('const message = `Select a queue from the list`; this.registry.update(x)'), []);
  });

  it('no file of the server outside the repositories and db/ holds SQL, except connection infrastructure', () => {
    const files = sourceFiles(SERVER);
    assert.ok(files.length > 100, `read the server's sources (${files.length} files)`);
    const strays = files
      .filter((path) => !HOMES.some((home) => path.startsWith(home)) && !(path in INFRASTRUCTURE))
      .map((path) => ({ path, signs: sqlIn(readFileSync(join(root, path), 'utf8')) }))
      .filter(({ signs }) => signs.length > 0)
      .map(({ path, signs }) => `${relative(SERVER, path)}: ${signs.join(', ')}`);
    assert.deepEqual(strays, [], 'move these statements into the repository of their aggregate (foundation/repositories/)');
  });

  it('every infrastructure exception still holds SQL (else it leaves the list)', () => {
    for (const path of Object.keys(INFRASTRUCTURE)) {
      assert.notDeepEqual(sqlIn(readFileSync(join(root, path), 'utf8')), [], `${path} has no SQL left`);
    }
  });
});
