import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { renderJoinedMetrics, TidingsMetrics } from '@tidings/metrics';
import { Public } from '../auth/require-scope.decorator';
import { IN_PROCESS_WORKER, InProcessWorker } from './in-process-worker';

/** Prometheus text format. Public like /health: counts and durations only, no ids, payloads or secrets. */
@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: TidingsMetrics,
    @Optional() @Inject(IN_PROCESS_WORKER) private readonly worker?: InProcessWorker,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics of this api process (and of the worker sharing it, under `npm start`)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'Prometheus text format 0.0.4' })
  render(): Promise<string> {
    return this.worker ? renderJoinedMetrics([this.metrics, this.worker.metrics]) : this.metrics.render();
  }
}
