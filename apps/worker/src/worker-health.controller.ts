import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { TidingsMetrics } from '@tidings/metrics';
import { WorkerReadiness } from './worker-readiness';

/** The worker's own small HTTP face on WORKER_PORT (a worker process of its own; `npm start` serves these on the api's port). */
@Controller()
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: WorkerReadiness,
    private readonly metrics: TidingsMetrics,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.readiness.checks);
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  render(): Promise<string> {
    return this.metrics.render();
  }
}
