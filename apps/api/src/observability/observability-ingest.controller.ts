import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiTags, SchemaObject } from '@nestjs/swagger';
import { IngestObservabilityEvent, ObservabilityKind } from '@tidings/ingest';
import { AcceptServiceAccountKey, RequireScope } from '../auth/require-scope.decorator';
import { IngestRateLimited } from '../http/ingest-throttler.guard';
import { ApiError } from '../openapi/api-error.decorator';

const COMMON = {
  pipeline_key: 'SFTP_to_Tableau',
  run_key: 'airflow-123',
  task_key: 'redshift_load',
  event_timestamp: '2026-11-20T10:07:00Z',
};

/**
 * A body as the document describes it: an object (libs/ingest validates its
 * fields per route, as DataKitchen's v1 schemas do, and refuses unknown ones),
 * with the route's example.
 */
const bodySchema = (example: Record<string, unknown>): SchemaObject => ({ type: 'object', additionalProperties: true, example });

/**
 * The observability Event Ingestion API (DataKitchen v1 shape, DESIGN §7.2).
 * Data tools send their key as "ServiceAccountAuthenticationKey: <key>" or as
 * a Bearer token; every route answers 204 with no body.
 */
@ApiTags('observability')
@ApiNoContentResponse({ description: 'Accepted' })
@ApiError(400, 'validation_failed: invalid or unknown fields (every one in details)')
@IngestRateLimited()
@Controller('events/v1')
@RequireScope('events:write')
@AcceptServiceAccountKey()
export class ObservabilityIngestController {
  constructor(private readonly ingest: IngestObservabilityEvent) {}

  @Post('run-status')
  @HttpCode(204)
  @ApiOperation({ summary: 'A run (no task_key) or task status: RUNNING, COMPLETED, COMPLETED_WITH_WARNINGS or FAILED' })
  @ApiBody({ schema: bodySchema({ ...COMMON, status: 'FAILED' }) })
  async runStatus(@Body() body: unknown): Promise<void> {
    await this.record('run-status', body);
  }

  @Post('message-log')
  @HttpCode(204)
  @ApiOperation({
    summary: 'A log message (ERROR, WARNING or INFO, optional message_details) for a run, task, stream (stream_key) or server (server_key)',
  })
  @ApiBody({
    schema: bodySchema({ ...COMMON, log_level: 'ERROR', message: 'COPY failed: column "amount" is numeric', message_details: 'line 1042' }),
  })
  async messageLog(@Body() body: unknown): Promise<void> {
    await this.record('message-log', body);
  }

  @Post('metric-log')
  @HttpCode(204)
  @ApiOperation({ summary: 'A metric value (finite number) for a run, task, stream (stream_key) or server (server_key)' })
  @ApiBody({ schema: bodySchema({ ...COMMON, metric_key: 'rows_loaded', metric_value: 120000 }) })
  async metricLog(@Body() body: unknown): Promise<void> {
    await this.record('metric-log', body);
  }

  @Post('test-outcomes')
  @HttpCode(204)
  @ApiOperation({
    summary: '1 to 500 test outcomes (PASSED, FAILED or WARNING) for a run, task, stream (stream_key) or server (server_key)',
  })
  @ApiBody({ schema: bodySchema({ ...COMMON, test_outcomes: [{ name: 'no_null_customer_ids', status: 'FAILED', metric_value: 12 }] }) })
  async testOutcomes(@Body() body: unknown): Promise<void> {
    await this.record('test-outcomes', body);
  }

  @Post('dataset-operation')
  @HttpCode(204)
  @ApiOperation({ summary: 'A READ or WRITE of a dataset (dataset_key instead of pipeline_key and run_key)' })
  @ApiBody({ schema: bodySchema({ dataset_key: 'orders_raw', operation: 'WRITE', path: 'incoming/orders.csv' }) })
  async datasetOperation(@Body() body: unknown): Promise<void> {
    await this.record('dataset-operation', body);
  }

  private async record(kind: ObservabilityKind, body: unknown): Promise<void> {
    await this.ingest.execute(kind, body);
  }
}
