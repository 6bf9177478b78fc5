import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TidingsMetrics } from '@tidings/metrics';
import { Public } from '../auth/require-scope.decorator';

/** Prometheus text format. Public like /health: counts and durations only, no ids, payloads or secrets. */
@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TidingsMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics of this api process' })
  render(): Promise<string> {
    return this.metrics.render();
  }
}
