import { Module } from '@nestjs/common';
import { EventsModule } from '@tidings/events';
import { AddressPolicy } from './address-policy';
import { CheckWebhookUrl } from './admin/check-webhook-url';
import { CreateWebhook } from './admin/create-webhook';
import { RotateWebhookSecret } from './admin/rotate-webhook-secret';
import { SendTestPing } from './admin/send-test-ping';
import { UpdateWebhook } from './admin/update-webhook';
import { WebhookStore } from './admin/webhook-store';
import { SecretBox } from './secret-box';
import { WebhookSender } from './webhook-sender';

const providers = [
  AddressPolicy,
  SecretBox,
  WebhookSender,
  WebhookStore,
  CheckWebhookUrl,
  CreateWebhook,
  UpdateWebhook,
  RotateWebhookSecret,
  SendTestPing,
];

@Module({ imports: [EventsModule], providers, exports: providers })
export class WebhooksModule {}
