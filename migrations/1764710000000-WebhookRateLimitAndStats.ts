import { MigrationInterface, QueryRunner } from 'typeorm';
import { addToAttemptStatsSql } from '../libs/deliveries/src/store/attempt-stats';

/**
 * Issue 14: a per-webhook rate limit (DESIGN §3, §6) and endpoint statistics
 * (§7) that are read without scanning the attempt history.
 *
 * - `subscribers.rate_limit_per_s`: attempts per second across every worker;
 *   null = no limit. Enforced in Redis before an attempt starts.
 * - `webhook_attempt_stats`: one row per webhook and minute, counts by outcome,
 *   latency sum, max and a histogram (LATENCY_BOUNDS_MS), upserted by the same
 *   statement that records the attempts. Minutes older than a day are folded
 *   into hours (`span_minutes` 60) by the retention pass, which also deletes
 *   what is older than the deliveries kept: 7 days of a webhook busy every
 *   minute are at most 1,440 + 144 rows, read through the primary key.
 * - `deliveries_pending_subscriber_idx`: the stats' `pending` count, an index
 *   scan of the webhook's pending rows instead of its whole history. A claim
 *   changes neither its key nor its predicate, so claims stay HOT; settling
 *   changes `status`, already in the due index's predicate, so it was not HOT.
 * - `histogram_add` / `histogram_sum`: element-wise sum of two histograms, and its aggregate.
 */
export class WebhookRateLimitAndStats1764710000000 implements MigrationInterface {
  name = 'WebhookRateLimitAndStats1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subscribers ADD COLUMN rate_limit_per_s int CHECK (rate_limit_per_s > 0)`);
    await q.query(`
      CREATE FUNCTION histogram_add(a int[], b int[]) RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i) $$`);
    await q.query(`CREATE AGGREGATE histogram_sum(int[]) (SFUNC = histogram_add, STYPE = int[], INITCOND = '{}')`);
    await q.query(`
      CREATE TABLE webhook_attempt_stats (
        subscriber_id     uuid NOT NULL,
        bucket            timestamptz NOT NULL,
        attempts          int NOT NULL,
        succeeded         int NOT NULL,
        failed            int NOT NULL,
        duration_sum_ms   bigint NOT NULL,
        duration_max_ms   int NOT NULL,
        latency_histogram int[] NOT NULL,
        last_success_at   timestamptz,
        last_failure_at   timestamptz,
        span_minutes      smallint NOT NULL DEFAULT 1,
        PRIMARY KEY (subscriber_id, bucket))
      WITH (fillfactor = 70)`);
    // The retention pass's two reads: the minutes to fold into hours, the hours to forget. Recording attempts
    // changes neither column, so its upserts stay HOT (fillfactor leaves room); each index gains an entry
    // once per webhook and minute (or hour), not per attempt.
    await q.query(`CREATE INDEX webhook_attempt_stats_minutes_idx ON webhook_attempt_stats (bucket) WHERE span_minutes = 1`);
    await q.query(`CREATE INDEX webhook_attempt_stats_hours_idx ON webhook_attempt_stats (bucket) WHERE span_minutes = 60`);
    await q.query(`CREATE INDEX deliveries_pending_subscriber_idx ON deliveries (subscriber_id) WHERE status = 'pending'`);
    // The last 7 days of attempts already recorded, so an upgraded installation shows its history at once.
    const ok = `(a.response_status BETWEEN 200 AND 299 AND a.error IS NULL)`;
    await q.query(
      `WITH recent AS (${addToAttemptStatsSql(`(
         SELECT d.subscriber_id, a.started_at, a.duration_ms, coalesce(${ok}, false) AS ok
           FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE a.started_at > now() - interval '7 days')`)})
       SELECT 1`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_pending_subscriber_idx`);
    await q.query(`DROP TABLE webhook_attempt_stats`);
    await q.query(`DROP AGGREGATE histogram_sum(int[])`);
    await q.query(`DROP FUNCTION histogram_add(int[], int[])`);
    await q.query(`ALTER TABLE subscribers DROP COLUMN rate_limit_per_s`);
  }
}
