import { RedisOptions } from 'ioredis';

/**
 * ioredis options for BullMQ from REDIS_URL. Workers need
 * `maxRetriesPerRequest: null` (they block and reconnect by themselves);
 * producers fail fast instead of buffering while Redis is away, so the relay
 * can hand its claims back to Postgres at once.
 */
export function redisOptions(redisUrl: string, role: 'worker' | 'producer'): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}
