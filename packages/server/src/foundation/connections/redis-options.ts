/** Where a Redis server is, as both ioredis and BullMQ accept it. */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
}

/** Connection options from a redis:// or rediss:// URL. */
export function redisOptionsFromUrl(raw: string): RedisEndpoint {
  const url = new URL(raw);
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: db ? Number(db) : 0,
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
