import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { within } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { createRedisClient } from '@tidings/queue';
import { Cluster } from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** How long a count may take in Redis before this api counts on its own for that request. */
const REDIS_COUNT_TIMEOUT_MS = 250;

/**
 * INGEST_RATE_LIMIT counted in Redis, so every api replica shares one budget
 * per key (the throttler's own Redis storage). The api must keep taking
 * events while Redis is away (they go to Postgres), so then each process
 * counts alone, as it did before, with a WARN at each change of state.
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('IngestRateLimit');
  private readonly redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private alone = false;

  constructor(config: TidingsConfig) {
    this.redis = createRedisClient(config.redisUrl, 'producer', { connectTimeout: 1000 });
    this.redis.on('error', () => undefined); // its state is reported by the count that fails, below
    // Connected now, not at the first count: commands are not queued while it connects, they fail (and count alone).
    void this.redis.connect().catch(() => undefined);
    // (Two overloads: a server's client or a Cluster.)
    this.shared =
      this.redis instanceof Cluster ? new ThrottlerStorageRedisService(this.redis) : new ThrottlerStorageRedisService(this.redis);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    try {
      const record = await within(this.shared.increment(key, ttl, limit, blockDuration, throttlerName), REDIS_COUNT_TIMEOUT_MS, 'Redis');
      if (this.alone) this.logger.warn('Redis answers again: INGEST_RATE_LIMIT is counted across all api processes again');
      this.alone = false;
      return record;
    } catch (error) {
      if (!this.alone) {
        this.logger.warn(`INGEST_RATE_LIMIT is counted in this process only: ${(error as Error).message}`);
      }
      this.alone = true;
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
    this.redis.disconnect();
  }
}
