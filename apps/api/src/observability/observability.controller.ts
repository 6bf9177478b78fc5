import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetObservedRunSummary, ListObservedRuns } from '@tidings/ingest';
import { Page, page } from '../http/pagination';
import { ApiError } from '../openapi/api-error.decorator';
import { ObservedRunListItemResponse, ObservedRunPage, ObservedRunSummaryResponse } from './dtos/observed-run.response';
import { ListObservedRunsQuery } from './dtos/list-observed-runs.query';

/** Reads over observed runs; admin keys only, like the event log (an events:write key may be any tool's). */
@ApiTags('observability')
@Controller('v1/observability')
export class ObservabilityController {
  constructor(
    private readonly summary: GetObservedRunSummary,
    private readonly runs: ListObservedRuns,
  ) {}

  @Get('runs')
  @ApiOperation({ summary: 'Recent observed runs, newest first, with their tasks\' states' })
  @ApiOkResponse({ type: ObservedRunPage })
  async list(@Query() query: ListObservedRunsQuery): Promise<Page<ObservedRunListItemResponse>> {
    const limit = query.limit ?? 50;
    return page(await this.runs.execute(limit, query.cursor, query.pipeline_key), limit);
  }

  @Get('pipelines/:pipeline_key/runs/:run_key')
  @ApiOperation({ summary: 'A run: status and times, tasks, log counts and latest messages, test outcomes, metrics' })
  @ApiOkResponse({ type: ObservedRunSummaryResponse })
  @ApiError(404, 'not_found: no such run of that pipeline')
  getRun(@Param('pipeline_key') pipelineKey: string, @Param('run_key') runKey: string): Promise<ObservedRunSummaryResponse> {
    return this.summary.execute(pipelineKey, runKey);
  }
}
