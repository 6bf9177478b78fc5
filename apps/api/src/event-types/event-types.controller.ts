import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventTypeCatalogue } from '@tidings/events';
import { RequireScope } from '../auth/require-scope.decorator';
import { EventTypeListResponse } from './dtos/event-type.response';

@ApiTags('event types')
@Controller('v1/event-types')
export class EventTypesController {
  constructor(private readonly catalogue: EventTypeCatalogue) {}

  @Get()
  @RequireScope('any')
  @ApiOperation({ summary: 'The event catalogue: every type, its scope filters and an example notification payload' })
  @ApiOkResponse({ type: EventTypeListResponse })
  async list(): Promise<EventTypeListResponse> {
    return { data: await this.catalogue.list() };
  }
}
