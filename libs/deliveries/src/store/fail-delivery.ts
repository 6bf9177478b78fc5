import { Queryable } from '@tidings/common';
import { OUTBOX_CHANNEL } from '@tidings/events';
import { SendResult } from '@tidings/webhooks';
import { v7 as uuidv7 } from 'uuid';
import { attemptResultValues } from '../delivery-attempt.entity';

/**
 * Fail (the dead letter): attempt N was the last (schedule exhausted, a
 * manual replay that failed, or 410 Gone), so it is recorded and the
 * delivery ends `failed`. Guarded like record: a cancel or a later attempt
 * that got there first wins, and the delivery does not change (the attempt
 * is still recorded, once: recording it again changes nothing). Answers
 * whether it moved the delivery. A dead letter of an ordered key wakes the
 * relays: the key's next delivery is claimable now.
 */
export async function failDelivery(
  db: Queryable,
  deliveryId: string,
  attempt: number,
  trigger: 'auto' | 'manual',
  result: SendResult,
  lastError: string | null,
): Promise<boolean> {
  const [{ failed }] = await db.query(
    `WITH attempt AS (
       INSERT INTO delivery_attempts (id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error)
       VALUES ($4, $1, $2, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (delivery_id, number) DO NOTHING),
     failed AS (
       UPDATE deliveries
          SET status = 'failed', next_trigger = 'auto', next_attempt_at = NULL, claimed_at = NULL,
              last_attempt_at = $6, last_response_status = $8, last_error = $3, updated_at = now()
        WHERE id = $1 AND attempt_count = $2 AND status = 'pending' AND claimed_at IS NOT NULL
    RETURNING id, ordering_key)
     SELECT EXISTS (SELECT FROM failed) AS failed,
            (SELECT count(*) FROM (SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM failed WHERE ordering_key IS NOT NULL) n) AS notified`,
    [deliveryId, attempt, lastError, uuidv7(), trigger, ...attemptResultValues(result)],
  );
  return failed;
}
