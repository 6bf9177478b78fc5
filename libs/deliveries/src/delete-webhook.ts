import { Injectable } from '@nestjs/common';
import { WebhookStore } from '@tidings/webhooks';
import { DataSource } from 'typeorm';
import { cancelForWebhook } from './store/cancel-for-webhook';

/**
 * Deletes a webhook: it stops matching at once and its pending deliveries are
 * cancelled. The row stays (soft delete) so its delivery history still reads.
 * It lives here, beside DisableWebhook, because it writes deliveries (through
 * the store), and libs/webhooks cannot import libs/deliveries (which imports it).
 */
@Injectable()
export class DeleteWebhook {
  constructor(
    private readonly db: DataSource,
    private readonly store: WebhookStore,
  ) {}

  async execute(id: string): Promise<{ cancelled: number }> {
    return this.db.transaction(async (tx) => {
      await this.store.get(id, tx);
      await tx.query(`UPDATE subscribers SET deleted_at = now(), enabled = false, updated_at = now() WHERE id = $1`, [id]);
      return { cancelled: await cancelForWebhook(tx, id) };
    });
  }
}
