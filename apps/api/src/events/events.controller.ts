import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { EVENT_LIMITS, EventQueries, MAX_BATCH_EVENTS, RecordApiEvents } from '@tidings/events';
import { DeliveryQueries } from '@tidings/deliveries';
import { Request, Response } from 'express';
import { RequireScope } from '../auth/require-scope.decorator';
import { DirectRoute } from '../http/direct-route';
import { IngestRateLimited } from '../http/ingest-throttler.guard';
import { JsonBodyLimits } from '../http/json-body.guard';
import { Page, page } from '../http/pagination';
import { toDate } from '../http/validators';
import { ApiError } from '../openapi/api-error.decorator';
import { EventBatchResponse, EventPage, EventResponse, EventWithDeliveriesResponse } from './dtos/event.response';
import { ListEventsQuery } from './dtos/list-events.query';
import { RegisterEventResponse } from './dtos/register-event.dto';

/** Every event body in the document is this one component (see EVENT_INPUT_SCHEMA). */
const EVENT_INPUT = { $ref: getSchemaPath('EventInput') };

@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly record: RecordApiEvents,
    private readonly events: EventQueries,
    private readonly deliveries: DeliveryQueries,
  ) {}

  @Post()
  @RequireScope('events:write')
  @IngestRateLimited()
  // One event's budget, counted while the body streams: refused before it is parsed (EVENT_LIMITS, 413).
  @JsonBodyLimits({ maxValues: EVENT_LIMITS.maxValues })
  @ApiOperation({ summary: 'Register one platform event; its deliveries are created in the same transaction' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 255 },
    description: 'Or the idempotency_key field (both must then be equal); scoped to the producer, kept 7 days',
  })
  @ApiBody({ schema: EVENT_INPUT })
  @ApiResponse({ status: 201, type: RegisterEventResponse, description: 'Registered, with its deliveries' })
  @ApiResponse({ status: 200, type: RegisterEventResponse, description: 'Idempotency key seen before: the original event' })
  @ApiError(
    400,
    'validation_failed: not an event of a platform type, or fields its type refuses, or an occurred_at beyond OCCURRED_AT_MAX_FUTURE/OCCURRED_AT_MAX_PAST (every bad field in details); or invalid_json',
  )
  @ApiError(409, 'idempotency_conflict: this API key used the idempotency key before for a different body (nothing was registered)')
  async register(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: { apiKeyId?: string },
    @Res({ passthrough: true }) res: Response,
  ): Promise<RegisterEventResponse> {
    const result = await this.record.one(body, idempotencyKey, req.apiKeyId);
    res.status(result.created ? 201 : 200);
    return { id: result.event.id, type: result.event.type, deliveries: result.deliveries, duplicate: !result.created };
  }

  @Post('batch')
  @HttpCode(200)
  @RequireScope('events:write')
  @IngestRateLimited()
  @ApiOperation({ summary: 'Register up to 1000 events; each is validated alone, the valid ones are registered' })
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'array', items: EVENT_INPUT, minItems: 1, maxItems: MAX_BATCH_EVENTS },
        {
          type: 'object',
          required: ['events'],
          properties: { events: { type: 'array', items: EVENT_INPUT, minItems: 1, maxItems: MAX_BATCH_EVENTS } },
          additionalProperties: false,
        },
      ],
    },
  })
  @ApiOkResponse({
    type: EventBatchResponse,
    description:
      'Each event judged alone: the bad ones (and repeats of an idempotency key with a different body) are in failed_events, the others registered',
  })
  @ApiError(400, `validation_failed: not an array (or {"events": [...]}), empty, or more than ${MAX_BATCH_EVENTS} events`)
  async batch(@Body() body: unknown, @Req() req: { apiKeyId?: string }): Promise<EventBatchResponse> {
    return this.record.batch(body, req.apiKeyId);
  }

  @Get()
  @ApiOperation({ summary: 'List events, newest first' })
  @ApiOkResponse({ type: EventPage })
  async list(@Query() query: ListEventsQuery): Promise<Page<EventResponse>> {
    const limit = query.limit ?? 50;
    return page(await this.events.list({ ...query, since: toDate(query.since), until: toDate(query.until), limit }), limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One event with its notification payload and its deliveries' })
  @ApiOkResponse({ type: EventWithDeliveriesResponse })
  @ApiError(404, 'not_found: no such event')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<EventWithDeliveriesResponse> {
    const event = await this.events.get(id);
    return { ...event, deliveries: await this.deliveries.list({ event_id: id, limit: 200 }) };
  }
}

/**
 * `POST /v1/events` served off the HTTP server (direct-route.ts): the same guards, the same method and
 * the same exception filter as through Nest, for a quarter of the CPU per event (issue 13).
 */
export const REGISTER_EVENT_ROUTE: DirectRoute<EventsController> = {
  method: 'POST',
  path: '/v1/events',
  controller: EventsController,
  handler: EventsController.prototype.register,
  invoke: (events, req: Request & { apiKeyId?: string }, res) =>
    events.register(req.body, req.headers['idempotency-key'] as string | undefined, req, res),
};
