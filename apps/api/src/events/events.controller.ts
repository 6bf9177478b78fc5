import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BatchSummary, EventQueries, EventView, RecordApiEvents } from '@tidings/events';
import { DeliveryQueries, DeliveryView } from '@tidings/deliveries';
import { Response } from 'express';
import { RequireScope } from '../auth/require-scope.decorator';
import { IngestThrottlerGuard } from '../http/ingest-throttler.guard';
import { Page, page } from '../http/pagination';
import { toDate } from '../http/validators';
import { ListEventsQuery } from './dtos/list-events.query';
import { RegisterEventDto, RegisterEventResponse } from './dtos/register-event.dto';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly record: RecordApiEvents,
    private readonly events: EventQueries,
    private readonly deliveries: DeliveryQueries,
  ) {}

  @Post()
  @RequireScope('events:write')
  @UseGuards(IngestThrottlerGuard)
  @ApiOperation({ summary: 'Register one platform event; its deliveries are created in the same transaction' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ type: RegisterEventDto })
  @ApiResponse({ status: 201, type: RegisterEventResponse })
  @ApiResponse({ status: 200, type: RegisterEventResponse, description: 'Idempotency key seen before: the original event' })
  async register(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RegisterEventResponse> {
    const result = await this.record.one(body, idempotencyKey);
    res.status(result.created ? 201 : 200);
    return { id: result.event.id, type: result.event.type, deliveries: result.deliveries, duplicate: !result.created };
  }

  @Post('batch')
  @HttpCode(200)
  @RequireScope('events:write')
  @UseGuards(IngestThrottlerGuard)
  @ApiOperation({ summary: 'Register up to 1000 events; each is validated alone, the valid ones are registered' })
  @ApiBody({ type: [RegisterEventDto] })
  async batch(@Body() body: unknown): Promise<BatchSummary> {
    return this.record.batch(body);
  }

  @Get()
  @ApiOperation({ summary: 'List events, newest first' })
  async list(@Query() query: ListEventsQuery): Promise<Page<EventView>> {
    const limit = query.limit ?? 50;
    return page(await this.events.list({ ...query, since: toDate(query.since), until: toDate(query.until), limit }), limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One event with its notification payload and its deliveries' })
  @ApiOkResponse()
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<EventView & { deliveries: DeliveryView[] }> {
    const event = await this.events.get(id);
    return { ...event, deliveries: await this.deliveries.list({ event_id: id, limit: 200 }) };
  }
}
