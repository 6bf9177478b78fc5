import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetLineageGraph, GetLineageRun } from '@tidings/ingest';
import { ApiError } from '../openapi/api-error.decorator';
import { LineageGraphQuery } from './dtos/lineage-graph.query';
import { LineageGraphResponse, LineageRunResponse } from './dtos/lineage.response';

/** Reads over what OpenLineage ingestion kept; admin keys only, like the event log. */
@ApiTags('lineage')
@Controller('v1/lineage')
export class LineageController {
  constructor(
    private readonly graph: GetLineageGraph,
    private readonly runs: GetLineageRun,
  ) {}

  @Get('graph')
  @ApiOperation({
    summary: 'Jobs and datasets upstream and downstream of a job or dataset',
    description:
      "Edges come from a job's reports of its inputs and outputs: COMPLETE run events, RUNNING (and START) events of a streaming job " +
      '(jobType.processingType STREAMING), and JobEvents. The newest report of a job, by eventTime, is its current version; ' +
      'only its edges are walked unless include=history. A job known from its events whose current version has no datasets ' +
      'answers 200 with an empty neighbourhood.',
  })
  @ApiOkResponse({ type: LineageGraphResponse })
  @ApiError(404, 'not_found: no event named a job, and no edge a dataset, of that namespace and name')
  getGraph(@Query() query: LineageGraphQuery): Promise<LineageGraphResponse> {
    return this.graph.execute(query);
  }

  @Get('runs/:run_id')
  @ApiOperation({ summary: 'One OpenLineage run: its state, its parent run and its child runs' })
  @ApiOkResponse({ type: LineageRunResponse })
  @ApiError(404, 'not_found: no such run')
  getRun(@Param('run_id', ParseUUIDPipe) runId: string): Promise<LineageRunResponse> {
    return this.runs.execute(runId.toLowerCase());
  }
}
