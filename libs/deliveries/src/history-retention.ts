import { Injectable } from '@nestjs/common';
import { compactPartitions, DAY_MS, ensurePartitions, msOfUuidV7, nextExpiredDay, Queryable, queryRows, uuidV7Floor } from '@tidings/common';
import { DataSource } from 'typeorm';
import { foldAttemptStatsIntoHours, purgeAttemptStats } from './store/attempt-stats';
import { PurgedDay, purgeExpiredDeliveries } from './store/purge-expired-deliveries';

export interface RetentionPolicy {
  /** Days a delivery (and its attempts) is kept after its day ended; pending and failed ones stay. */
  retentionDays: number;
  /** Days an event is kept when set; never less than retentionDays + 1, nor than the idempotency window. */
  eventRetentionDays?: number;
  /** Days an idempotency key is remembered. */
  idempotencyDays?: number;
}

/** DESIGN §3: the idempotency window. */
export const IDEMPOTENCY_DAYS = 7;

export interface RetentionResult {
  /** Day partitions created ahead. */
  created: string[];
  /** Partitions dropped (or compacted into kept partitions). */
  purged: string[];
  keptDeliveries: number;
  keptEvents: number;
  idempotencyKeys: number;
  /** Rows of endpoint statistics forgotten (older than the deliveries kept). */
  statsForgotten: number;
  /** Minutes of endpoint statistics older than a day folded into hours. */
  statsFolded: number;
}

/** Days compacted per run at most, per table: a worker back after a long pause catches up over a few runs. */
const MAX_DAYS_PER_RUN = 31;

/**
 * Retention over the time-partitioned history (DESIGN §3): creates the day
 * partitions ahead, then drops expired days whole, keeping the rows that
 * must outlive them (pending and failed deliveries, and the events those
 * render from), forgets idempotency keys past their window, folds the
 * endpoint statistics' minutes older than a day into hours and forgets those
 * older than the deliveries kept. Each day is
 * its own short transaction, with a lock timeout so that a long transaction
 * elsewhere delays retention instead of queueing every writer behind it.
 * Safe in every worker replica (partition changes take one advisory lock).
 */
@Injectable()
export class HistoryRetention {
  constructor(private readonly db: DataSource) {}

  async execute(policy: RetentionPolicy, now = Date.now()): Promise<RetentionResult> {
    const idempotencyDays = policy.idempotencyDays ?? IDEMPOTENCY_DAYS;
    const result: RetentionResult = { created: [], purged: [], keptDeliveries: 0, keptEvents: 0, idempotencyKeys: 0, statsForgotten: 0, statsFolded: 0 };
    result.created = await this.inTransaction((tx) => ensurePartitions(tx, now));

    const deliveriesHorizon = now - policy.retentionDays * DAY_MS;
    for (let day = 0; day < MAX_DAYS_PER_RUN; day++) {
      const purged = await this.inTransaction((tx) => purgeExpiredDeliveries(tx, deliveriesHorizon));
      if (!purged) break;
      result.purged.push(...purged.partitions);
      result.keptDeliveries += purged.kept;
    }

    if (policy.eventRetentionDays !== undefined) {
      // A delivery is created with its event, so a day of events outlives the deliveries of that day by one
      // day more, and then keeps the events its kept deliveries render from; an idempotency key's event outlives the key.
      const eventsHorizon = Math.min(now - policy.eventRetentionDays * DAY_MS, deliveriesHorizon - DAY_MS, now - idempotencyDays * DAY_MS);
      for (let day = 0; day < MAX_DAYS_PER_RUN; day++) {
        const purged = await this.inTransaction((tx) => purgeExpiredEvents(tx, eventsHorizon));
        if (!purged) break;
        result.purged.push(...purged.partitions);
        result.keptEvents += purged.kept;
      }
    }

    const forgotten = await queryRows(this.db, `DELETE FROM event_idempotency WHERE created_at < to_timestamp($1::float8 / 1000) RETURNING 1`, [
      now - idempotencyDays * DAY_MS,
    ]);
    result.idempotencyKeys = forgotten.length;
    result.statsFolded = await foldAttemptStatsIntoHours(this.db, new Date(now - DAY_MS));
    result.statsForgotten = await purgeAttemptStats(this.db, new Date(deliveriesHorizon));
    return result;
  }

  private inTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '10s'`);
      return work(tx);
    });
  }
}

/** The oldest expired day of events, dropped but for the events some kept delivery still refers to. */
async function purgeExpiredEvents(tx: Queryable, horizon: number): Promise<PurgedDay | null> {
  const group = await nextExpiredDay(tx, 'events', horizon);
  if (!group) return null;
  // A delivery's id is taken when its event is registered: a day's events are referred to from about the same day.
  const kept = await compactPartitions(tx, 'events', group, (from, to) => {
    const lo = uuidV7Floor(new Date(msOfUuidV7(from) - DAY_MS));
    const hi = uuidV7Floor(new Date(msOfUuidV7(to) + DAY_MS));
    return `r.id IN (SELECT event_id FROM deliveries WHERE id >= '${lo}' AND id < '${hi}' AND event_id >= '${from}' AND event_id < '${to}')`;
  });
  return { partitions: group.map((part) => part.name), kept };
}
