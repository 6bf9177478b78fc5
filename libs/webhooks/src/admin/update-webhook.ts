import { Injectable } from '@nestjs/common';
import { EventRegistrar, SubscriptionSpec, WebhookDisabled } from '@tidings/events';
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
  /** null removes the limit. */
  rate_limit_per_s?: number | null;
  subscriptions?: SubscriptionSpec[];
}

@Injectable()
export class UpdateWebhook {
  constructor(
    private readonly db: DataSource,
    private readonly store: WebhookStore,
    private readonly checkUrl: CheckWebhookUrl,
    private readonly box: SecretBox,
    private readonly events: EventRegistrar,
  ) {}

  /**
   * `apiKeyId`: the key of the admin making the change, named in the reason
   * when it disables the webhook. A disable records `tidings:webhook:disabled`
   * in the same transaction, as the automatic one does (DisableWebhook); the
   * row is locked first, so a concurrent automatic disable finds it disabled
   * and records nothing.
   */
  async execute(id: string, input: UpdateWebhookInput, apiKeyId?: string): Promise<WebhookView> {
    if (input.url !== undefined) await this.checkUrl.execute(input.url);
    return this.db.transaction(async (tx) => {
      const webhook = await this.store.get(id, tx, input.enabled === false);
      checkFormat(input.format ?? webhook.format, input.content_type ?? webhook.contentType);
      const changes: Partial<WebhookSubscriber> = { updatedAt: new Date() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.url !== undefined) changes.url = input.url;
      if (input.content_type !== undefined) changes.contentType = input.content_type;
      if (input.format !== undefined) changes.format = input.format;
      if (input.verify_tls !== undefined) changes.verifyTls = input.verify_tls;
      if (input.ordered !== undefined) changes.ordered = input.ordered;
      if (input.headers !== undefined) changes.headers = this.box.sealHeaders(input.headers);
      if (input.rate_limit_per_s !== undefined) changes.rateLimitPerS = input.rate_limit_per_s;
      if (input.enabled === true && !webhook.enabled)
        Object.assign(changes, { enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
      const disabling = input.enabled === false && webhook.enabled;
      if (disabling) {
        const disabledReason = apiKeyId ? `disabled by an admin (API key ${apiKeyId})` : 'disabled by an admin';
        Object.assign(changes, { enabled: false, disabledReason, disabledAt: new Date() });
      }
      await tx.update(WebhookSubscriber, { id }, changes);
      if (disabling) {
        const url = new URL(changes.url ?? webhook.url);
        await this.events.register(
          tx,
          WebhookDisabled.create({
            webhook: { id, name: changes.name ?? webhook.name, url_host: url.host, disabled_reason: changes.disabledReason },
          }),
        );
      }
      if (input.subscriptions !== undefined) await this.store.replaceSubscriptions(tx, id, input.subscriptions);
      return this.store.view(id, tx);
    });
  }
}
