import { Queryable, queryRows } from '@tidings/common';

/**
 * Upper bounds (ms) of the latency histogram's buckets: bucket 0 is under the
 * first bound, bucket i from bound i−1 to bound i, the last one open (up to
 * the minute's max). Changing them needs a migration of the stored rows.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

const BOUNDS_SQL = `ARRAY[${LATENCY_BOUNDS_MS.join(',')}]::int[]`;
/** Each bucket of the histogram summed over rows, as plain aggregates (far cheaper than unnesting every row's array). */
const HISTOGRAM_SUMS = Array.from({ length: LATENCY_BOUNDS_MS.length + 1 }, (_, i) => `coalesce(sum(latency_histogram[${i + 1}]), 0)`).join(', ');

/** SQL: a histogram holding one attempt of `durationMs` (an SQL expression). */
export function oneAttemptHistogramSql(durationMs: string): string {
  return `(SELECT array_agg((g = width_bucket(${durationMs}, ${BOUNDS_SQL}))::int ORDER BY g) FROM generate_series(0, ${LATENCY_BOUNDS_MS.length}) g)`;
}

/** An upsert's SET list: adds the row proposed (`excluded`) to the row there (`w`). */
const ADD_EXCLUDED = `
  attempts = w.attempts + excluded.attempts, succeeded = w.succeeded + excluded.succeeded, failed = w.failed + excluded.failed,
  duration_sum_ms = w.duration_sum_ms + excluded.duration_sum_ms, duration_max_ms = greatest(w.duration_max_ms, excluded.duration_max_ms),
  latency_histogram = histogram_add(w.latency_histogram, excluded.latency_histogram),
  last_success_at = greatest(w.last_success_at, excluded.last_success_at), last_failure_at = greatest(w.last_failure_at, excluded.last_failure_at)`;

/**
 * SQL (a data-modifying CTE body): adds attempts to the per-minute rollup
 * that the endpoint statistics read. `source` is a relation of
 * (subscriber_id, started_at, duration_ms, ok). Written by the statements
 * that record attempts (recordAttempts, failDelivery), so a rollup never
 * counts an attempt that was not recorded, nor one twice. Rows go in key
 * order, so two workers adding to the same minutes lock them in one order.
 */
export function addToAttemptStatsSql(source: string): string {
  return `
    INSERT INTO webhook_attempt_stats AS w (subscriber_id, bucket, attempts, succeeded, failed, duration_sum_ms, duration_max_ms,
                                            latency_histogram, last_success_at, last_failure_at)
    SELECT src.subscriber_id, date_trunc('minute', src.started_at), count(*), count(*) FILTER (WHERE src.ok), count(*) FILTER (WHERE NOT src.ok),
           sum(src.duration_ms), max(src.duration_ms), histogram_sum(${oneAttemptHistogramSql('src.duration_ms')}),
           max(src.started_at) FILTER (WHERE src.ok), max(src.started_at) FILTER (WHERE NOT src.ok)
      FROM ${source} src
     GROUP BY 1, 2
     ORDER BY 1, 2
    ON CONFLICT (subscriber_id, bucket) DO UPDATE SET ${ADD_EXCLUDED}`;
}

/** One point of the series: the attempts of `step` starting at `at`. */
export interface AttemptStatsPoint {
  at: Date;
  attempts: number;
  succeeded: number;
  failed: number;
  avg_latency_ms: number | null;
  max_latency_ms: number | null;
}

export interface AttemptStatsRead {
  attempts: number;
  succeeded: number;
  failed: number;
  maxLatencyMs: number | null;
  /** Attempts per latency bucket (see LATENCY_BOUNDS_MS). */
  histogram: number[];
  series: AttemptStatsPoint[];
  pending: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
}

/**
 * Reads a webhook's rollup over [now − window, now): the window's rows
 * through the primary key (minutes for the last day, hours before: at most
 * 1,440 + 144 rows for 7 days, never the attempts),
 * summed into totals, a histogram and points of `stepMs`; the last success
 * and failure are the newest minute that had one (the primary key read
 * backwards, kept as long as the rollup is); `pending` from the partial
 * pending index. One statement.
 */
