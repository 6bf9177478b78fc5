import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetLineageGraph, GetLineageRun, LineageGraph, LineageRunView } from '@tidings/ingest';
import { LineageGraphQuery } from './dtos/lineage-graph.query';

/** Reads over what OpenLineage ingestion kept; admin keys only, like the event log. */
@ApiTags('lineage')
@ApiBearerAuth()
@Controller('v1/lineage')
export class LineageController {
  constructor(
    private readonly graph: GetLineageGraph,
    private readonly runs: GetLineageRun,
  ) {}

  @Get('graph')
  @ApiOperation({ summary: 'Jobs and datasets upstream and downstream of a job or dataset (edges from COMPLETE run events)' })
  getGraph(@Query() query: LineageGraphQuery): Promise<LineageGraph> {
    return this.graph.execute(query);
  }

  @Get('runs/:run_id')
  @ApiOperation({ summary: 'One OpenLineage run: its state, its parent run and its child runs' })
  getRun(@Param('run_id', ParseUUIDPipe) runId: string): Promise<LineageRunView> {
    return this.runs.execute(runId.toLowerCase());
  }
}
