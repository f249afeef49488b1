// `npm run keys -- create --name checkout --scopes events:write [--rate-limit 500]`,
// `npm run keys -- list`, `npm run keys -- revoke --name checkout`.
// Bad input exits 2 having written nothing; an unreachable database exits 1.
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { coreEnvSchema, loadConfig } from '../config/core-config.js';
import { redactUrl } from '../connections/redact-url.js';
import { ApiKeyInputError, ApiKeyStore, type SqlClient } from './api-key-store.js';
import { KEY_CACHE_TTL_MS } from './api-key-verifier.js';
import { SCOPES } from './scopes.js';

const USAGE = `Usage:
  npm run keys -- create --name <name> --scopes <scope,scope> [--rate-limit <events/s>]
  npm run keys -- list
  npm run keys -- revoke --name <name>
Scopes: ${SCOPES.join(', ')} (admin implies all).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { name: { type: 'string' }, scopes: { type: 'string' }, 'rate-limit': { type: 'string' }, help: { type: 'boolean' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (!command || !['create', 'list', 'revoke'].includes(command)) throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
  if (extra.length) throw new UsageError(`Unexpected argument ${JSON.stringify(extra[0])}`);
  if (command !== 'create' && (values.scopes !== undefined || values['rate-limit'] !== undefined)) {
    throw new UsageError(`--scopes and --rate-limit only apply to create`);
  }
  if (command !== 'list' && values.name === undefined) throw new UsageError(`${command} needs --name`);
  if (command === 'create' && values.scopes === undefined) throw new UsageError('create needs --scopes');
  let rateLimitPerSec: number | null = null;
  if (values['rate-limit'] !== undefined) {
    if (!/^\d+$/.test(values['rate-limit'])) throw new ApiKeyInputError(`--rate-limit must be a whole number of events per second; got ${JSON.stringify(values['rate-limit'])}`);
    rateLimitPerSec = Number(values['rate-limit']);
  }

  const { DATABASE_URL: url } = loadConfig(coreEnvSchema.pick({ DATABASE_URL: true }), process.env);
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    console.error(`Could not connect to Postgres at ${redactUrl(url)} (${(error as Error).message}). Is it running? Set DATABASE_URL.`);
    return 1;
  }
  const sql: SqlClient = { query: async (text, params) => (await client.query(text, params)).rows };
  const store = new ApiKeyStore(sql);
  try {
    if (command === 'create') {
      const { key, token } = await store.create({ name: values.name!, scopes: values.scopes!.split(','), rateLimitPerSec });
      console.log(`Created key "${key.name}" (prefix ${key.prefix}) with scopes ${key.scopes.join(', ')}` +
        (key.rateLimitPerSec !== null ? `, ${key.rateLimitPerSec === 0 ? 'no rate limit' : `${key.rateLimitPerSec} events/s`}` : ''));
      console.log('Its token is shown this once; store it in your secrets manager:\n');
      console.log(token);
    } else if (command === 'list') {
      const keys = await store.list();
      if (keys.length === 0) console.log('No API keys yet. Create one with: npm run keys -- create --name <name> --scopes <scopes>');
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        const used = key.lastUsedAt ? `last used ${key.lastUsedAt.toISOString()}` : 'never used';
        const rate = key.rateLimitPerSec === null ? 'default rate' : key.rateLimitPerSec === 0 ? 'no rate limit' : `${key.rateLimitPerSec} events/s`;
        console.log(`${key.name}\tsy_${key.prefix}_…\t${key.scopes.join(',')}\t${rate}\t${state}\t${used}`);
      }
    } else {
      if (await store.revoke(values.name!)) {
        console.log(`Revoked key "${values.name}"; API processes stop accepting it within ${KEY_CACHE_TTL_MS / 1000} s.`);
      } else {
        const key = await store.findByName(values.name!);
        if (!key) throw new ApiKeyInputError(`No key named "${values.name}" (npm run keys -- list shows them)`);
        console.log(`Key "${key.name}" was already revoked at ${key.revokedAt!.toISOString()}.`);
      }
    }
    return 0;
  } finally {
    await client.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
    else if (error instanceof ApiKeyInputError) console.error(error.message);
    else {
      console.error(`keys failed: ${error.message}`);
      process.exit(1);
    }
    process.exit(2);
  },
);
