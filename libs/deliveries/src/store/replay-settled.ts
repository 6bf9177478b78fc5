import { Queryable, queryRows } from '@tidings/common';
import { OUTBOX_CHANNEL } from '@tidings/events';
import { DeliveryStatus } from '../delivery.entity';

/** What a replay found: it replayed the delivery, or the first guard that refused it. */
export type ReplayOutcome =
  | { outcome: 'replayed' }
  | { outcome: 'not_found' }
  | { outcome: 'not_settled'; status: DeliveryStatus }
  | { outcome: 'webhook_deleted' }
  | { outcome: 'webhook_disabled' };

/**
 * Replay, for one: a settled delivery (failed, delivered or cancelled) whose
 * webhook is enabled and not deleted becomes pending with one manual attempt
 * now, keeping its id (the `webhook-id`) and attempt count. The row is locked
 * first and judged as committed (FOR UPDATE re-reads a row changed since the
 * snapshot), so of two concurrent replays the second waits, finds it pending
 * and is refused. The guards are written once, as the reason to refuse
 * (`refused`, null when none holds), so the answer names the one that
 * refused. A webhook disabled or deleted meanwhile is not waited for: start
 * catches it (settleUnsendable).
 *
 * The NOTIFY that wakes the relay is part of the statement (as in
 * recover-batch and register): it is sent only if the row was replayed, and
 * Postgres delivers it on commit, when the row is visible to the relay.
 */
export async function replaySettled(db: Queryable, deliveryId: string): Promise<ReplayOutcome> {
  const [row] = await queryRows<{ outcome: Exclude<ReplayOutcome['outcome'], 'not_found'>; status: DeliveryStatus }>(
    db,
    `WITH target AS (
       SELECT d.id, d.status,
              CASE WHEN d.status NOT IN ('failed', 'delivered', 'cancelled') THEN 'not_settled'
                   WHEN s.deleted_at IS NOT NULL THEN 'webhook_deleted'
                   WHEN NOT s.enabled THEN 'webhook_disabled' END AS refused
         FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
        WHERE d.id = $1
          FOR UPDATE OF d),
     replayed AS (
       UPDATE deliveries d
          SET status = 'pending', next_trigger = 'manual', next_attempt_at = now(), claimed_at = NULL, updated_at = now()
         FROM target t
        WHERE d.id = t.id AND t.refused IS NULL
       RETURNING d.id)
     SELECT CASE WHEN EXISTS (SELECT FROM replayed) THEN 'replayed' ELSE t.refused END AS outcome, t.status,
            (SELECT count(*) FROM (SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM replayed) n) AS notified
       FROM target t`,
    [deliveryId],
  );
  if (!row) return { outcome: 'not_found' };
  return row.outcome === 'not_settled' ? { outcome: row.outcome, status: row.status } : { outcome: row.outcome };
}
