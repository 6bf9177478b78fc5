import { Injectable } from '@nestjs/common';
import { queryRows } from '@tidings/common';
import { DataSource } from 'typeorm';

export interface PurgeResult {
  deliveries: number;
  events: number;
}

/**
 * Retention: deletes delivered and cancelled deliveries (and, by cascade,
 * their attempts) settled more than `retentionDays` ago, and events older
 * than `eventRetentionDays` when that is set. Failed deliveries stay: they are the dead letters an admin may
 * still replay. Works in bounded batches so it never holds long locks or one
 * huge transaction.
 */
@Injectable()
export class PurgeSettledDeliveries {
  constructor(private readonly db: DataSource) {}

  async execute(retentionDays: number, eventRetentionDays?: number, batch = 1000, maxBatches = 50): Promise<PurgeResult> {
    const result: PurgeResult = { deliveries: 0, events: 0 };
    for (let i = 0; i < maxBatches; i++) {
      const rows = await queryRows(
        this.db,
        `DELETE FROM deliveries WHERE id IN (
           SELECT id FROM deliveries
            WHERE status IN ('delivered', 'cancelled') AND updated_at < now() - make_interval(days => $1)
            LIMIT $2)
         RETURNING id`,
        [retentionDays, batch],
      );
      result.deliveries += rows.length;
      if (rows.length < batch) break;
    }
    if (eventRetentionDays === undefined) return result;
    for (let i = 0; i < maxBatches; i++) {
      const rows = await queryRows(
        this.db,
        `DELETE FROM events WHERE id IN (
           SELECT id FROM events WHERE recorded_at < now() - make_interval(days => $1) LIMIT $2)
         RETURNING id`,
        [eventRetentionDays, batch],
      );
      result.events += rows.length;
      if (rows.length < batch) break;
    }
    return result;
  }
}
