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
  @ApiOperation({ summary: 'Jobs and datasets upstream and downstream of a job or dataset (edges from COMPLETE run events)' })
  @ApiOkResponse({ type: LineageGraphResponse })
  @ApiError(404, 'not_found: no job or dataset of that namespace and name')
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
