import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeleteWebhook, RecoverDeliveries } from '@tidings/deliveries';
import { CreateWebhook, PingResult, RotateWebhookSecret, SendTestPing, UpdateWebhook, WebhookStore, WebhookView } from '@tidings/webhooks';
import { Page, page, PageQuery } from '../http/pagination';
import { toDate } from '../http/validators';
import {
  CreateWebhookDto,
  RecoverDto,
  ReplaceSubscriptionsDto,
  RotateSecretDto,
  TestUnsavedWebhookDto,
  UpdateWebhookDto,
} from './dtos/webhook.dtos';

@ApiTags('webhooks')
@ApiBearerAuth()
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
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a webhook; the response holds its secret (shown only here)' })
  create(@Body() dto: CreateWebhookDto): Promise<WebhookView & { secret: string }> {
    return this.createWebhook.execute(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks, newest first' })
  async list(@Query() query: PageQuery): Promise<Page<WebhookView>> {
    const limit = query.limit ?? 50;
    return page(await this.store.list(limit, query.cursor), limit);
  }

  @Post('test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a signed ping to a webhook that is not saved yet' })
  testUnsaved(@Body() dto: TestUnsavedWebhookDto): Promise<PingResult> {
    return this.testPing.toUnsaved(dto);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookView> {
    return this.store.view(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a webhook; enabled: true re-enables a disabled one' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateWebhookDto): Promise<WebhookView> {
    return this.updateWebhook.execute(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and cancel its pending deliveries' })
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.deleteWebhook.execute(id);
  }

  @Put(':id/subscriptions')
  @ApiOperation({ summary: 'Replace the subscriptions of a webhook' })
  replaceSubscriptions(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReplaceSubscriptionsDto): Promise<WebhookView> {
    return this.updateWebhook.execute(id, { subscriptions: dto.subscriptions });
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a signed ping now' })
  test(@Param('id', ParseUUIDPipe) id: string): Promise<PingResult> {
    return this.testPing.toSaved(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'New signing secret; the previous one keeps signing for 24 h' })
  rotate(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RotateSecretDto): Promise<{ secret: string }> {
    return this.rotateSecret.execute(id, dto.secret);
  }

  @Post(':id/recover')
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay every failed delivery of this webhook created in [since, until)' })
  recover(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RecoverDto): Promise<{ replayed: number }> {
    return this.recoverDeliveries.execute(id, new Date(dto.since), toDate(dto.until));
  }
}
