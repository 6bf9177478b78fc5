import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { within } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { createRedisClient } from '@tidings/queue';
import { Cluster } from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** What take() answers: whether the amount was taken, and when the window ends (ms). */
export interface Allowance {
  taken: boolean;
  resetsInMs: number;
}

/** How long a count may take in Redis before this api counts on its own for that request. */
const REDIS_COUNT_TIMEOUT_MS = 250;

/**
 * Adds ARGV[1] to KEYS[1], a count that expires ARGV[3] ms after its first
 * addition, unless that would take it past ARGV[2]: then nothing is added.
 * Answers {taken 1/0, ms until the window ends}.
 */
const TAKE_LUA = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local taken = 0
if count + amount <= limit then
  redis.call('INCRBY', KEYS[1], amount)
  taken = 1
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 and taken == 1 then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
if ttl < 0 then ttl = 0 end
return {taken, ttl}`;

/**
 * The ingestion limits, counted in Redis so that every api replica shares one
 * budget per key: INGEST_RATE_LIMIT (requests, through the throttler's own
 * Redis storage) and INGEST_DELIVERY_RATE_LIMIT (deliveries, take()). The api
 * must keep taking events while Redis is away (they go to Postgres), so then
 * each process counts alone, as it did before, with a WARN at each change of state.
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IngestRateLimit');
  private readonly redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private readonly localCounts = new Map<string, { count: number; endsAt: number }>();
  private alone = false;
  private readonly connected: Promise<void>;

  constructor(config: TidingsConfig) {
    this.redis = createRedisClient(config.redisUrl, 'producer', { connectTimeout: 1000 });
    this.redis.on('error', () => undefined); // its state is reported by the count that fails, below
    // Connected now, not at the first count: commands are not queued while it connects, they fail (and count alone).
    this.connected = this.redis.connect().catch(() => undefined);
    // (Two overloads: a server's client or a Cluster.)
    this.shared =
      this.redis instanceof Cluster ? new ThrottlerStorageRedisService(this.redis) : new ThrottlerStorageRedisService(this.redis);
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    return this.counted(
      () => this.shared.increment(key, ttl, limit, blockDuration, throttlerName),
      () => this.local.increment(key, ttl, limit, blockDuration, throttlerName),
    );
  }

  /** Adds `amount` to `key`'s count for a window of `windowMs`, unless that would take it past `limit`. */
  take(key: string, amount: number, limit: number, windowMs: number): Promise<Allowance> {
    return this.counted(
      async () => {
        const [taken, ttl] = (await this.redis.eval(TAKE_LUA, 1, key, amount, limit, windowMs)) as [number, number];
        return { taken: taken === 1, resetsInMs: ttl };
      },
      () => {
        const now = Date.now();
        let window = this.localCounts.get(key);
        if (!window || window.endsAt <= now) this.localCounts.set(key, (window = { count: 0, endsAt: now + windowMs }));
        const taken = window.count + amount <= limit;
        if (taken) window.count += amount;
        this.sweepLocalCounts(now);
        return { taken, resetsInMs: window.endsAt - now };
      },
    );
  }

  /** In Redis within REDIS_COUNT_TIMEOUT_MS, else in this process. */
  private async counted<T>(inRedis: () => Promise<T>, here: () => T | Promise<T>): Promise<T> {
    try {
      const result = await within(inRedis(), REDIS_COUNT_TIMEOUT_MS, 'Redis');
      if (this.alone) this.logger.warn('Redis answers again: the ingestion limits are counted across all api processes again');
      this.alone = false;
      return result;
    } catch (error) {
      if (!this.alone) this.logger.warn(`The ingestion limits are counted in this process only: ${(error as Error).message}`);
      this.alone = true;
      return here();
    }
  }

  /** Forgets ended windows once there are many (keys are API keys: few, but not bounded). */
  private sweepLocalCounts(now: number): void {
    if (this.localCounts.size < 1000) return;
    for (const [key, window] of this.localCounts) if (window.endsAt <= now) this.localCounts.delete(key);
  }

  /** Before the api listens: its first requests are counted in Redis too, unless Redis does not answer within a second. */
  async onApplicationBootstrap(): Promise<void> {
    await within(this.connected, 1000, 'Redis').catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
    this.redis.disconnect();
  }
}
