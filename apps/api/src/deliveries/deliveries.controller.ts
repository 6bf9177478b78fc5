import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CancelDelivery, DeliveryQueries, ReplayDelivery } from '@tidings/deliveries';
import { Page, page } from '../http/pagination';
import { toDate } from '../http/validators';
import { ApiError } from '../openapi/api-error.decorator';
import {
  CancelledDeliveryResponse,
  DeliveryDetailResponse,
  DeliveryPage,
  DeliveryResponse,
  ReplayedDeliveryResponse,
} from './dtos/delivery.response';
import { ListDeliveriesQuery } from './dtos/list-deliveries.query';

const NO_DELIVERY = 'not_found: no such delivery';

@ApiTags('deliveries')
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveryQueries,
    private readonly replayDelivery: ReplayDelivery,
    private readonly cancelDelivery: CancelDelivery,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List webhook deliveries, newest first' })
  @ApiOkResponse({ type: DeliveryPage })
  async list(@Query() query: ListDeliveriesQuery): Promise<Page<DeliveryResponse>> {
    const limit = query.limit ?? 50;
    return page(await this.deliveries.list({ ...query, since: toDate(query.since), until: toDate(query.until), limit }), limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One delivery with its payload and every attempt' })
  @ApiOkResponse({ type: DeliveryDetailResponse })
  @ApiError(404, NO_DELIVERY)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<DeliveryDetailResponse> {
    return this.deliveries.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Attempt a settled delivery once more, now (same webhook-id, trigger manual)' })
  @ApiResponse({ status: 202, type: ReplayedDeliveryResponse })
  @ApiError(404, NO_DELIVERY)
  @ApiError(409, 'conflict: the delivery is still pending or claimed, or its webhook is disabled or deleted')
  replay(@Param('id', ParseUUIDPipe) id: string): Promise<ReplayedDeliveryResponse> {
    return this.replayDelivery.execute(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a delivery that has not settled' })
  @ApiOkResponse({ type: CancelledDeliveryResponse })
  @ApiError(404, NO_DELIVERY)
  @ApiError(409, 'conflict: the delivery has already settled (delivered, failed or cancelled)')
  cancel(@Param('id', ParseUUIDPipe) id: string): Promise<CancelledDeliveryResponse> {
    return this.cancelDelivery.execute(id);
  }
}
