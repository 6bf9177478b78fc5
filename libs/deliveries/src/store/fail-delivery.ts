import { Queryable, queryRows } from '@tidings/common';
import { SendResult } from '@tidings/webhooks';

/**
 * Fail (the dead letter): attempt N was the last (schedule exhausted, a
 * manual replay that failed, or 410 Gone), so the delivery ends `failed`.
 * Guarded like record: a cancel or a later attempt that got there first
 * wins, and nothing changes (the attempt itself is still recorded). Answers
 * whether it moved the delivery.
 */
export async function failDelivery(
  db: Queryable,
  deliveryId: string,
  attempt: number,
  result: SendResult,
  lastError: string | null,
): Promise<boolean> {
  const rows = await queryRows(
    db,
    `UPDATE deliveries
        SET status = 'failed', next_trigger = 'auto', next_attempt_at = NULL, claimed_at = NULL,
            last_attempt_at = $3, last_response_status = $4, last_error = $5, updated_at = now()
      WHERE id = $1 AND attempt_count = $2 AND status = 'pending' AND claimed_at IS NOT NULL
  RETURNING id`,
    [deliveryId, attempt, result.startedAt, result.status ?? null, lastError],
  );
  return rows.length > 0;
}
