import { preparedStatement, queryRows, retryOnDeadlock } from '@tidings/common';
import { Injectable } from '@nestjs/common';
import { DeliverWebhookJob } from '@tidings/queue';
import { DataSource } from 'typeorm';

/**
 * The Postgres side of the relay: claims due deliveries in batches for
 * enqueueing, hands them back when the queue cannot take them, and returns
 * claims whose lease ran out (a killed worker, a flushed Redis) to `pending`.
 */
@Injectable()
export class OutboxRelay {
  constructor(private readonly db: DataSource) {}

  /** Claims up to `limit` due pending webhook deliveries (index-backed; concurrent relays skip each other's rows). */
  async claimDue(limit: number): Promise<DeliverWebhookJob[]> {
    const rows: { id: string; subscriber_id: string; attempt_count: number }[] = await queryRows(
      this.db,
      preparedStatement(
        'tidings_claim_due_v1',
        `UPDATE deliveries d
          SET status = 'claimed', claimed_at = now(), updated_at = now()
         FROM (SELECT id FROM deliveries
                WHERE status = 'pending' AND channel = 'webhook' AND next_attempt_at <= now()
                ORDER BY next_attempt_at
                LIMIT $1
                FOR UPDATE SKIP LOCKED) due
        WHERE d.id = due.id
    RETURNING d.id, d.subscriber_id, d.attempt_count`,
      ),
      [limit],
    );
    return rows.map((row) => ({ deliveryId: row.id, subscriberId: row.subscriber_id, attempt: row.attempt_count + 1 }));
  }

  /**
   * Gives claims back at once (the queue refused them, or a stopping worker
   * did not start them), rather than waiting for the lease. Guarded by the
   * attempt count: a claim whose attempt another worker has started is left alone.
   */
  async release(jobs: DeliverWebhookJob[]): Promise<void> {
    await this.db.query(
      `UPDATE deliveries d SET status = 'pending', claimed_at = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS x(id, attempt_count)
        WHERE d.id = x.id AND d.attempt_count = x.attempt_count AND d.status = 'claimed'`,
      [jobs.map((j) => j.deliveryId), jobs.map((j) => j.attempt - 1)],
    );
  }

  /**
   * Puts claimed deliveries back for later without an attempt (their
   * endpoints are busy in this worker), in one statement. Attempt counts are
   * unchanged, so the retry schedule is not spent on waiting.
   */
  async deferMany(deferred: { job: DeliverWebhookJob; delayMs: number }[]): Promise<void> {
    await retryOnDeadlock(() =>
      this.db.query(
        `UPDATE deliveries d
          SET status = 'pending', claimed_at = NULL, next_attempt_at = now() + make_interval(secs => x.delay_ms / 1000), updated_at = now()
         FROM unnest($1::uuid[], $2::int[], $3::float8[]) AS x(id, attempt_count, delay_ms)
        WHERE d.id = x.id AND d.attempt_count = x.attempt_count AND d.status = 'claimed'`,
        [deferred.map((d) => d.job.deliveryId), deferred.map((d) => d.job.attempt - 1), deferred.map((d) => d.delayMs)],
      ),
    );
  }

  /** Returns expired claims (webhook and analytics alike) to `pending`, at most `limit` at a time; resolves to how many. */
  async releaseExpiredClaims(leaseMs: number, limit = 1000): Promise<number> {
    const rows = await queryRows(
      this.db,
      `UPDATE deliveries d
          SET status = 'pending', claimed_at = NULL, updated_at = now()
         FROM (SELECT id FROM deliveries
                WHERE status = 'claimed' AND claimed_at < now() - make_interval(secs => $1::double precision / 1000)
                LIMIT $2
                FOR UPDATE SKIP LOCKED) expired
        WHERE d.id = expired.id
    RETURNING d.id`,
      [leaseMs, limit],
    );
    return rows.length;
  }
}
