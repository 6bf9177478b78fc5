import { Queryable, queryRows } from '@tidings/common';

/**
 * Cancel, for a deleted webhook: every delivery of it that has not settled
 * (waiting, leased or with an attempt in flight) becomes `cancelled`, noted
 * as `webhook deleted`; a worker holding one then neither starts nor settles
 * it. Answers how many.
 */
export async function cancelForWebhook(db: Queryable, webhookId: string): Promise<number> {
  const [{ cancelled }] = await queryRows<{ cancelled: number }>(
    db,
    `WITH cancelled AS (
       UPDATE deliveries
          SET status = 'cancelled', last_error = 'webhook deleted', next_attempt_at = NULL, claimed_at = NULL, updated_at = now()
        WHERE subscriber_id = $1 AND status = 'pending'
       RETURNING 1)
     SELECT count(*)::int AS cancelled FROM cancelled`,
    [webhookId],
  );
  return cancelled;
}
