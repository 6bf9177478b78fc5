import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RedisProbe } from '@tidings/queue';
import { Public } from '../auth/require-scope.decorator';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisProbe,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready when Postgres answers. Redis is reported too, but the api does not
   * need it (it writes only to Postgres; the worker relays), so its absence
   * does not take the api out of service.
   */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Postgres reachable (503 if not); Redis reported' })
  ready() {
    return this.health.check([
      () => this.postgres.pingCheck('postgres', { timeout: 2000 }),
      async () => {
        const reachable = await this.redis.reachable();
        return this.indicators.check('redis').up({ reachable, required_by_api: false });
      },
    ]);
  }
}
