import { Queryable } from '@tidings/common';
import { DeliverWebhookJob } from '@tidings/queue';

/**
 * Release: hands claims back at once, unattempted (the queue refused them,
 * or a stopping worker did not start them), rather than waiting for the
 * lease. Guarded by the attempt count, so a claim whose attempt has started
 * (another run of the job) is left alone. HOT, like the claim.
 */
export async function releaseClaims(db: Queryable, jobs: DeliverWebhookJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.query(
    `UPDATE deliveries d SET claimed_at = NULL
       FROM unnest($1::uuid[], $2::int[]) AS x(id, attempt_count)
      WHERE d.id = x.id AND d.attempt_count = x.attempt_count AND d.status = 'pending' AND d.claimed_at IS NOT NULL`,
    [jobs.map((j) => j.deliveryId), jobs.map((j) => j.attempt - 1)],
  );
}
