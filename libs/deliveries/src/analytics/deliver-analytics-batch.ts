import { Injectable, Logger } from '@nestjs/common';
import { preparedStatement, retryOnDeadlock } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { SendAnalyticsBatchJob } from '@tidings/queue';
import { SendResult } from '@tidings/webhooks';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { attemptResultValues } from '../delivery-attempt.entity';
import { parseRetryAfter } from '../retry-policy';
import { AnalyticsCircuit } from './analytics-circuit';
import { ANALYTICS_RETRY, analyticsRetryDelayMs } from './analytics-retry';
import { AnalyticsSender } from './analytics-sender';
import { AnalyticsDeliveryRow, buildPostHogBatch } from './posthog-batch';

interface ClaimedRow extends AnalyticsDeliveryRow {
  attempt_count: number;
  next_trigger: 'auto' | 'manual';
}

export type AnalyticsOutcome = 'delivered' | 'retrying' | 'skipped';

/**
 * Sends one claimed batch of telemetry deliveries to the analytics backend in
 * one request (PostHog `/batch/`, gzip), records the attempt against every
 * delivery in it, then marks them all delivered, or schedules the whole batch
 * again with backoff (a delivery past its 24 h is failed instead). Reports
 * the outcome to the circuit breaker, which paces new claims.
 */
@Injectable()
export class DeliverAnalyticsBatch {
  private readonly logger = new Logger(DeliverAnalyticsBatch.name);
  private distinctId?: Promise<string>;

  constructor(
    private readonly db: DataSource,
    private readonly sender: AnalyticsSender,
    private readonly circuit: AnalyticsCircuit,
    private readonly config: TidingsConfig,
  ) {}

  async execute(job: SendAnalyticsBatchJob, signal?: AbortSignal): Promise<AnalyticsOutcome> {
    const rows = await this.start(job);
    if (rows.length === 0) return 'skipped';
    const batch = buildPostHogBatch(rows, await this.installationId(), this.config.telemetry.analyticsApiKey);
    const result = await this.sender.send(batch, signal);
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300 && !result.error;
    if (ok) this.circuit.succeeded();
    else if (!signal?.aborted) this.circuit.failed();
    await this.record(rows, result, ok);
    return ok ? 'delivered' : 'retrying';
  }

  /**
   * Loads the deliveries still claimed at this job's attempt; stale ones
   * (swept, re-claimed) are left out. A claim older than a third of the lease
   * (the job waited in Redis) is renewed on the way.
   */
  private async start(job: SendAnalyticsBatchJob): Promise<ClaimedRow[]> {
    return retryOnDeadlock(() =>
      this.db.query(preparedStatement('tidings_start_analytics_v1', START_SQL), [
        job.deliveries.map((d) => d.id),
        job.deliveries.map((d) => d.attempt - 1),
        this.config.worker.claimLeaseMs / 3,
      ]),
    );
  }

  /** The installation's random id (generated once by the migration), read once per process. */
  private installationId(): Promise<string> {
    this.distinctId ??= this.db.query(`SELECT distinct_id FROM installation LIMIT 1`).then((rows: { distinct_id: string }[]) => {
      if (!rows[0]) throw new Error('the installation row is missing (run the migrations)');
      return rows[0].distinct_id;
    });
    return this.distinctId.catch((error) => {
      this.distinctId = undefined;
      throw error;
    });
  }

  /**
   * Records the attempt against every delivery of the batch and moves each on
   * (delivered; or its next attempt, or failed past 24 h), in one statement.
   */
  private async record(rows: ClaimedRow[], result: SendResult, ok: boolean): Promise<void> {
    const attempts = rows.map((row) => row.attempt_count + 1);
    const lastError = ok ? null : (result.error ?? `HTTP ${result.status}`);
    const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.headers?.['retry-after']) : undefined;
    // One jitter for the batch: it failed together, it is retried together.
    const jitter = Math.random();
    const delays = attempts.map((attempt) => (ok ? 0 : analyticsRetryDelayMs(attempt, retryAfter, () => jitter)));
    const [row]: { settled: number }[] = await retryOnDeadlock(() =>
      this.db.query(preparedStatement('tidings_record_analytics_v1', RECORD_SQL), [
        rows.map(() => uuidv7()),
        rows.map((r) => r.id),
        attempts,
        rows.map((r) => r.next_trigger),
        delays,
        ok,
        ANALYTICS_RETRY.maxAgeMs,
        lastError,
        ...attemptResultValues(result),
      ]),
    );
    if (row.settled < rows.length) {
      this.logger.warn(
        `${rows.length - row.settled} analytics deliveries changed during their attempt; attempts recorded, status left as is`,
      );
    }
  }
}

const START_SQL = `
  WITH job AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS j(id, attempt_count)),
  renewed AS (
    UPDATE deliveries d SET claimed_at = now()
      FROM job WHERE d.id = job.id AND d.attempt_count = job.attempt_count AND d.status = 'claimed' AND d.channel = 'analytics'
       AND d.claimed_at < now() - make_interval(secs => $3::double precision / 1000))
  SELECT d.id, d.event_type, d.payload, d.created_at, d.attempt_count, d.next_trigger
    FROM job JOIN deliveries d ON d.id = job.id AND d.attempt_count = job.attempt_count AND d.status = 'claimed' AND d.channel = 'analytics'`;

/**
 * $1–$5 per delivery (attempt id, delivery id, attempt number, trigger, delay
 * of the next attempt), $6 delivered, $7 the 24 h limit, $8 last error,
 * $9–$14 the request's result (attemptResultValues).
 */
const RECORD_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::double precision[])
      AS i(attempt_id, delivery_id, number, trigger, delay_ms)),
  attempts AS (
    INSERT INTO delivery_attempts (id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error)
    SELECT attempt_id, delivery_id, number, trigger, $9::timestamptz, $10::int, $11::int, $12::jsonb, $13::text, $14::text FROM input),
  settled AS (
    UPDATE deliveries d
       SET status = CASE WHEN $6::boolean THEN 'delivered'
                         WHEN now() + make_interval(secs => i.delay_ms / 1000) > d.created_at + make_interval(secs => $7::double precision / 1000) THEN 'failed'
                         ELSE 'pending' END,
           next_attempt_at = CASE WHEN NOT $6::boolean
                                   AND now() + make_interval(secs => i.delay_ms / 1000) <= d.created_at + make_interval(secs => $7::double precision / 1000)
                                  THEN now() + make_interval(secs => i.delay_ms / 1000) END,
           attempt_count = i.number, next_trigger = 'auto', claimed_at = NULL,
           last_attempt_at = $9::timestamptz, last_response_status = $11::int, last_error = $8::text,
           delivered_at = CASE WHEN $6::boolean THEN now() ELSE d.delivered_at END,
           updated_at = now()
      FROM input i
     WHERE d.id = i.delivery_id AND d.attempt_count = i.number - 1 AND d.status = 'claimed'
    RETURNING d.id)
  SELECT (SELECT count(*) FROM settled)::int AS settled`;
