import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { parseRedisUrl, TidingsConfig } from '@tidings/config';
import { Cluster, Redis } from 'ioredis';
import { createRedisClient, describeRedisTarget } from './redis-connection';

type RedisState = 'unknown' | 'up' | 'down' | 'stopped';

/**
 * Says when the worker cannot reach Redis: a WARN at once (at start too), one
 * line on every change (down → up → down), never one per retry and never
 * silence. BullMQ's own connections retry quietly, so without this a worker
 * started without Redis logged "successfully started" and nothing else.
 * It watches a connection of its own; ioredis retries it every 2 s at most.
 */
@Injectable()
export class RedisStateLog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly where: string;
  private client?: Redis | Cluster;
  private state: RedisState = 'unknown';

  constructor(private readonly config: TidingsConfig) {
    this.where = describeRedisTarget(parseRedisUrl(config.redisUrl));
  }

  onApplicationBootstrap(): void {
    const client = createRedisClient(this.config.redisUrl, 'producer', { connectionName: 'tidings-redis-watch' });
    this.client = client;
    client.on('ready', () => this.change('up'));
    client.on('error', (error: Error) => this.change('down', error.message || (error as { code?: string }).code));
    // A server that goes away closes the socket before any command fails.
    client.on('close', () => this.change('down', 'connection closed'));
    client.connect().catch(() => undefined); // reported through 'error'
  }

  async onApplicationShutdown(): Promise<void> {
    this.state = 'stopped';
    this.client?.disconnect();
  }

  private change(next: 'up' | 'down', reason?: string): void {
    if (this.state === 'stopped' || this.state === next) return;
    const previous = this.state;
    this.state = next;
    if (next === 'down') {
      const lost = previous === 'up' ? 'is no longer reachable' : 'is unreachable';
      this.logger.warn(
        `Redis at ${this.where} ${lost} (${reason ?? 'no answer'}); check REDIS_URL. Webhook deliveries wait in Postgres and go out once it answers; retrying every 2 s`,
      );
    } else if (previous === 'down') {
      this.logger.log(`Redis at ${this.where} is reachable again`);
    } else {
      this.logger.log(`Redis at ${this.where} is reachable`);
    }
  }
}
