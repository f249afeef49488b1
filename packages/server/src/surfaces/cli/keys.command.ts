// `switchyard keys create --name signup-service --scopes events:write [--rate-limit 500]`,
// `switchyard keys list`, `switchyard keys revoke --name signup-service`.
// Bad input exits 2 having written nothing; an unreachable database exits 1.
import { type Command, parseCommand, UsageError, withDatabase } from './admin-cli.js';
import { ApiKeyInputError, ApiKeyStore } from '../../foundation/auth/api-key-store.js';
import { KEY_CACHE_TTL_MS } from '../../foundation/auth/api-key-verifier.js';
import { SCOPES } from '../../foundation/auth/scopes.js';
import { AccessRepository } from '../../foundation/repositories/access.repository.js';

const USAGE = `Usage:
  switchyard keys create --name <name> --scopes <scope,scope> [--rate-limit <events/s>]
  switchyard keys list
  switchyard keys revoke --name <name>
Scopes: ${SCOPES.join(', ')} (admin implies all).
Reads DATABASE_URL. A new key's token is printed once; only its hash is stored.`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    commands: ['create', 'list', 'revoke'],
    options: { name: { type: 'string' }, scopes: { type: 'string' }, 'rate-limit': { type: 'string' } },
  });
  if (!parsed) return 0;
  const { command, values } = parsed;
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

  return withDatabase(async (sql) => {
    const store = new ApiKeyStore(new AccessRepository(sql));
    if (command === 'create') {
      const { key, token } = await store.create({ name: values.name!, scopes: values.scopes!.split(','), rateLimitPerSec });
      console.log(`Created key "${key.name}" (prefix ${key.prefix}) with scopes ${key.scopes.join(', ')}` +
        (key.rateLimitPerSec !== null ? `, ${key.rateLimitPerSec === 0 ? 'no rate limit' : `${key.rateLimitPerSec} events/s`}` : ''));
      console.log('Its token is shown this once; store it in your secrets manager:\n');
      console.log(token);
    } else if (command === 'list') {
      const keys = await store.list();
      if (keys.length === 0) console.log('No API keys yet. Create one with: switchyard keys create --name <name> --scopes <scopes>');
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
        if (!key) throw new ApiKeyInputError(`No key named "${values.name}" (switchyard keys list shows them)`);
        console.log(`Key "${key.name}" was already revoked at ${key.revokedAt!.toISOString()}.`);
      }
    }
    return 0;
  });
}

/** `switchyard keys`: create, list and revoke the API keys producers and the console send. */
export const keysCommand: Command = {
  usage: USAGE,
  inputError: ApiKeyInputError,
  run: main,
};
