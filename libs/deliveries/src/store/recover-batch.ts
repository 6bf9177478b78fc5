import { Queryable, queryRows, uuidV7Floor } from '@tidings/common';
import { OUTBOX_CHANNEL } from '@tidings/events';

/**
 * Replay, for many: the next `limit` failed deliveries of a webhook written
 * in [since, until) (an id range: ids are UUIDv7), after the id `after`
 * (keyset on the failed index, so each is taken once per recovery even if
 * its manual attempt fails again meanwhile), each set to one manual attempt
 * now; NOTIFY so the relay starts at once. One statement, so each batch
 * commits on its own: a recovery that stops half-way has replayed whole
 * batches and can be run again.
 */
export async function recoverBatch(
  db: Queryable,
  webhookId: string,
  window: { since: Date; until?: Date },
  after: string | null,
  limit: number,
): Promise<{ replayed: number; last: string | null }> {
  const [row] = await queryRows<{ replayed: number; last: string | null }>(
    db,
    `WITH batch AS (
       SELECT id FROM deliveries
        WHERE subscriber_id = $1 AND status = 'failed' AND id >= $2::uuid AND ($3::uuid IS NULL OR id < $3::uuid)
          AND ($4::uuid IS NULL OR id > $4::uuid)
        ORDER BY id
        LIMIT $5
        FOR UPDATE SKIP LOCKED),
     replayed AS (
       UPDATE deliveries d SET status = 'pending', next_trigger = 'manual', next_attempt_at = now(), claimed_at = NULL, updated_at = now()
         FROM batch WHERE d.id = batch.id
       RETURNING d.id)
     SELECT (SELECT count(*) FROM replayed)::int AS replayed, (SELECT max(id::text) FROM replayed) AS last,
            (SELECT count(*) FROM (SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM replayed LIMIT 1) n) AS notified`,
    [webhookId, uuidV7Floor(window.since), window.until ? uuidV7Floor(window.until) : null, after, limit],
  );
  return row;
}
