import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { apiEnvSchema, createApiApp, toApiConfig, type ApiConfig } from '@switchyard/server/internal';
import { AccessRepository, ApiKeyStore, type EventCatalog, loadConfig, QueueRegistry, registerApp, RouteBook, type Scope } from '@switchyard/server/internal';
import { deleteKeysUnder, get, type HttpAnswer, post, send, testDatabaseUrl, testRedisClusterNodes, testRedisUrl, uniqueQueuePrefix } from '@switchyard/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createWorkerApp, toWorkerConfig, workerEnvSchema } from '@switchyard/server/internal';
import { TestHandlersModule, testEvents } from '../fixtures/test-handlers.js';
import { type AppHandlers, shopApp } from './shop.js';

export interface StackOptions {
  /** Environment on top of the test defaults (REDIS_URL, PAYMENT_FAILURE_RATE, …). */
  env?: Record<string, string>;
  /** Start an in-process worker with the API. Default true. */
  worker?: boolean;
  /** Without a worker, register the app's routes as its worker would (default true): false leaves the registry as it is. */
  registerApp?: boolean;
  events?: EventCatalog;
  /** Each app's handler modules (and their transactions adapter); default: the shop and the test handlers. */
  handlers?: (env: Record<string, string>) => Array<Type | DynamicModule> | AppHandlers;
}

/**
 * Test defaults: the test database, a queue prefix of the stack's own, short
 * timers; the Redis Cluster of TEST_REDIS_CLUSTER_NODES when that is set.
 */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const clusterNodes = testRedisClusterNodes();
  return {
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: testRedisUrl(),
    ...(clusterNodes ? { REDIS_CLUSTER_NODES: clusterNodes } : {}),
    QUEUE_PREFIX: uniqueQueuePrefix(),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_POOL_SIZE: '5',
    OUTBOX_GRACE_MS: '200',
    OUTBOX_SWEEP_INTERVAL_MS: '500',
    WORKER_LOCK_DURATION_MS: '5000',
    WORKER_STALLED_INTERVAL_MS: '2000',
    WORKER_SHUTDOWN_GRACE_MS: '5000',
    PAYMENT_TIMEOUT_MS: '20',
    WORKER_ID: `test-${process.pid}`,
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    ROUTES_REFRESH_MS: '100',
    ...overrides,
  };
}

/** Stores an API key in the test database (as `npm run keys -- create` does); returns its token. */
export async function createApiKey(name: string, scopes: Scope[], rateLimitPerSec: number | null = null, url = testDatabaseUrl()): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const store = new ApiKeyStore(new AccessRepository({ query: async (text, values) => (await client.query(text, values)).rows }));
    return (await store.create({ name, scopes, rateLimitPerSec })).token;
  } finally {
    await client.end();
  }
}

/**
 * The API listening on a free port and, unless told otherwise, a worker, both
 * in this process, on the real Postgres and Redis with a key prefix of their
 * own. Requests go through the real key check: the stack creates an admin key
 * and its get/post send it. The API routes from the route registry: the
 * worker registers the app's routes as it starts; without a worker, the
 * stack registers them as a worker would.
 */
export class TestStack {
  worker: INestApplicationContext | null = null;

  private constructor(
    readonly env: Record<string, string>,
    public api: NestFastifyApplication,
    readonly apiUrl: string,
    private readonly options: StackOptions,
    /** The admin key's token ('' with AUTH_MODE=off). */
    readonly token: string,
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const env = testEnv(options.env);
    const config = toApiConfig(loadConfig(apiEnvSchema, env));
    const token = config.security.authMode === 'keys' ? await createApiKey(`test-admin-${randomBytes(4).toString('hex')}`, ['admin'], null, env.DATABASE_URL) : '';
    if (options.worker === false && options.registerApp !== false) await registerApp({ config: config.switchyard, events: options.events ?? testEvents, handlers: handlersFor(options, env).handlers });
    const api = await createApiApp({ config });
    await api.listen(0, '127.0.0.1');
    const stack = new TestStack(env, api, await api.getUrl(), options, token);
    if (options.worker !== false) await stack.startWorker();
    return stack;
  }

  /** Authorization with the stack's admin key (nothing with AUTH_MODE=off). */
  get auth(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  /** GET `path` as the stack's admin key. */
  get<T = unknown>(path: string, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
    return get<T>(this.url(path), { ...this.auth, ...headers });
  }

  /** POST `body` to `path` as the stack's admin key. */
  post<T = unknown>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
    return post<T>(this.url(path), body, { ...this.auth, ...headers });
  }

  /** Sends `method` to `path` as the stack's admin key (DELETE, PUT, …). */
  request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
    return send<T>(method, this.url(path), body, { ...this.auth, ...headers });
  }

  /** Stops the API and starts a new one on the same port, as a deploy or a crash would. */
  async restartApi(downForMs = 0): Promise<void> {
    const port = Number(new URL(this.apiUrl).port);
    await this.api.close();
    await new Promise((resolve) => setTimeout(resolve, downForMs));
    const config = toApiConfig(loadConfig(apiEnvSchema, this.env));
    this.api = await createApiApp({ config });
    await this.api.listen(port, '127.0.0.1');
  }

  get apiConfig(): ApiConfig {
    return toApiConfig(loadConfig(apiEnvSchema, this.env));
  }

  url(path: string): string {
    return `${this.apiUrl.replace('[::1]', '127.0.0.1')}${path}`;
  }

  /** Starts the in-process worker; `env` overrides the stack's for this worker only. */
  async startWorker(env: Record<string, string> = {}): Promise<INestApplicationContext> {
    const config = toWorkerConfig(loadConfig(workerEnvSchema, { ...this.env, ...env }));
    this.worker = await createWorkerApp({ config, events: this.options.events ?? testEvents, ...handlersFor(this.options, { ...this.env, ...env }) });
    await this.worker.init();
    await this.routesRegistered();
    return this.worker;
  }

  /**
   * A worker deploy: the running worker is replaced by a new one, which
   * declares the app's routes, types and schedules again as it starts.
   * Without an in-process worker, declares them as that start would.
   */
  async restartWorker(): Promise<void> {
    if (this.worker) {
      await this.stopWorker();
      await this.startWorker();
      return;
    }
    const config = toWorkerConfig(loadConfig(workerEnvSchema, this.env));
    await registerApp({ config: config.switchyard, events: this.options.events ?? testEvents, handlers: handlersFor(this.options, this.env).handlers });
    await this.routesRegistered();
  }

  /** Has the API take the registry's routes now, rather than on its next poll (ROUTES_REFRESH_MS). */
  async routesRegistered(): Promise<void> {
    await this.api.get(RouteBook).refresh();
  }

  async stopWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = null;
  }

  /** The BullMQ queue `name` as the API sees it. */
  queue(name: string) {
    return this.api.get(QueueRegistry).get(name);
  }

  async close(): Promise<void> {
    await this.stopWorker();
    await this.api.close();
    await deleteKeysUnder({ redisUrl: this.env.REDIS_URL, redisClusterNodes: this.env.REDIS_CLUSTER_NODES }, this.env.QUEUE_PREFIX);
  }
}

function handlersFor(options: StackOptions, env: Record<string, string>): AppHandlers {
  if (!options.handlers) return shopApp(env, TestHandlersModule);
  const given = options.handlers(env);
  return Array.isArray(given) ? { handlers: given } : given;
}
