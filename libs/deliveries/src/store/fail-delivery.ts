import { Queryable, retryOnDeadlock } from '@tidings/common';
import { SendResult } from '@tidings/webhooks';
import { v7 as uuidv7 } from 'uuid';
import { attemptResultValues } from '../delivery-attempt.entity';
import { addToAttemptStatsSql } from './attempt-stats';
import { wakeNextOfKeysSql } from './ordered-wake';

/**
 * Fail (the dead letter): attempt N was the last (schedule exhausted, a
 * manual replay that failed, or 410 Gone), so it is recorded and the
 * delivery ends `failed`. Guarded like record: a cancel or a later attempt
 * that got there first wins, and the delivery does not change (the attempt
 * is still recorded, once: recording it again changes nothing), and counted
 * in the endpoint statistics' rollup (a failure). Answers whether it moved
 * the delivery. A dead letter of an ordered key makes the key's next
 * delivery due and wakes the relays (wakeNextOfKeysSql).
 */
export async function failDelivery(
  db: Queryable,
  subscriberId: string,
  deliveryId: string,
  attempt: number,
  trigger: 'auto' | 'manual',
  result: SendResult,
  lastError: string | null,
): Promise<boolean> {
  // Its rollup upsert can meet a group record's in the opposite order; the aborted statement wrote nothing.
  const [{ failed }] = await retryOnDeadlock(() =>
    db.query(
      `WITH attempt AS (
       INSERT INTO delivery_attempts (id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error)
       VALUES ($4, $1, $2, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (delivery_id, number) DO NOTHING
       RETURNING started_at, duration_ms),
     stats AS (${addToAttemptStatsSql(`(SELECT $12::uuid AS subscriber_id, started_at, duration_ms, false AS ok FROM attempt)`)}),
     failed AS (
       UPDATE deliveries
          SET status = 'failed', next_trigger = 'auto', next_attempt_at = NULL, claimed_at = NULL,
              last_attempt_at = $6, last_response_status = $8, last_error = $3, updated_at = now()
        WHERE id = $1 AND attempt_count = $2 AND status = 'pending' AND claimed_at IS NOT NULL
    RETURNING id, subscriber_id, ordering_key)
     SELECT EXISTS (SELECT FROM failed) AS failed, ${wakeNextOfKeysSql('failed')} AS notified`,
      [deliveryId, attempt, lastError, uuidv7(), trigger, ...attemptResultValues(result), subscriberId],
    ),
  );
  return failed;
}
