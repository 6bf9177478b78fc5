import { Injectable } from '@nestjs/common';
import { HealthIndicatorFunction, HealthIndicatorResult, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { within } from '@tidings/common';
import { readDeliveryLag } from '@tidings/deliveries';
import { RedisProbe } from '@tidings/queue';
import { DataSource } from 'typeorm';

/**
 * What makes the worker ready: it can reach both Postgres and Redis. The
 * delivery lag is shown beside them but never makes it unready: a backlog is a
 * reason to add workers, not to stop sending this one traffic. Served on the
 * worker's own port, or by the api's /health/ready when both share a process.
 */
@Injectable()
export class WorkerReadiness {
  constructor(
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisProbe,
    private readonly db: DataSource,
  ) {}

  readonly checks: HealthIndicatorFunction[] = [
    () => this.postgres.pingCheck('postgres', { timeout: 2000 }),
    async () => {
      const check = this.indicators.check('redis');
      return (await this.redis.reachable()) ? check.up() : check.down({ message: 'Redis does not answer' });
    },
    () => this.deliveryLag(),
  ];

  /** All checks in one object, for a caller that reports them under its own key. */
  async check(): Promise<{ up: boolean; details: HealthIndicatorResult }> {
    const results = await Promise.all(this.checks.map((check) => check()));
    const details: HealthIndicatorResult = Object.assign({}, ...results);
    return { up: Object.values(details).every((detail) => detail.status === 'up'), details };
  }

  /** Always `up`; bounded like the Postgres ping, so a slow database cannot hold the probe. */
  private async deliveryLag() {
    const check = this.indicators.check('deliveries');
    try {
      const lag = await within(readDeliveryLag(this.db), 2000, 'Postgres');
      return check.up({ due: lag.due, due_capped: lag.capped, oldest_due_seconds: Math.round(lag.oldestDueSeconds * 1000) / 1000 });
    } catch (error) {
      return check.up({ due: null, message: `lag unknown: ${(error as Error).message}` });
    }
  }
}
