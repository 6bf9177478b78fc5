import { compactPartitions, lockRows, nextExpiredDay, partitionsWithin, Queryable } from '@tidings/common';

export interface PurgedDay {
  /** The partitions dropped or compacted. */
  partitions: string[];
  /** Rows kept. */
  kept: number;
}

/**
 * Purge: the oldest day of deliveries whose range ended before `horizon` (ms)
 * leaves the table with its attempts, as whole partitions, except the
 * deliveries still pending or failed (dead letters stay replayable), which
 * move with their attempts into a kept partition over the same range. Writes
 * to those partitions wait meanwhile (a settle of a month-old pending
 * delivery, a replay of a dead letter). Runs on the caller's transaction;
 * null when no day has expired.
 */
export async function purgeExpiredDeliveries(tx: Queryable, horizon: number): Promise<PurgedDay | null> {
  const group = await nextExpiredDay(tx, 'deliveries', horizon);
  if (!group) return null;
  const attempts = await partitionsWithin(tx, 'delivery_attempts', group);
  // Both at once, before either is copied: a settle writes an attempt and its delivery together.
  await lockRows(tx, [...group, ...attempts]);
  const kept = await compactPartitions(tx, 'deliveries', group, () => `r.status IN ('pending', 'failed')`);
  if (attempts.length > 0) {
    await compactPartitions(tx, 'delivery_attempts', attempts, (from, to) => `r.delivery_id IN (SELECT id FROM deliveries WHERE id >= '${from}' AND id < '${to}')`);
  }
  return { partitions: [...group, ...attempts].map((part) => part.name), kept };
}
