import { parseRedisUrl } from '@tidings/config';
import { RedisOptions } from 'ioredis';

/**
 * ioredis options for BullMQ from REDIS_URL. Workers need
 * `maxRetriesPerRequest: null` (they block and reconnect by themselves);
 * producers fail fast instead of buffering while Redis is away, so the relay
 * can hand its claims back to Postgres at once.
 */
export function redisOptions(redisUrl: string, role: 'worker' | 'producer'): RedisOptions {
  const target = parseRedisUrl(redisUrl);
  const retry = (times: number) => Math.min(times * 200, 2000);
  const common: RedisOptions = {
    username: target.username,
    password: target.password,
    db: target.db,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5000,
    retryStrategy: retry,
  };
  if (target.kind === 'sentinel') {
    // ioredis asks the Sentinels for the current primary, and again after a failover.
    return { ...common, sentinels: target.sentinels, name: target.name, sentinelRetryStrategy: retry };
  }
  return { ...common, host: target.host, port: target.port, tls: target.tls ? {} : undefined };
}
