import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { EventTypeCatalogue } from '@tidings/events';
import { RequireScope } from '../auth/require-scope.decorator';
import { ApiError } from '../openapi/api-error.decorator';
import { EventTypeDetailResponse, EventTypeListResponse } from './dtos/event-type.response';

@ApiTags('event types')
@Controller('v1/event-types')
export class EventTypesController {
  constructor(private readonly catalogue: EventTypeCatalogue) {}

  @Get()
  @RequireScope('any')
  @ApiOperation({ summary: 'The event catalogue: every type, its scope filters, ordering key and an example notification payload' })
  @ApiOkResponse({ type: EventTypeListResponse })
  async list(): Promise<EventTypeListResponse> {
    return { data: await this.catalogue.list() };
  }

  @Get(':type')
  @RequireScope('any')
  @ApiOperation({ summary: 'One event type with the JSON Schema of its body (the registry’s), scope filters, ordering key and examples' })
  @ApiParam({ name: 'type', example: 'project:one-off-job:pipeline-run:failed' })
  @ApiOkResponse({ type: EventTypeDetailResponse })
  @ApiError(404, 'not_found: no such event type')
  async get(@Param('type') type: string): Promise<EventTypeDetailResponse> {
    return this.catalogue.get(type);
  }
}