export async function readAttemptStats(db: Queryable, subscriberId: string, windowMs: number, stepMs: number): Promise<AttemptStatsRead> {
  const [row] = await queryRows<{
    attempts: string;
    succeeded: string;
    failed: string;
    max_ms: number | null;
    histogram: string[];
    series: { at: string; attempts: number; succeeded: number; failed: number; sum_ms: number; max_ms: number }[];
    pending: string;
    last_success_at: Date | null;
    last_failure_at: Date | null;
  }>(
    db,
    `WITH minutes AS (
       SELECT * FROM webhook_attempt_stats
        WHERE subscriber_id = $1 AND bucket >= date_trunc('minute', now() - make_interval(secs => $2::float8 / 1000)))
     SELECT coalesce(sum(attempts), 0) AS attempts, coalesce(sum(succeeded), 0) AS succeeded, coalesce(sum(failed), 0) AS failed,
            max(duration_max_ms) AS max_ms,
            ARRAY[${HISTOGRAM_SUMS}] AS histogram,
            (SELECT coalesce(json_agg(p ORDER BY p.at), '[]') FROM (
               SELECT date_bin(make_interval(secs => $3::float8 / 1000), bucket, '2000-01-01') AS at, sum(attempts)::int AS attempts,
                      sum(succeeded)::int AS succeeded, sum(failed)::int AS failed, sum(duration_sum_ms)::float8 AS sum_ms, max(duration_max_ms) AS max_ms
                 FROM minutes GROUP BY 1) p) AS series,
            (SELECT count(*) FROM deliveries WHERE subscriber_id = $1 AND status = 'pending') AS pending,
            (SELECT last_success_at FROM webhook_attempt_stats WHERE subscriber_id = $1 AND last_success_at IS NOT NULL ORDER BY bucket DESC LIMIT 1) AS last_success_at,
            (SELECT last_failure_at FROM webhook_attempt_stats WHERE subscriber_id = $1 AND last_failure_at IS NOT NULL ORDER BY bucket DESC LIMIT 1) AS last_failure_at
       FROM minutes`,
    [subscriberId, windowMs, stepMs],
  );
  return {
    attempts: Number(row.attempts),
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    maxLatencyMs: row.max_ms,
    histogram: row.histogram.map(Number),
    series: row.series.map((p) => ({
      at: new Date(p.at),
      attempts: p.attempts,
      succeeded: p.succeeded,
      failed: p.failed,
      avg_latency_ms: p.attempts > 0 ? Math.round(p.sum_ms / p.attempts) : null,
      max_latency_ms: p.max_ms,
    })),
    pending: Number(row.pending),
    lastSuccessAt: row.last_success_at,
    lastFailureAt: row.last_failure_at,
  };
}

/**
 * Folds the minutes before `before` (an hour boundary) into one row per
 * webhook and hour (`span_minutes` 60), in one statement: the rows a long
 * window reads shrink sixty-fold, and one webhook's old hours sit together.
 * A minute recorded late into a folded hour is folded at the next run.
 * Answers how many minute rows were folded.
 */
export async function foldAttemptStatsIntoHours(db: Queryable, before: Date): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(
    db,
    `WITH minutes AS (
       DELETE FROM webhook_attempt_stats WHERE bucket < date_trunc('hour', $1::timestamptz) AND span_minutes = 1 RETURNING *),
     hours AS (
       INSERT INTO webhook_attempt_stats AS w (subscriber_id, bucket, attempts, succeeded, failed, duration_sum_ms, duration_max_ms,
                                               latency_histogram, last_success_at, last_failure_at, span_minutes)
       SELECT subscriber_id, date_trunc('hour', bucket), sum(attempts), sum(succeeded), sum(failed), sum(duration_sum_ms), max(duration_max_ms),
              ARRAY[${HISTOGRAM_SUMS}]::int[], max(last_success_at), max(last_failure_at), 60
         FROM minutes GROUP BY 1, 2 ORDER BY 1, 2
       ON CONFLICT (subscriber_id, bucket) DO UPDATE
          SET ${ADD_EXCLUDED}, span_minutes = 60)
     SELECT count(*)::int AS n FROM minutes`,
    [before],
  );
  return n;
}

/** Retention: forgets the rows before `before` (hours, and minutes not folded yet), each through its index. Answers how many went. */
export async function purgeAttemptStats(db: Queryable, before: Date): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(
    db,
    `WITH gone AS (DELETE FROM webhook_attempt_stats WHERE bucket < $1 AND span_minutes = 60 RETURNING 1),
          stray AS (DELETE FROM webhook_attempt_stats WHERE bucket < $1 AND span_minutes = 1 RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::int + (SELECT count(*) FROM stray)::int AS n`,
    [before],
  );
  return n;
}
