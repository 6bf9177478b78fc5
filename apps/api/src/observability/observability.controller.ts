import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetObservedRunSummary, ListObservedRuns, ObservedRunListItem, ObservedRunSummary } from '@tidings/ingest';
import { Page, page } from '../http/pagination';
import { ListObservedRunsQuery } from './dtos/list-observed-runs.query';

/** Reads over observed runs; admin keys only, like the event log (an events:write key may be any tool's). */
@ApiTags('observability')
@ApiBearerAuth()
@Controller('v1/observability')
export class ObservabilityController {
  constructor(
    private readonly summary: GetObservedRunSummary,
    private readonly runs: ListObservedRuns,
  ) {}

  @Get('runs')
  @ApiOperation({ summary: 'Recent observed runs, newest first, with their tasks\' states' })
  async list(@Query() query: ListObservedRunsQuery): Promise<Page<ObservedRunListItem>> {
    const limit = query.limit ?? 50;
    return page(await this.runs.execute(limit, query.cursor, query.pipeline_key), limit);
  }

  @Get('pipelines/:pipeline_key/runs/:run_key')
  @ApiOperation({ summary: 'A run: status and times, tasks, log counts and latest messages, test outcomes, metrics' })
  getRun(@Param('pipeline_key') pipelineKey: string, @Param('run_key') runKey: string): Promise<ObservedRunSummary> {
    return this.summary.execute(pipelineKey, runKey);
  }
}
