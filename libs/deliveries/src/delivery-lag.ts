import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { preparedStatement, Queryable } from '@tidings/common';
import { TidingsMetrics } from '@tidings/metrics';
import { DataSource } from 'typeorm';

/** The due count stops here: a capped count reads at most this many index entries, so a scrape stays cheap under any backlog. */
export const DELIVERY_LAG_COUNT_CAP = 100_000;

/** How far the workers are behind: the backpressure signal to scale them on. */
export interface DeliveryLag {
  /**
   * Pending webhook deliveries whose next attempt is due now, at most DELIVERY_LAG_COUNT_CAP; this includes
   * those claimed (leased) and queued or in flight: all are waiting for a worker.
   */
  due: number;
  /** True when `due` hit the cap (the real backlog is at least that). */
  capped: boolean;
  /** Age of the oldest due one in seconds; 0 when none is due. */
  oldestDueSeconds: number;
}

/*
 * Both halves read only the partial index deliveries_due_idx
 * (next_attempt_at WHERE status = 'pending'): min()
 * is its first entry, the count a LIMITed index-only range scan.
 */
const READ_DELIVERY_LAG = preparedStatement(
  'tidings_delivery_lag',
  `SELECT (SELECT count(*) FROM (
             SELECT 1 FROM deliveries
              WHERE status = 'pending' AND next_attempt_at <= now()
              LIMIT ${DELIVERY_LAG_COUNT_CAP}) due)::int AS due,
          COALESCE(EXTRACT(EPOCH FROM now() - (
             SELECT min(next_attempt_at) FROM deliveries
              WHERE status = 'pending' AND next_attempt_at <= now())), 0)::float8 AS oldest`,
);

/** Reads the delivery lag (metrics and the worker's readiness detail). */
export async function readDeliveryLag(db: Queryable): Promise<DeliveryLag> {
  const [row] = await db.query(READ_DELIVERY_LAG);
  const due = Number(row.due);
  return { due, capped: due >= DELIVERY_LAG_COUNT_CAP, oldestDueSeconds: Math.max(0, Number(row.oldest)) };
}

/** Keeps the lag gauges (tidings_deliveries_due, tidings_delivery_oldest_due_seconds) current at each scrape. */
@Injectable()
export class DeliveryLagMetrics implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    @Optional() private readonly metrics?: TidingsMetrics,
  ) {}

  onModuleInit(): void {
    const metrics = this.metrics;
    metrics?.addCollector(async () => {
      const lag = await readDeliveryLag(this.db);
      metrics.deliveriesDue.set(lag.due);
      metrics.oldestDueDelivery.set(lag.oldestDueSeconds);
    });
  }
}
