import { parseConfig } from '@tidings/config';
import { clearQueuePrefix, TEMPLATE_ENV, TEST_REDIS_URL, waitFor } from '@tidings/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { SharedThrottlerStorage } from './shared-throttler-storage';

/** take() against the real Redis, and alone in this process when Redis does not answer. */
describe('SharedThrottlerStorage.take (INGEST_DELIVERY_RATE_LIMIT)', () => {
  const prefix = `${process.env[TEMPLATE_ENV] ?? 'tidings_test'}_${randomBytes(4).toString('hex')}`;
  const storages: SharedThrottlerStorage[] = [];
  const storage = (redisUrl: string) => {
    const made = new SharedThrottlerStorage(parseConfig({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix }));
    storages.push(made);
    return made;
  };

  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  /** A storage counting in Redis: until its client has connected, it counts alone (as the api does for its first requests). */
  const shared = async () => {
    const made = storage(TEST_REDIS_URL);
    const probe = `${prefix}:probe:${randomBytes(4).toString('hex')}`;
    await waitFor('the storage counting in Redis', async () => (await made.take(probe, 1, 1e9, 60_000)) && (await redis.exists(probe)) === 1);
    return made;
  };

  afterAll(async () => {
    for (const made of storages) made.onApplicationShutdown();
    await clearQueuePrefix(prefix);
    redis.disconnect();
  });

  it('takes amounts until the next would pass the limit, refuses that one without counting it, and shares the count', async () => {
    const [a, b] = [await shared(), await shared()];
    const key = `${prefix}:ingest-deliveries:k1`;
    expect(await a.take(key, 6, 10, 60_000)).toMatchObject({ taken: true });
    const refused = await b.take(key, 5, 10, 60_000);
    expect(refused.taken).toBe(false);
    expect(refused.resetsInMs).toBeGreaterThan(50_000);
    expect(refused.resetsInMs).toBeLessThanOrEqual(60_000);
    // The refused 5 were not counted: 4 more still fit, then nothing.
    expect(await b.take(key, 4, 10, 60_000)).toMatchObject({ taken: true });
    expect(await a.take(key, 1, 10, 60_000)).toMatchObject({ taken: false });
  });

  it('starts a new window when the old one ends', async () => {
    const s = await shared();
    const key = `${prefix}:ingest-deliveries:k2`;
    expect(await s.take(key, 3, 3, 300)).toMatchObject({ taken: true });
    const refused = await s.take(key, 1, 3, 300);
    expect(refused.taken).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, refused.resetsInMs + 50));
    expect(await s.take(key, 1, 3, 300)).toMatchObject({ taken: true });
  });

  it('counts in this process alone while Redis does not answer', async () => {
    // Nothing listens on port 1: every count fails at once.
    const s = storage('redis://127.0.0.1:1');
    const key = `${prefix}:ingest-deliveries:k3`;
    expect(await s.take(key, 2, 3, 60_000)).toMatchObject({ taken: true });
    expect(await s.take(key, 2, 3, 60_000)).toMatchObject({ taken: false });
    expect(await s.take(key, 1, 3, 60_000)).toMatchObject({ taken: true });
  });
});
