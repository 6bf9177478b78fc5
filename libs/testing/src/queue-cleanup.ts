import Redis from 'ioredis';
import { TEST_REDIS_URL } from './test-services';

/** Deletes every Redis key under a queue prefix (`suffix` widens the match, e.g. `_*` for every prefix starting so). */
export async function clearQueuePrefix(prefix: string, redisUrl = TEST_REDIS_URL, suffix = ''): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    // Plain keys, and keys that start with a hash tag holding the prefix (a Cluster's queue keys, the ingest throttler's).
    for (const pattern of [`${prefix}${suffix}:*`, `{${prefix}${suffix}:*`, `{${prefix}${suffix}}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
