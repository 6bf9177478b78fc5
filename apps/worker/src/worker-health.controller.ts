import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { readDeliveryLag } from '@tidings/deliveries';
import { TidingsMetrics } from '@tidings/metrics';
import { RedisProbe } from '@tidings/queue';
import { DataSource } from 'typeorm';

/**
 * The worker's own small HTTP face: it is ready only while it can reach both
 * Postgres and Redis. The delivery lag is shown beside them but never makes it
 * unready: a backlog is a reason to add workers, not to stop sending this one traffic.
 */
@Controller()
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisProbe,
    private readonly metrics: TidingsMetrics,
    private readonly db: DataSource,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.postgres.pingCheck('postgres', { timeout: 2000 }),
      async () => {
        const check = this.indicators.check('redis');
        return (await this.redis.reachable()) ? check.up() : check.down({ message: 'Redis does not answer' });
      },
      () => this.deliveryLag(),
    ]);
  }

  /** Always `up`; bounded like the Postgres ping, so a slow database cannot hold the probe. */
  private async deliveryLag() {
    const check = this.indicators.check('deliveries');
    let timer: NodeJS.Timeout | undefined;
    try {
      const lag = await Promise.race([
        readDeliveryLag(this.db),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 2000 ms')), 2000))),
      ]);
      return check.up({ due: lag.due, due_capped: lag.capped, oldest_due_seconds: Math.round(lag.oldestDueSeconds * 1000) / 1000 });
    } catch (error) {
      return check.up({ due: null, message: `lag unknown: ${(error as Error).message}` });
    } finally {
      clearTimeout(timer);
    }
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  render(): Promise<string> {
    return this.metrics.render();
  }
}
