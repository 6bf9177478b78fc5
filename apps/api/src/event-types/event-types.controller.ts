import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventTypeCatalogue, EventTypeInfo } from '@tidings/events';
import { RequireScope } from '../auth/require-scope.decorator';

@ApiTags('event types')
@ApiBearerAuth()
@Controller('v1/event-types')
export class EventTypesController {
  constructor(private readonly catalogue: EventTypeCatalogue) {}

  @Get()
  @RequireScope('any')
  @ApiOperation({ summary: 'The event catalogue: every type, its scope filters and an example notification payload' })
  async list(): Promise<{ data: EventTypeInfo[] }> {
    return { data: await this.catalogue.list() };
  }
}
