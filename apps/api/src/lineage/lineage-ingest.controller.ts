import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, SchemaObject } from '@nestjs/swagger';
import { IngestLineageBatch, IngestLineageEvent, MAX_LINEAGE_BATCH } from '@tidings/ingest';
import { RequireScope } from '../auth/require-scope.decorator';
import { receivedItemTexts } from '../http/body-parsing';
import { IngestRateLimited } from '../http/ingest-throttler.guard';
import { ApiError } from '../openapi/api-error.decorator';
import { LineageBatchResponse, LineageIngestResponse } from './dtos/lineage.response';

/** Validated against the OpenLineage spec itself (libs/ingest); here only what every kind of event requires. */
const EVENT_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'An OpenLineage 2-0-2 RunEvent, DatasetEvent or JobEvent (https://openlineage.io/spec/2-0-2/OpenLineage.json)',
  required: ['eventTime', 'producer', 'schemaURL'],
  properties: {
    eventTime: { type: 'string', format: 'date-time' },
    producer: { type: 'string' },
    schemaURL: { type: 'string' },
  },
  additionalProperties: true,
  example: {
    eventType: 'COMPLETE',
    eventTime: '2026-11-20T10:04:12.345Z',
    producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/spark',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: '0193689a-0000-7000-8000-0000000000b1' },
    job: { namespace: 'spark-prod', name: 'daily_orders.load_orders' },
    inputs: [{ namespace: 's3://raw-bucket', name: 'orders/2026-11-19' }],
    outputs: [{ namespace: 'redshift://warehouse.example.com:5439', name: 'analytics.public.orders' }],
  },
};

/** OpenLineage's HTTP transport posts here (its default endpoint is /api/v1/lineage). */
@ApiTags('lineage')
@IngestRateLimited()
@Controller('api/v1/lineage')
export class LineageIngestController {
  constructor(
    private readonly ingestEvent: IngestLineageEvent,
    private readonly ingestBatch: IngestLineageBatch,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('events:write')
  @ApiOperation({ summary: 'Ingest one OpenLineage event (gzip allowed); it becomes a typed lineage:* event' })
  @ApiBody({ schema: EVENT_SCHEMA })
  @ApiCreatedResponse({ type: LineageIngestResponse })
  @ApiError(400, 'validation_failed: invalid per OpenLineage 2-0-2; details name each field by JSON pointer (/run/runId)')
  ingest(@Body() body: unknown): Promise<LineageIngestResponse> {
    return this.ingestEvent.execute(body);
  }

  @Post('batch')
  @HttpCode(200)
  @RequireScope('events:write')
  @ApiOperation({ summary: `Ingest up to ${MAX_LINEAGE_BATCH} OpenLineage events; each is validated and stored alone` })
  @ApiBody({ schema: { type: 'array', items: EVENT_SCHEMA } })
  @ApiOkResponse({
    type: LineageBatchResponse,
    description: 'Each event judged alone: the bad ones are in failed_events, the others stored',
  })
  @ApiError(400, `validation_failed: not an array, empty, or more than ${MAX_LINEAGE_BATCH} events`)
  batch(@Body() body: unknown): Promise<LineageBatchResponse> {
    return this.ingestBatch.execute(body, receivedItemTexts(body));
  }
}
