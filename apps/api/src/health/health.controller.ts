import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RedisProbe } from '@tidings/queue';
import { Public } from '../auth/require-scope.decorator';
import { IN_PROCESS_WORKER, InProcessWorker } from '../operations/in-process-worker';
import { LiveResponse } from './dtos/live.response';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisProbe,
    @Optional() @Inject(IN_PROCESS_WORKER) private readonly worker?: InProcessWorker,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: LiveResponse })
  live(): LiveResponse {
    return { status: 'ok' };
  }

  /**
   * Ready when Postgres answers. Redis is reported too, but the api does not
   * need it (it writes only to Postgres; the worker relays), so its absence
   * does not take the api out of service. Under `npm start` the worker's own
   * checks follow under `worker`, and the process is ready only when both are.
   */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Postgres reachable (503 if not); Redis reported; under `npm start`, the worker\'s checks too' })
  ready() {
    return this.health.check([
      () => this.postgres.pingCheck('postgres', { timeout: 2000 }),
      async () => {
        const reachable = await this.redis.reachable();
        return this.indicators.check('redis').up({ reachable, required_by_api: false });
      },
      ...(this.worker ? [() => this.workerReadiness(this.worker!)] : []),
    ]);
  }

  private async workerReadiness(worker: InProcessWorker) {
    const { up, details } = await worker.readiness();
    const check = this.indicators.check('worker');
    return up ? check.up(details) : check.down(details);
  }
}
