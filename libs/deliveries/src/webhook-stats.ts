import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryError } from './delivery-error';
import { AttemptStatsPoint, LATENCY_BOUNDS_MS, readAttemptStats } from './store/attempt-stats';

/** The windows GET /v1/webhooks/:id/stats answers for, each with the width of its chart's points. */
export const STATS_WINDOWS = {
  '1h': { windowMs: 3_600_000, stepMs: 60_000 },
  '24h': { windowMs: 86_400_000, stepMs: 1_800_000 },
  '7d': { windowMs: 604_800_000, stepMs: 14_400_000 },
} as const;
export type StatsWindow = keyof typeof STATS_WINDOWS;

export interface WebhookStatsView {
  window: StatsWindow;
  attempts: number;
  succeeded: number;
  failed: number;
  /** succeeded / attempts, null without attempts. */
  success_rate: number | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  pending: number;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  /** Beyond DESIGN §7: the window in points of `step_s` seconds, oldest first (points without attempts left out), for the admin chart. */
  step_s: number;
  series: AttemptStatsPoint[];
}

/**
 * Endpoint statistics (DESIGN §7) from the per-minute rollup that recording
 * attempts maintains, never from the attempt history. Percentiles are
 * estimated from the latency histogram: linear within the bucket holding
 * the rank, the open last bucket ending at the window's max.
 */
@Injectable()
export class WebhookStats {
  constructor(private readonly db: DataSource) {}

  async execute(webhookId: string, window: StatsWindow): Promise<WebhookStatsView> {
    const [webhook] = await this.db.query(`SELECT deleted_at FROM subscribers WHERE id = $1 AND kind = 'webhook'`, [webhookId]);
    if (!webhook || webhook.deleted_at) throw new DeliveryError('not_found', `No webhook ${webhookId}`);
    const { windowMs, stepMs } = STATS_WINDOWS[window];
    const read = await readAttemptStats(this.db, webhookId, windowMs, stepMs);
    const percentile = (q: number) => histogramPercentile(read.histogram, q, read.maxLatencyMs);
    return {
      window,
      attempts: read.attempts,
      succeeded: read.succeeded,
      failed: read.failed,
      success_rate: read.attempts > 0 ? read.succeeded / read.attempts : null,
      latency_ms: { p50: percentile(0.5), p95: percentile(0.95), p99: percentile(0.99) },
      pending: read.pending,
      last_success_at: read.lastSuccessAt,
      last_failure_at: read.lastFailureAt,
      step_s: stepMs / 1000,
      series: read.series,
    };
  }
}

/** The q-quantile (ms, rounded) of a latency histogram (LATENCY_BOUNDS_MS buckets); null when it is empty. */
export function histogramPercentile(histogram: number[], q: number, maxMs: number | null): number | null {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < histogram.length; i++) {
    if (histogram[i] === 0 || below + histogram[i] < rank) {
      below += histogram[i];
      continue;
    }
    const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
    const upper = Math.min(i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : Infinity, maxMs ?? Infinity);
    const top = Number.isFinite(upper) ? Math.max(upper, lower) : lower;
    return Math.round(lower + ((top - lower) * (rank - below)) / histogram[i]);
  }
  return maxMs;
}
