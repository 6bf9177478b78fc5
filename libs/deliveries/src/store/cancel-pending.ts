import { Queryable, queryRows } from '@tidings/common';
import { DeliveryStatus } from '../delivery.entity';
import { wakeNextOfKeysSql } from './ordered-wake';

/** What a cancel found: it cancelled the delivery, there is none, or it had settled already (`status` says how). */
export type CancelOutcome = { outcome: 'cancelled' } | { outcome: 'not_found' } | { outcome: 'settled'; status: DeliveryStatus };

/**
 * Cancel: a delivery that has not settled (pending, leased or with an
 * attempt in flight) becomes `cancelled`; a worker holding it then neither
 * starts nor settles it (both are guarded by status). The row is locked
 * first and judged as committed (FOR UPDATE re-reads a row changed since the
 * snapshot), so a cancel that waited for a concurrent settle or cancel
 * answers the status that one left, never the stale `pending` it began with.
 * A cancel of an ordered key's delivery makes the key's next one due and
 * wakes the relays (wakeNextOfKeysSql).
 */
export async function cancelPending(db: Queryable, deliveryId: string): Promise<CancelOutcome> {
  const [row] = await queryRows<{ status: DeliveryStatus; cancelled: boolean }>(
    db,
    `WITH target AS (
       SELECT id, status FROM deliveries WHERE id = $1 FOR UPDATE),
     cancelled AS (
       UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, claimed_at = NULL, updated_at = now()
         FROM target t
        WHERE d.id = t.id AND t.status = 'pending'
       RETURNING d.id, d.subscriber_id, d.ordering_key)
     SELECT t.status, EXISTS (SELECT FROM cancelled) AS cancelled, ${wakeNextOfKeysSql('cancelled')} AS notified
       FROM target t`,
    [deliveryId],
  );
  if (!row) return { outcome: 'not_found' };
  return row.cancelled ? { outcome: 'cancelled' } : { outcome: 'settled', status: row.status };
}
