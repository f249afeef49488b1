import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Client } from 'pg';
import { ConfigError, coreEnvSchema, loadConfig } from '../../foundation/config/core-config.js';
import { ServiceUnreachableError } from '../../foundation/connections/preflight.js';
import { redactUrl } from '../../foundation/connections/redact-url.js';
import { createRedisClient, type RedisClient } from '../../foundation/connections/redis-client.js';
import type { SqlClient } from '../../foundation/repositories/access.repository.js';
import { AppModuleError } from '../../pipeline/app/app-declaration.js';

/**
 * The shape shared by the subcommands of `switchyard` (api, worker, migrate,
 * keys, users, console): `<subcommand> [<action>] --option value`, everything
 * checked before Postgres is touched, exit 2 for the user's mistakes
 * (nothing written), 1 for anything else.
 */

/** One subcommand of `switchyard`. */
export interface Command {
  /** What `--help` prints, and a usage mistake after its message. */
  usage: string;
  /** Errors of this class are mistakes in what the user typed: their message alone, exit 2. */
  inputError?: new (message?: string) => Error;
  /** Runs with the arguments after the subcommand's name; resolves to the exit code, or null to keep running (a server). */
  run(argv: string[]): Promise<number | null>;
}

/** A mistake in the command line itself: printed with the usage, exit 2. */
export class UsageError extends Error {}

/** Errors whose message already says what to fix: printed without a stack, exit 1. */
const EXPLAINED = [ConfigError, ServiceUnreachableError, AppModuleError];

/**
 * Runs `command` with `argv` and exits with its code (a server keeps running
 * until its signals close it): 2 for usage and input errors, 1 for anything
 * else, with the message and, for an error nobody explained, its stack.
 */
export function runCommand(name: string, command: Command, argv: string[]): void {
  command.run(argv).then(
    (code) => {
      if (code !== null) process.exit(code);
    },
    (error: Error) => {
      if (error instanceof UsageError) console.error(`${error.message}\n\n${command.usage}`);
      else if (command.inputError && error instanceof command.inputError) console.error(error.message);
      else {
        if (EXPLAINED.some((type) => error instanceof type)) console.error(error.message);
        else console.error(`switchyard ${name} failed: ${error.stack ?? error.message}`);
        process.exit(1);
      }
      process.exit(2);
    },
  );
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses the options of a subcommand that takes no action word (`api`,
 * `worker`, `migrate`); null when --help was asked for (the usage is
 * printed). An unknown or malformed option is a UsageError.
 */
export function parseOptions<T extends Options>(
  argv: string[],
  spec: { usage: string; options: T },
): ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'] | null {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { ...spec.options, help: { type: 'boolean' } } }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if ((values as { help?: boolean }).help) {
    console.log(spec.usage);
    return null;
  }
  return values as ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'];
}

/** Parses `<command> [--options]`; null when --help was asked for (the usage is printed). */
export function parseCommand<T extends Options>(
  argv: string[],
  spec: { usage: string; commands: readonly string[]; options: T },
): { command: string; values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>['values'] } | null {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...spec.options, help: { type: 'boolean' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if ((values as { help?: boolean }).help) {
    console.log(spec.usage);
    return null;
  }
  const [command, ...extra] = positionals;
  if (!command || !spec.commands.includes(command)) throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
  if (extra.length) throw new UsageError(`Unexpected argument ${JSON.stringify(extra[0])}`);
  return { command, values: values as ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>['values'] };
}

/** Runs `work` on a connection to DATABASE_URL; 1 (with the reason) when Postgres does not answer. */
export async function withDatabase(work: (sql: SqlClient) => Promise<number>): Promise<number> {
  const { DATABASE_URL: url } = loadConfig(coreEnvSchema.pick({ DATABASE_URL: true }), process.env);
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    console.error(`Could not connect to Postgres at ${redactUrl(url)} (${(error as Error).message}). Is it running? Set DATABASE_URL.`);
    return 1;
  }
  try {
    return await work({ query: async (text, params) => (await client.query(text, params)).rows });
  } finally {
    await client.end();
  }
}

/**
 * Runs `work` on a connection to Switchyard's Redis (REDIS_URL, or the cluster
 * of REDIS_CLUSTER_NODES) with its QUEUE_PREFIX; 1 (with the reason) when
 * Redis does not answer.
 */
export async function withRedis(work: (redis: RedisClient, queuePrefix: string) => Promise<number>): Promise<number> {
  const env = loadConfig(coreEnvSchema.pick({ REDIS_URL: true, REDIS_CLUSTER_NODES: true, QUEUE_PREFIX: true }), process.env);
  const redis = createRedisClient({ redisUrl: env.REDIS_URL, redisClusterNodes: env.REDIS_CLUSTER_NODES }, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined); // reported below, not as an unhandled event
  try {
    await redis.connect();
  } catch (error) {
    const where = env.REDIS_CLUSTER_NODES.length ? `the Redis Cluster at ${env.REDIS_CLUSTER_NODES.map(({ host, port }) => `${host}:${port}`).join(',')}` : `Redis at ${redactUrl(env.REDIS_URL)}`;
    console.error(`Could not connect to ${where} (${(error as Error).message}). Is it running? Set REDIS_URL (and REDIS_CLUSTER_NODES, QUEUE_PREFIX) as the API has them.`);
    redis.disconnect();
    return 1;
  }
  try {
    return await work(redis, env.QUEUE_PREFIX);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
