import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CancelDelivery, DeliveryQueries, DeliveryView, ReplayDelivery } from '@tidings/deliveries';
import { Page, page } from '../http/pagination';
import { toDate } from '../http/validators';
import { ListDeliveriesQuery } from './dtos/list-deliveries.query';

@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveryQueries,
    private readonly replayDelivery: ReplayDelivery,
    private readonly cancelDelivery: CancelDelivery,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List webhook deliveries, newest first' })
  async list(@Query() query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    const limit = query.limit ?? 50;
    return page(await this.deliveries.list({ ...query, since: toDate(query.since), until: toDate(query.until), limit }), limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One delivery with its payload and every attempt' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<DeliveryView> {
    return this.deliveries.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Attempt a settled delivery once more, now (same webhook-id, trigger manual)' })
  replay(@Param('id', ParseUUIDPipe) id: string): Promise<{ id: string; status: string }> {
    return this.replayDelivery.execute(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a delivery that has not settled' })
  cancel(@Param('id', ParseUUIDPipe) id: string): Promise<{ id: string; status: string }> {
    return this.cancelDelivery.execute(id);
  }
}
