import { Queryable, retryOnDeadlock } from '@tidings/common';
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

/**
 * Defer: puts claimed deliveries back for later without an attempt (their
 * endpoints are busy in this worker), in one statement. Attempt counts are
 * unchanged, so the retry schedule is not spent on waiting.
 */
export async function deferClaims(db: Queryable, deferred: { job: DeliverWebhookJob; delayMs: number }[]): Promise<void> {
  if (deferred.length === 0) return;
  await retryOnDeadlock(() =>
    db.query(
      `UPDATE deliveries d
          SET claimed_at = NULL, next_attempt_at = now() + make_interval(secs => x.delay_ms / 1000)
         FROM unnest($1::uuid[], $2::int[], $3::float8[]) AS x(id, attempt_count, delay_ms)
        WHERE d.id = x.id AND d.attempt_count = x.attempt_count AND d.status = 'pending' AND d.claimed_at IS NOT NULL`,
      [deferred.map((d) => d.job.deliveryId), deferred.map((d) => d.job.attempt - 1), deferred.map((d) => d.delayMs)],
    ),
  );
}
