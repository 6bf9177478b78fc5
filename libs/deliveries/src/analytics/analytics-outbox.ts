import { Injectable } from '@nestjs/common';
import { preparedStatement, queryRows } from '@tidings/common';
import { SendAnalyticsBatchJob } from '@tidings/queue';
import { DataSource } from 'typeorm';
import { ANALYTICS_RETRY } from './analytics-retry';

/** Deliveries per request to the analytics backend (PostHog's batch endpoint takes many more; 100 keeps bodies small). */
export const ANALYTICS_BATCH_SIZE = 100;

export interface AnalyticsClaim {
  /** The claimed batch, or null when nothing due was left to send. */
  job: SendAnalyticsBatchJob | null;
  /** Rows the claim looked at (claimed, or failed for being older than 24 h): a full batch means there may be more. */
  scanned: number;
}

const EXPIRED_ERROR = 'not delivered within 24 h';

/**
 * The Postgres side of telemetry delivery: claims due analytics deliveries in
 * batches through their own partial index (`channel = 'analytics'`), apart
 * from webhook claims. Claims share the webhook lease: the claim sweeper
 * returns both kinds to `pending` when a worker dies.
 */
@Injectable()
export class AnalyticsOutbox {
  constructor(private readonly db: DataSource) {}

  /**
   * Claims up to `limit` due analytics deliveries, oldest schedule first.
   * Due rows older than 24 h are failed in the same statement instead of
   * sent, so they never hold a batch slot twice.
   */
  async claimDue(limit = ANALYTICS_BATCH_SIZE, maxAgeMs: number = ANALYTICS_RETRY.maxAgeMs): Promise<AnalyticsClaim> {
    const rows: { id: string; status: string; attempt_count: number }[] = await queryRows(
      this.db,
      preparedStatement(
        'tidings_claim_analytics_v1',
        `WITH due AS (
         SELECT id, created_at <= now() - make_interval(secs => $2::double precision / 1000) AS expired
           FROM deliveries
          WHERE status = 'pending' AND channel = 'analytics' AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT $1
            FOR UPDATE SKIP LOCKED)
       UPDATE deliveries d
          SET status = CASE WHEN due.expired THEN 'failed' ELSE 'claimed' END,
              claimed_at = CASE WHEN due.expired THEN NULL ELSE now() END,
              next_attempt_at = CASE WHEN due.expired THEN NULL ELSE d.next_attempt_at END,
              last_error = CASE WHEN due.expired THEN $3 ELSE d.last_error END,
              updated_at = now()
         FROM due
        WHERE d.id = due.id
    RETURNING d.id, d.status, d.attempt_count`,
      ),
      [limit, maxAgeMs, EXPIRED_ERROR],
    );
    const claimed = rows.filter((row) => row.status === 'claimed');
    return {
      job: claimed.length ? { deliveries: claimed.map((row) => ({ id: row.id, attempt: row.attempt_count + 1 })) } : null,
      scanned: rows.length,
    };
  }

  /** Gives claims back at once (the queue refused them). */
  async release(deliveryIds: string[]): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET status = 'pending', claimed_at = NULL, updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'claimed' AND channel = 'analytics'`,
      [deliveryIds],
    );
  }

  /**
   * Fails pending analytics deliveries older than 24 h that nobody claims (a
   * worker without ANALYTICS_URL, or telemetry switched off after they were
   * created), at most `limit` at a time; resolves to how many.
   */
  async expireStale(maxAgeMs: number = ANALYTICS_RETRY.maxAgeMs, limit = 1000): Promise<number> {
    const rows = await queryRows(
      this.db,
      `UPDATE deliveries d
          SET status = 'failed', next_attempt_at = NULL, last_error = $3, updated_at = now()
         FROM (SELECT id FROM deliveries
                WHERE status = 'pending' AND channel = 'analytics'
                  AND created_at <= now() - make_interval(secs => $1::double precision / 1000)
                LIMIT $2
                FOR UPDATE SKIP LOCKED) stale
        WHERE d.id = stale.id
    RETURNING d.id`,
      [maxAgeMs, limit, EXPIRED_ERROR],
    );
    return rows.length;
  }
}
