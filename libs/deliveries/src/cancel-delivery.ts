import { queryRows } from '@tidings/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryError } from './delivery-error';

/** Cancels a delivery that has not settled yet (pending, or claimed and about to be attempted). */
@Injectable()
export class CancelDelivery {
  constructor(private readonly db: DataSource) {}

  async execute(deliveryId: string): Promise<{ id: string; status: 'cancelled' }> {
    const rows = await queryRows(
      this.db,
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, claimed_at = NULL, updated_at = now()
        WHERE id = $1 AND status = 'pending' RETURNING id`,
      [deliveryId],
    );
    if (rows.length === 0) {
      const [row] = await this.db.query(`SELECT status FROM deliveries WHERE id = $1`, [deliveryId]);
      if (!row) throw new DeliveryError('not_found', `No delivery ${deliveryId}`);
      throw new DeliveryError('conflict', `Delivery ${deliveryId} is already ${row.status}`);
    }
    return { id: deliveryId, status: 'cancelled' };
  }
}
