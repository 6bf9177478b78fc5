import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '../secret-box';
import { StoredSecret, WebhookSubscriber } from '../subscriber.entity';
import { WebhookError } from '../webhook-error';
import { generateWebhookSecret, isValidWebhookSecret } from '../webhook-secret';
import { WebhookStore } from './webhook-store';

/** How long a rotated-out secret keeps signing by default, so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
/** The longest overlap an admin may ask for (`expire_previous_in`, seconds). */
export const MAX_ROTATION_OVERLAP_S = 30 * 86_400;

export interface RotateOptions {
  /** whsec_…; generated when absent. */
  secret?: string;
  /**
   * Seconds the previous secrets keep signing (default 24 h); 0 retires them
   * at once, e.g. after a leak. Never lengthens a secret already retiring.
   */
  expirePreviousIn?: number;
}

@Injectable()
export class RotateWebhookSecret {
  constructor(
    private readonly db: DataSource,
    private readonly store: WebhookStore,
    private readonly box: SecretBox,
  ) {}

  async execute(id: string, { secret: supplied, expirePreviousIn }: RotateOptions = {}): Promise<{ secret: string }> {
    if (supplied !== undefined && !isValidWebhookSecret(supplied)) {
      throw new WebhookError('validation_failed', 'Invalid secret', [
        { field: 'secret', message: 'secret must be whsec_ followed by the base64 of 24 to 64 random bytes' },
      ]);
    }
    const secret = supplied ?? generateWebhookSecret();
    await this.db.transaction(async (tx) => {
      const webhook = await this.store.get(id, tx);
      const now = Date.now();
      const retireAt = now + (expirePreviousIn === undefined ? ROTATION_OVERLAP_MS : expirePreviousIn * 1000);
      const kept: StoredSecret[] = webhook.secrets
        .map((s) => ({ ...s, expires_at: new Date(Math.min(s.expires_at ? Date.parse(s.expires_at) : Infinity, retireAt)).toISOString() }))
        .filter((s) => Date.parse(s.expires_at) > now);
      const secrets = [{ value: this.box.seal(secret), created_at: new Date(now).toISOString(), expires_at: null }, ...kept];
      await tx.update(WebhookSubscriber, { id }, { secrets, updatedAt: new Date() });
    });
    return { secret };
  }
}
