import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '../secret-box';
import { StoredSecret, WebhookSubscriber } from '../subscriber.entity';
import { WebhookError } from '../webhook-error';
import { generateWebhookSecret, isValidWebhookSecret } from '../webhook-secret';
import { WebhookStore } from './webhook-store';

/** How long a rotated-out secret keeps signing, so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

@Injectable()
export class RotateWebhookSecret {
  constructor(
    private readonly db: DataSource,
    private readonly store: WebhookStore,
    private readonly box: SecretBox,
  ) {}

  async execute(id: string, supplied?: string): Promise<{ secret: string }> {
    if (supplied !== undefined && !isValidWebhookSecret(supplied)) {
      throw new WebhookError('validation_failed', 'Invalid secret', [
        { field: 'secret', message: 'secret must be whsec_ followed by the base64 of 24 to 64 random bytes' },
      ]);
    }
    const secret = supplied ?? generateWebhookSecret();
    await this.db.transaction(async (tx) => {
      const webhook = await this.store.get(id, tx);
      const now = Date.now();
      const kept: StoredSecret[] = webhook.secrets
        .filter((s) => !s.expires_at || Date.parse(s.expires_at) > now)
        .map((s) => ({ ...s, expires_at: s.expires_at ?? new Date(now + ROTATION_OVERLAP_MS).toISOString() }));
      const secrets = [{ value: this.box.seal(secret), created_at: new Date(now).toISOString(), expires_at: null }, ...kept];
      await tx.update(WebhookSubscriber, { id }, { secrets, updatedAt: new Date() });
    });
    return { secret };
  }
}
