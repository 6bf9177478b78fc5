import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeleteSchedule, GetObservedRunSummary, GetScheduleViews, IngestError, ListObservedRuns, SaveSchedule, ScheduleView } from '@tidings/ingest';
import { Page, page } from '../http/pagination';
import { ApiError } from '../openapi/api-error.decorator';
import { ObservedRunListItemResponse, ObservedRunPage, ObservedRunSummaryResponse } from './dtos/observed-run.response';
import { ListObservedRunsQuery } from './dtos/list-observed-runs.query';
import { ScheduleBody, ScheduleResponse } from './dtos/schedule.response';

/**
 * Reads over observed runs, and pipelines' expected-run schedules; admin keys
 * only, like the event log and webhooks (an events:write key may be any tool's,
 * and a schedule decides who is alerted about what).
 */
@ApiTags('observability')
@Controller('v1/observability')
export class ObservabilityController {
  constructor(
    private readonly summary: GetObservedRunSummary,
    private readonly runs: ListObservedRuns,
    private readonly saveSchedule: SaveSchedule,
    private readonly deleteSchedule: DeleteSchedule,
    private readonly schedules: GetScheduleViews,
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

  @Put('pipelines/:pipeline_key/schedule')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create or replace the expected-run schedule of a pipeline',
    description:
      'For each cron tick, observability:run:missing is recorded if no run of the pipeline started within start_within, and ' +
      'observability:run:late if the run that started for the tick has not ended finish_within after it. Ticks are judged from now on.',
  })
  @ApiBody({ type: ScheduleBody })
  @ApiOkResponse({ type: ScheduleResponse })
  @ApiError(400, 'validation_failed: bad cron expression, unknown time zone, or a duration that is not positive whole seconds (every problem in details)')
  async putSchedule(@Param('pipeline_key') pipelineKey: string, @Body() body: unknown): Promise<ScheduleView> {
    return (await this.saveSchedule.execute(pipelineKey, body)).schedule;
  }

  @Get('pipelines/:pipeline_key/schedule')
  @ApiOperation({ summary: 'A pipeline\'s expected-run schedule with its state: next tick, last missing and last late tick' })
  @ApiOkResponse({ type: ScheduleResponse })
  @ApiError(404, 'not_found: the pipeline has no schedule')
  async getSchedule(@Param('pipeline_key') pipelineKey: string): Promise<ScheduleView> {
    const view = await this.schedules.one(pipelineKey);
    if (!view) throw new IngestError('not_found', `Pipeline ${pipelineKey} has no schedule`);
    return view;
  }

  @Delete('pipelines/:pipeline_key/schedule')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop expecting runs of a pipeline (events already recorded stay)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiError(404, 'not_found: the pipeline has no schedule')
  async removeSchedule(@Param('pipeline_key') pipelineKey: string): Promise<void> {
    await this.deleteSchedule.execute(pipelineKey);
  }
}
