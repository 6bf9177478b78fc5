import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RecordClientEvent } from '@tidings/events';
import { RequireScope } from '../auth/require-scope.decorator';
import { IngestRateLimited } from '../http/ingest-throttler.guard';
import { ApiError } from '../openapi/api-error.decorator';
import { ClientEventDto, ClientEventResponse } from './dtos/client-event.dto';

/** The front-end analytics relay (DESIGN §7): client:* events, anonymized, recorded for the telemetry exporter only. */
@ApiTags('analytics')
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(private readonly record: RecordClientEvent) {}

  @Post()
  @HttpCode(202)
  @RequireScope('analytics:write')
  @IngestRateLimited()
  @ApiOperation({ summary: 'Relay one front-end analytics event (client:* types only) to the analytics backend' })
  @ApiBody({ type: ClientEventDto })
  @ApiResponse({ status: 202, type: ClientEventResponse })
  @ApiError(400, 'validation_failed: unknown event (the message lists the allowed ones), unknown fields, or properties not an object')
  async relay(@Body() body: unknown): Promise<ClientEventResponse> {
    return this.record.execute(body);
  }
}
