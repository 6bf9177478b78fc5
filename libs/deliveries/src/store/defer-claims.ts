import { Queryable, retryOnDeadlock } from '@tidings/common';
import { DeliverWebhookJob } from '@tidings/queue';

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
