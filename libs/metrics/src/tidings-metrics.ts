import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of one process (api or worker). Each app has its own
 * registry, so `npm start` (both in one process) registers nothing twice.
 * Counters and histograms are fed where the work happens; gauges read from
 * Postgres or the queue are computed when scraped (see addCollector).
 */
export class TidingsMetrics {
  readonly registry = new Registry();

  readonly eventsRegistered = new Counter({
    name: 'tidings_events_registered_total',
    help: 'Events written by register(), by type and source (counted when written; a caller rollback is not subtracted)',
    labelNames: ['type', 'source'] as const,
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'tidings_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, retrying, failed, cancelled, deferred (endpoint busy), skipped (stale job)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly attemptDuration = new Histogram({
    name: 'tidings_delivery_attempt_duration_seconds',
    help: 'HTTP time of one webhook attempt, by result',
    labelNames: ['result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'tidings_delivery_latency_seconds',
    help: 'From the commit that created a delivery to its successful attempt',
    buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3600, 36000],
    registers: [this.registry],
  });

  readonly deliveriesDue = new Gauge({
    name: 'tidings_deliveries_due',
    help: 'Pending webhook deliveries whose next attempt is due now, across the installation (capped at 100000: the count reads at most that many index entries)',
    registers: [this.registry],
  });

  readonly oldestDueDelivery = new Gauge({
    name: 'tidings_delivery_oldest_due_seconds',
    help: 'Age of the oldest due pending webhook delivery, across the installation (0 when none is waiting)',
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'tidings_queue_jobs',
    help: 'BullMQ jobs by queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly disabledWebhooks = new Gauge({
    name: 'tidings_webhooks_disabled',
    help: 'Webhooks currently disabled (by 410, failure streak or an admin)',
    registers: [this.registry],
  });

  readonly telemetryBacklog = new Gauge({
    name: 'tidings_telemetry_backlog_events',
    help: 'Events past the telemetry cursor, not yet accepted by the analytics backend (counted up to 100000)',
    registers: [this.registry],
  });

  readonly scheduleEvaluatedAt = new Gauge({
    name: 'tidings_schedule_evaluated_at_seconds',
    help: 'The time (Unix seconds) as of which this worker last judged every expected-run schedule',
    registers: [this.registry],
  });

  readonly scheduleVerdicts = new Counter({
    name: 'tidings_schedule_verdicts_total',
    help: 'observability:run:missing and :late events this worker recorded, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly collectors: (() => Promise<void>)[] = [];

  constructor(process: 'api' | 'worker') {
    this.registry.setDefaultLabels({ process });
    collectDefaultMetrics({ register: this.registry, prefix: 'tidings_' });
  }

  /** Runs before each scrape (e.g. to read a gauge from Postgres). A failing collector leaves its gauge as it was. */
  addCollector(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    await this.collect();
    return this.registry.metrics();
  }

  /** The same values as render(), as prom-client's JSON, for joining two processes' metrics into one page. */
  async snapshot(): ReturnType<Registry['getMetricsAsJSON']> {
    await this.collect();
    return this.registry.getMetricsAsJSON();
  }

  private async collect(): Promise<void> {
    await Promise.all(this.collectors.map((collect) => collect().catch(() => undefined)));
  }
}
