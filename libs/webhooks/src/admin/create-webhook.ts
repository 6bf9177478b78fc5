import { Injectable } from '@nestjs/common';
import { SubscriptionSpec } from '@tidings/events';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { SecretBox } from '../secret-box';
import { WebhookContentType, WebhookFormat, WebhookSubscriber } from '../subscriber.entity';
import { WebhookError } from '../webhook-error';
import { generateWebhookSecret, isValidWebhookSecret } from '../webhook-secret';
import { CheckWebhookUrl, checkFormat } from './check-webhook-url';
import { WebhookStore } from './webhook-store';
import { WebhookView } from './webhook-view';

export interface CreateWebhookInput {
  name: string;
  url: string;
  secret?: string;
  content_type?: WebhookContentType;
  format?: WebhookFormat;
  verify_tls?: boolean;
  ordered?: boolean;
  headers?: Record<string, string>;
  enabled?: boolean;
  subscriptions: SubscriptionSpec[];
}

/** Registers a webhook with its subscriptions; the secret is returned this once. */
@Injectable()
export class CreateWebhook {
  constructor(
    private readonly db: DataSource,
    private readonly store: WebhookStore,
    private readonly checkUrl: CheckWebhookUrl,
    private readonly box: SecretBox,
  ) {}

  async execute(input: CreateWebhookInput): Promise<WebhookView & { secret: string }> {
    await this.checkUrl.execute(input.url);
    checkFormat(input.format ?? 'standard', input.content_type ?? 'application/json');
    if (input.secret !== undefined && !isValidWebhookSecret(input.secret)) {
      throw new WebhookError('validation_failed', 'Invalid secret', [
        { field: 'secret', message: 'secret must be whsec_ followed by the base64 of 24 to 64 random bytes' },
      ]);
    }
    const secret = input.secret ?? generateWebhookSecret();
    const id = uuidv7();
    const view = await this.db.transaction(async (tx) => {
      await tx.insert(WebhookSubscriber, {
        id,
        name: input.name,
        url: input.url,
        secrets: [{ value: this.box.seal(secret), created_at: new Date().toISOString(), expires_at: null }],
        contentType: input.content_type ?? 'application/json',
        format: input.format ?? 'standard',
        verifyTls: input.verify_tls ?? true,
        ordered: input.ordered ?? false,
        headers: this.box.sealHeaders(input.headers ?? {}),
        enabled: input.enabled ?? true,
      });
      await this.store.replaceSubscriptions(tx, id, input.subscriptions);
      return this.store.view(id, tx);
    });
    return { ...view, secret };
  }
}
