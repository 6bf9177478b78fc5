import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { LOG_LEVELS, OBSERVED_STATUSES, TEST_STATUSES } from '@tidings/events';
import { ObservedRunListItem, ObservedRunSummary } from '@tidings/ingest';
import { PageOf } from '../../http/pagination';
import { ApiDateTime, ApiInteger, ApiUuid } from '../../openapi/api-properties';
import { ScheduleResponse } from './schedule.response';

@ApiSchema({ name: 'ObservedTaskState' })
export class ObservedTaskStateResponse {
  @ApiProperty() key: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ enum: OBSERVED_STATUSES }) status: string;
  @ApiDateTime() started_at: Date;
  @ApiDateTime({ nullable: true }) ended_at: Date | null;
}

@ApiSchema({ name: 'ObservedRunListItem' })
export class ObservedRunListItemResponse implements ObservedRunListItem {
  @ApiUuid() id: string;
  @ApiProperty() pipeline_key: string;
  @ApiProperty({ type: String, nullable: true }) pipeline_name: string | null;
  @ApiProperty() run_key: string;
  @ApiProperty({ type: String, nullable: true }) run_name: string | null;
  @ApiProperty({ enum: OBSERVED_STATUSES }) status: string;
  @ApiDateTime() started_at: Date;
  @ApiDateTime({ nullable: true }) ended_at: Date | null;
  @ApiInteger() error_count: number;
  @ApiInteger() warning_count: number;
  @ApiProperty({ type: [ObservedTaskStateResponse] }) tasks: ObservedTaskStateResponse[];
  @ApiProperty({ type: ScheduleResponse, nullable: true, description: "The pipeline's expected-run schedule and its state" })
  schedule: ScheduleResponse | null;
}

export const ObservedRunPage = PageOf(ObservedRunListItemResponse, 'ObservedRunPage');

@ApiSchema({ name: 'LogCounts' })
export class LogCountsResponse {
  @ApiInteger() error: number;
  @ApiInteger() warning: number;
  @ApiInteger() info: number;
}

@ApiSchema({ name: 'ObservedPipeline' })
export class ObservedPipelineResponse {
  @ApiProperty() key: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
}

@ApiSchema({ name: 'ObservedRunState' })
export class ObservedRunStateResponse {
  @ApiProperty() key: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ enum: OBSERVED_STATUSES }) status: string;
  @ApiDateTime() started_at: Date;
  @ApiDateTime({ nullable: true }) ended_at: Date | null;
  @ApiInteger({ nullable: true, description: 'Null while the run has not ended' }) duration_ms: number | null;
}

@ApiSchema({ name: 'ObservedTask' })
export class ObservedTaskResponse extends ObservedTaskStateResponse {
  @ApiProperty() logs: LogCountsResponse;
}

@ApiSchema({ name: 'ObservedTaskCounts' })
export class ObservedTaskCountsResponse {
  @ApiInteger() total: number;
  @ApiInteger() running: number;
  @ApiInteger() completed: number;
  @ApiInteger() completed_with_warnings: number;
  @ApiInteger() failed: number;
}

@ApiSchema({ name: 'ObservedLogMessage' })
export class ObservedLogMessageResponse {
  @ApiProperty({ enum: LOG_LEVELS }) level: string;
  @ApiProperty() message: string;
  @ApiProperty({ type: String, nullable: true }) task_key: string | null;
  @ApiDateTime() timestamp: Date;
}

@ApiSchema({ name: 'ObservedLogs' })
export class ObservedLogsResponse extends LogCountsResponse {
  @ApiProperty({ type: [ObservedLogMessageResponse], description: 'The latest messages, newest first' })
  latest: ObservedLogMessageResponse[];
}

@ApiSchema({ name: 'ObservedTest' })
export class ObservedTestResponse {
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) task_key: string | null;
  @ApiProperty({ enum: TEST_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: Number, nullable: true }) metric_value: number | null;
  @ApiProperty({ type: Number, nullable: true }) min_threshold: number | null;
  @ApiProperty({ type: Number, nullable: true }) max_threshold: number | null;
  @ApiDateTime() reported_at: Date;
}

@ApiSchema({ name: 'ObservedTests' })
export class ObservedTestsResponse {
  @ApiInteger() total: number;
  @ApiInteger() passed: number;
  @ApiInteger() failed: number;
  @ApiInteger() warning: number;
  @ApiProperty({ type: [ObservedTestResponse], description: 'The tests whose latest outcome is FAILED, then WARNING' })
  not_passed: ObservedTestResponse[];
}

@ApiSchema({ name: 'ObservedMetric' })
export class ObservedMetricResponse {
  @ApiProperty() key: string;
  @ApiProperty({ type: String, nullable: true }) task_key: string | null;
  @ApiProperty({ description: 'The latest value' }) value: number;
  @ApiDateTime() reported_at: Date;
  @ApiInteger() samples: number;
  @ApiProperty() min: number;
  @ApiProperty() max: number;
}

@ApiSchema({ name: 'ObservedRunSummary' })
export class ObservedRunSummaryResponse implements ObservedRunSummary {
  @ApiProperty() pipeline: ObservedPipelineResponse;
  @ApiProperty() run: ObservedRunStateResponse;
  @ApiProperty({ type: [ObservedTaskResponse] }) tasks: ObservedTaskResponse[];
  @ApiProperty() task_counts: ObservedTaskCountsResponse;
  @ApiProperty({ type: [String] }) running_tasks: string[];
  @ApiProperty({ type: [String] }) failed_tasks: string[];
  @ApiProperty() logs: ObservedLogsResponse;
  @ApiProperty() tests: ObservedTestsResponse;
  @ApiProperty({ type: [ObservedMetricResponse] }) metrics: ObservedMetricResponse[];
  @ApiProperty({ type: ScheduleResponse, nullable: true, description: "The pipeline's expected-run schedule and its state" })
  schedule: ScheduleResponse | null;
}
