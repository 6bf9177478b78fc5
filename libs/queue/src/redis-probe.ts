import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { within } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { Cluster, Redis } from 'ioredis';
import { createRedisClient } from './redis-connection';

/** A small, fail-fast Redis connection for readiness checks. */
@Injectable()
export class RedisProbe implements OnModuleDestroy {
  private readonly client: Redis | Cluster;

  constructor(config: TidingsConfig) {
    this.client = createRedisClient(config.redisUrl, 'producer', { connectTimeout: 1000 });
    this.client.on('error', () => undefined);
  }

  async reachable(timeoutMs = 1000): Promise<boolean> {
    try {
      if (this.client.status === 'wait' || this.client.status === 'end') await this.client.connect().catch(() => undefined);
      const pong = await within(this.client.ping(), timeoutMs, 'Redis');
      return pong === 'PONG';
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}
