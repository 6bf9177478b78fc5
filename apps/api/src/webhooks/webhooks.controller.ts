import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DeleteWebhook, RecoverDeliveries, WebhookStats } from '@tidings/deliveries';
import { CreateWebhook, RotateWebhookSecret, SendTestPing, UpdateWebhook, WebhookStore } from '@tidings/webhooks';
import { Page, page, PageQuery } from '../http/pagination';
import { toDate } from '../http/validators';
import { ApiError } from '../openapi/api-error.decorator';
import {
  CreateWebhookDto,
  RecoverDto,
  ReplaceSubscriptionsDto,
  RotateSecretDto,
  TestUnsavedWebhookDto,
  UpdateWebhookDto,
  WebhookStatsQuery,
} from './dtos/webhook.dtos';
import {
  CreatedWebhookResponse,
  PingResponse,
  RecoverResponse,
  WebhookPage,
  WebhookResponse,
  WebhookSecretResponse,
  WebhookStatsResponse,
} from './dtos/webhook.response';

const NO_WEBHOOK = 'not_found: no such webhook (or it was deleted)';
const BAD_WEBHOOK =
  'validation_failed: every bad field in details (a URL Tidings may not call, an unknown event type, a filter the type cannot carry, …)';

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly store: WebhookStore,
    private readonly createWebhook: CreateWebhook,
    private readonly updateWebhook: UpdateWebhook,
    private readonly deleteWebhook: DeleteWebhook,
    private readonly rotateSecret: RotateWebhookSecret,
    private readonly testPing: SendTestPing,
    private readonly recoverDeliveries: RecoverDeliveries,
    private readonly stats: WebhookStats,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a webhook; the response holds its secret (shown only here)' })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  @ApiError(400, BAD_WEBHOOK)
  create(@Body() dto: CreateWebhookDto): Promise<CreatedWebhookResponse> {
    return this.createWebhook.execute(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks, newest first' })
  @ApiOkResponse({ type: WebhookPage })
  async list(@Query() query: PageQuery): Promise<Page<WebhookResponse>> {
    const limit = query.limit ?? 50;
    return page(await this.store.list(limit, query.cursor), limit);
  }

  @Post('test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a signed ping to a webhook that is not saved yet' })
  @ApiOkResponse({ type: PingResponse, description: 'Sent; ok tells whether the receiver answered 2xx' })
  @ApiError(400, BAD_WEBHOOK)
  testUnsaved(@Body() dto: TestUnsavedWebhookDto): Promise<PingResponse> {
    return this.testPing.toUnsaved(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook with its subscriptions and state' })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiError(404, NO_WEBHOOK)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookResponse> {
    return this.store.view(id);
  }

  @Get(':id/stats')
  @ApiOperation({ summary: 'Endpoint health over a window: attempts, success rate, latency percentiles, pending, and the window point by point' })
  @ApiOkResponse({ type: WebhookStatsResponse })
  @ApiError(400, 'validation_failed: window is not 1h, 24h or 7d')
  @ApiError(404, NO_WEBHOOK)
  getStats(@Param('id', ParseUUIDPipe) id: string, @Query() query: WebhookStatsQuery): Promise<WebhookStatsResponse> {
    return this.stats.execute(id, query.window ?? '24h');
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a webhook; enabled: true re-enables a disabled one' })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiError(400, BAD_WEBHOOK)
  @ApiError(404, NO_WEBHOOK)
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWebhookDto,
    @Req() req: { apiKeyId?: string },
  ): Promise<WebhookResponse> {
    return this.updateWebhook.execute(id, dto, req.apiKeyId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and cancel its pending deliveries' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiError(404, NO_WEBHOOK)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.deleteWebhook.execute(id);
  }

  @Put(':id/subscriptions')
  @ApiOperation({ summary: 'Replace the subscriptions of a webhook' })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiError(400, BAD_WEBHOOK)
  @ApiError(404, NO_WEBHOOK)
  replaceSubscriptions(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReplaceSubscriptionsDto): Promise<WebhookResponse> {
    return this.updateWebhook.execute(id, { subscriptions: dto.subscriptions });
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a signed ping now' })
  @ApiOkResponse({ type: PingResponse, description: 'Sent; ok tells whether the receiver answered 2xx' })
  @ApiError(404, NO_WEBHOOK)
  test(@Param('id', ParseUUIDPipe) id: string): Promise<PingResponse> {
    return this.testPing.toSaved(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'New signing secret; the previous one keeps signing for 24 h, or for expire_previous_in seconds' })
  @ApiOkResponse({ type: WebhookSecretResponse })
  @ApiError(400, 'validation_failed: the secret given is not whsec_ and the base64 of 24 to 64 bytes')
  @ApiError(404, NO_WEBHOOK)
  rotate(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RotateSecretDto): Promise<WebhookSecretResponse> {
    return this.rotateSecret.execute(id, { secret: dto.secret, expirePreviousIn: dto.expire_previous_in });
  }

  @Post(':id/recover')
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay every failed delivery of this webhook created in [since, until)' })
  @ApiResponse({ status: 202, type: RecoverResponse })
  @ApiError(404, NO_WEBHOOK)
  @ApiError(409, 'conflict: the webhook is disabled; enable it (PATCH enabled: true) first')
  recover(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RecoverDto): Promise<RecoverResponse> {
    return this.recoverDeliveries.execute(id, new Date(dto.since), toDate(dto.until));
  }
}
