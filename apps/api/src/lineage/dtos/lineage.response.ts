import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { LINEAGE_RUN_STATES, LineageRunState } from '@tidings/events';
import { LineageBatchSummary, LineageGraph, LineageIngestResult, LineageNodeType, LineageRunView } from '@tidings/ingest';
import { BATCH_STATUSES, BatchCountsResponse, FailedBatchItemResponse } from '../../http/batch-summary.dto';
import { ApiDateTime, ApiInteger, ApiUuid } from '../../openapi/api-properties';

const NODE_TYPES: LineageNodeType[] = ['job', 'dataset'];
const OPENLINEAGE_EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'];

@ApiSchema({ name: 'LineageIngestResult' })
export class LineageIngestResponse implements LineageIngestResult {
  @ApiUuid({ description: 'The typed lineage:* event recorded' }) id: string;
  @ApiProperty({ example: 'lineage:run:failed' }) type: string;
  @ApiInteger() deliveries: number;
  @ApiPropertyOptional({ enum: LINEAGE_RUN_STATES, description: "The run's state after this event (RunEvents only)" })
  run_state?: LineageRunState;
}

@ApiSchema({ name: 'LineageBatchEvent' })
export class LineageBatchEventResponse {
  @ApiInteger({ description: 'Position in the batch, from 0' }) index: number;
  @ApiUuid() id: string;
  @ApiProperty() type: string;
}

@ApiSchema({ name: 'LineageBatchResult' })
export class LineageBatchResponse implements LineageBatchSummary {
  @ApiProperty({ enum: BATCH_STATUSES }) status: (typeof BATCH_STATUSES)[number];
  @ApiProperty() summary: BatchCountsResponse;
  @ApiProperty({ type: [FailedBatchItemResponse] }) failed_events: FailedBatchItemResponse[];
  @ApiProperty({ type: [LineageBatchEventResponse] }) events: LineageBatchEventResponse[];
}

@ApiSchema({ name: 'LineageNodeRef' })
export class LineageNodeRefResponse {
  @ApiProperty({ enum: NODE_TYPES }) type: LineageNodeType;
  @ApiProperty() namespace: string;
  @ApiProperty() name: string;
}

@ApiSchema({ name: 'LineageNode' })
export class LineageNodeResponse extends LineageNodeRefResponse {
  @ApiInteger({ description: 'Hops from the node asked about (job → dataset is one hop)' }) distance: number;
}

@ApiSchema({ name: 'LineageNodes' })
export class LineageNodesResponse {
  @ApiProperty({ type: [LineageNodeResponse] }) jobs: LineageNodeResponse[];
  @ApiProperty({ type: [LineageNodeResponse] }) datasets: LineageNodeResponse[];
}

@ApiSchema({ name: 'LineageEdge' })
export class LineageEdgeResponse {
  @ApiProperty() from: LineageNodeRefResponse;
  @ApiProperty() to: LineageNodeRefResponse;
  @ApiDateTime() last_seen_at: Date;
  @ApiUuid({ nullable: true, description: 'The OpenLineage runId that last reported the edge; null when a JobEvent did' })
  last_run_id: string | null;
  @ApiProperty({
    description:
      "Part of the job's current version: its newest report of inputs and outputs (a COMPLETE run, a RUNNING streaming run, a JobEvent). " +
      'Always true unless include=history was asked',
  })
  current: boolean;
}

@ApiSchema({ name: 'LineageGraph' })
export class LineageGraphResponse implements LineageGraph {
  @ApiProperty({ type: [LineageNodeRefResponse], description: 'The node(s) asked about: a job and a dataset may share a name' })
  root: LineageNodeRefResponse[];
  @ApiInteger() depth: number;
  @ApiProperty({ description: 'What feeds the root' }) upstream: LineageNodesResponse;
  @ApiProperty({ description: 'What the root feeds' }) downstream: LineageNodesResponse;
  @ApiProperty({
    type: [LineageEdgeResponse],
    description: 'In data-flow direction; empty for a job whose current version has no datasets',
  })
  edges: LineageEdgeResponse[];
  @ApiProperty({ description: 'The walk stopped at the node limit' }) truncated: boolean;
}

@ApiSchema({ name: 'LineageParentRun' })
export class LineageParentRunResponse {
  @ApiProperty() run_id: string;
  @ApiProperty({ type: String, nullable: true }) namespace: string | null;
  @ApiProperty({ type: String, nullable: true }) job: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Null when the parent run was never reported' })
  state: string | null;
}

@ApiSchema({ name: 'LineageChildRun' })
export class LineageChildRunResponse {
  @ApiProperty() run_id: string;
  @ApiProperty() namespace: string;
  @ApiProperty() job: string;
  @ApiProperty({ enum: LINEAGE_RUN_STATES }) state: string;
  @ApiDateTime() started_at: Date;
  @ApiDateTime({ nullable: true }) ended_at: Date | null;
}

@ApiSchema({ name: 'LineageRun' })
export class LineageRunResponse implements LineageRunView {
  @ApiProperty() run_id: string;
  @ApiProperty() namespace: string;
  @ApiProperty() job: string;
  @ApiProperty({ enum: LINEAGE_RUN_STATES }) state: string;
  @ApiProperty({ enum: OPENLINEAGE_EVENT_TYPES }) last_event_type: string;
  @ApiDateTime() started_at: Date;
  @ApiDateTime({ nullable: true }) ended_at: Date | null;
  @ApiDateTime() last_event_at: Date;
  @ApiInteger() event_count: number;
  @ApiProperty({ type: LineageParentRunResponse, nullable: true }) parent: LineageParentRunResponse | null;
  @ApiProperty({ type: [LineageChildRunResponse], description: 'At most 200, newest first' }) children: LineageChildRunResponse[];
}
