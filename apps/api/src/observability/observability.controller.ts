import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetObservedRunSummary, ObservedRunSummary } from '@tidings/ingest';

/** Reads over observed runs; admin keys only, like the event log (an events:write key may be any tool's). */
@ApiTags('observability')
@ApiBearerAuth()
@Controller('v1/observability')
export class ObservabilityController {
  constructor(private readonly summary: GetObservedRunSummary) {}

  @Get('pipelines/:pipeline_key/runs/:run_key')
  @ApiOperation({ summary: 'A run: status and times, tasks, log counts and latest messages, test outcomes, metrics' })
  getRun(@Param('pipeline_key') pipelineKey: string, @Param('run_key') runKey: string): Promise<ObservedRunSummary> {
    return this.summary.execute(pipelineKey, runKey);
  }
}
