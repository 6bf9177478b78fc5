import { queryRows } from '@tidings/common';
import { Injectable } from '@nestjs/common';
import { OUTBOX_CHANNEL } from '@tidings/events';
import { DataSource } from 'typeorm';
import { DeliveryError } from './delivery-error';

/**
 * Replays every `failed` delivery of a webhook created in [since, until):
 * what an endpoint missed during an outage. Each gets one manual attempt.
 */
@Injectable()
export class RecoverDeliveries {
  constructor(private readonly db: DataSource) {}

  async execute(webhookId: string, since: Date, until?: Date): Promise<{ replayed: number }> {
    return this.db.transaction(async (tx) => {
      const [webhook] = await tx.query(`SELECT enabled, deleted_at FROM subscribers WHERE id = $1 AND kind = 'webhook'`, [webhookId]);
      if (!webhook || webhook.deleted_at) throw new DeliveryError('not_found', `No webhook ${webhookId}`);
      if (!webhook.enabled) throw new DeliveryError('conflict', 'The webhook is disabled; enable it (PATCH enabled: true) first');
      const rows = await queryRows(
        tx,
        `UPDATE deliveries SET status = 'pending', next_trigger = 'manual', next_attempt_at = now(), claimed_at = NULL, updated_at = now()
          WHERE subscriber_id = $1 AND status = 'failed' AND created_at >= $2 AND ($3::timestamptz IS NULL OR created_at < $3)
      RETURNING id`,
        [webhookId, since, until ?? null],
      );
      if (rows.length) await tx.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
      return { replayed: rows.length };
    });
  }
}
