import { Injectable } from '@nestjs/common';
import { OUTBOX_CHANNEL } from '@tidings/events';
import { DataSource } from 'typeorm';
import { DeliveryError } from './delivery-error';

/**
 * Admin replay of one delivery that is not pending (failed, delivered or
 * cancelled): one manual attempt, same delivery id and so the same
 * `webhook-id`. If that attempt fails the delivery is failed again.
 */
@Injectable()
export class ReplayDelivery {
  constructor(private readonly db: DataSource) {}

  async execute(deliveryId: string): Promise<{ id: string; status: 'pending' }> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query(
        `SELECT d.status, s.enabled, s.deleted_at FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
          WHERE d.id = $1 FOR UPDATE OF d`,
        [deliveryId],
      );
      if (!row) throw new DeliveryError('not_found', `No delivery ${deliveryId}`);
      if (row.status === 'pending') {
        throw new DeliveryError('conflict', `Delivery ${deliveryId} is ${row.status}; only a settled delivery can be replayed`);
      }
      if (row.deleted_at) throw new DeliveryError('conflict', 'Its webhook was deleted');
      if (!row.enabled) throw new DeliveryError('conflict', 'Its webhook is disabled; enable it (PATCH enabled: true) first');
      await tx.query(
        `UPDATE deliveries SET status = 'pending', next_trigger = 'manual', next_attempt_at = now(), claimed_at = NULL, updated_at = now()
          WHERE id = $1`,
        [deliveryId],
      );
      await tx.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
      return { id: deliveryId, status: 'pending' as const };
    });
  }
}
