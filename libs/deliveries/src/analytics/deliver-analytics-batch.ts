import { Injectable, Logger } from '@nestjs/common';
import { queryRows } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { SendAnalyticsBatchJob } from '@tidings/queue';
import { SendResult } from '@tidings/webhooks';
import { DataSource, EntityManager } from 'typeorm';
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
    await this.db.transaction((tx) => this.record(tx, rows, result, ok));
    return ok ? 'delivered' : 'retrying';
  }

  /** Renews the claim of each delivery still claimed at this job's attempt; stale ones (swept, re-claimed) are left out. */
  private async start(job: SendAnalyticsBatchJob): Promise<ClaimedRow[]> {
    return queryRows<ClaimedRow>(
      this.db,
      `UPDATE deliveries d SET claimed_at = now(), updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS j(id, attempt)
        WHERE d.id = j.id AND d.attempt_count = j.attempt - 1 AND d.status = 'claimed' AND d.channel = 'analytics'
    RETURNING d.id, d.event_type, d.payload, d.created_at, d.attempt_count, d.next_trigger`,
      [job.deliveries.map((d) => d.id), job.deliveries.map((d) => d.attempt)],
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

  private async record(tx: EntityManager, rows: ClaimedRow[], result: SendResult, ok: boolean): Promise<void> {
    const attempts = rows.map((row) => row.attempt_count + 1);
    await tx.query(
      `INSERT INTO delivery_attempts (id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error)
       SELECT a.id, a.delivery_id, a.number, a.trigger, $5, $6, $7, $8, $9, $10
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[]) AS a(id, delivery_id, number, trigger)`,
      [
        rows.map(() => uuidv7()),
        rows.map((row) => row.id),
        attempts,
        rows.map((row) => row.next_trigger),
        ...attemptResultValues(result),
      ],
    );
    const lastError = ok ? null : (result.error ?? `HTTP ${result.status}`);
    const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.headers?.['retry-after']) : undefined;
    // One jitter for the batch: it failed together, it is retried together.
    const jitter = Math.random();
    const delays = attempts.map((attempt) => (ok ? 0 : analyticsRetryDelayMs(attempt, retryAfter, () => jitter)));
    const settled = await queryRows(
      tx,
      `WITH next AS (
         SELECT j.id, j.attempt, j.delay_ms,
                now() + make_interval(secs => j.delay_ms / 1000) AS at
           FROM unnest($1::uuid[], $2::int[], $3::double precision[]) AS j(id, attempt, delay_ms))
       UPDATE deliveries d
          SET status = CASE WHEN $4::boolean THEN 'delivered'
                            WHEN next.at > d.created_at + make_interval(secs => $5::double precision / 1000) THEN 'failed'
                            ELSE 'pending' END,
              next_attempt_at = CASE WHEN NOT $4::boolean AND next.at <= d.created_at + make_interval(secs => $5::double precision / 1000)
                                     THEN next.at END,
              attempt_count = next.attempt, next_trigger = 'auto', claimed_at = NULL,
              last_attempt_at = $6, last_response_status = $7, last_error = $8,
              delivered_at = CASE WHEN $4::boolean THEN now() ELSE d.delivered_at END,
              updated_at = now()
         FROM next
        WHERE d.id = next.id AND d.attempt_count = next.attempt - 1 AND d.status = 'claimed'
    RETURNING d.id`,
      [rows.map((r) => r.id), attempts, delays, ok, ANALYTICS_RETRY.maxAgeMs, result.startedAt, result.status ?? null, lastError],
    );
    if (settled.length < rows.length) {
      this.logger.warn(
        `${rows.length - settled.length} analytics deliveries changed during their attempt; attempts recorded, status left as is`,
      );
    }
  }
}
