import { Injectable } from '@nestjs/common';
import { SubscriptionSpec } from '@tidings/events';
import { DataSource } from 'typeorm';
import { SecretBox } from '../secret-box';
import { WebhookContentType, WebhookFormat, WebhookSubscriber } from '../subscriber.entity';
import { CheckWebhookUrl, checkFormat } from './check-webhook-url';
import { WebhookStore } from './webhook-store';
import { WebhookView } from './webhook-view';

export interface UpdateWebhookInput {
  name?: string;
  url?: string;
  content_type?: WebhookContentType;
  format?: WebhookFormat;
  verify_tls?: boolean;
  /** On: applies to deliveries created from then on (a delivery is keyed when it is created); off: at once. */
  ordered?: boolean;
  headers?: Record<string, string>;
  /** `true` re-enables a disabled webhook and clears its reason and failure streak. */
  enabled?: boolean;
  subscriptions?: SubscriptionSpec[];
}

@Injectable()
export class UpdateWebhook {
  constructor(
    private readonly db: DataSource,
    private readonly store: WebhookStore,
    private readonly checkUrl: CheckWebhookUrl,
    private readonly box: SecretBox,
  ) {}

  async execute(id: string, input: UpdateWebhookInput): Promise<WebhookView> {
    if (input.url !== undefined) await this.checkUrl.execute(input.url);
    return this.db.transaction(async (tx) => {
      const webhook = await this.store.get(id, tx);
      checkFormat(input.format ?? webhook.format, input.content_type ?? webhook.contentType);
      const changes: Partial<WebhookSubscriber> = { updatedAt: new Date() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.url !== undefined) changes.url = input.url;
      if (input.content_type !== undefined) changes.contentType = input.content_type;
      if (input.format !== undefined) changes.format = input.format;
      if (input.verify_tls !== undefined) changes.verifyTls = input.verify_tls;
      if (input.ordered !== undefined) changes.ordered = input.ordered;
      if (input.headers !== undefined) changes.headers = this.box.sealHeaders(input.headers);
      if (input.enabled === true && !webhook.enabled)
        Object.assign(changes, { enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
      if (input.enabled === false && webhook.enabled)
        Object.assign(changes, { enabled: false, disabledReason: 'disabled by an admin', disabledAt: new Date() });
      await tx.update(WebhookSubscriber, { id }, changes);
      if (input.subscriptions !== undefined) await this.store.replaceSubscriptions(tx, id, input.subscriptions);
      return this.store.view(id, tx);
    });
  }
}
