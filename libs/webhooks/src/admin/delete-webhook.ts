import { queryRows } from '@tidings/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhookStore } from './webhook-store';

/**
 * Deletes a webhook: it stops matching at once and its pending deliveries are
 * cancelled. The row stays (soft delete) so its delivery history still reads.
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
      const cancelled = await queryRows(
        tx,
        `UPDATE deliveries SET status = 'cancelled', last_error = 'webhook deleted', next_attempt_at = NULL, claimed_at = NULL, updated_at = now()
          WHERE subscriber_id = $1 AND status = 'pending' RETURNING id`,
        [id],
      );
      return { cancelled: cancelled.length };
    });
  }
}
