import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordered delivery (DESIGN §3, §6).
 *
 * - `subscribers.ordered`: the webhook receives each ordering key's
 *   deliveries one at a time, in event order.
 * - `events.ordering_key`, `deliveries.ordering_key` (`IF NOT EXISTS`: the
 *   SQL entry point's migration adds the same columns). A delivery carries
 *   its key only when its webhook was ordered when it was created, so
 *   unordered webhooks keep thin rows and pay nothing at claim time.
 * - `deliveries_ordering_idx`: the not-yet-settled deliveries of one
 *   (webhook, key), which the claim reads to find a key's head. Partial, so
 *   it holds only pending keyed rows (the few an ordered webhook has
 *   waiting); it is written when such a row is created and when it settles,
 *   which already change the due index. A claim changes only `claimed_at`,
 *   in no index, so it stays a HOT update.
 * - `tidings_ordered_claimable(...)`: the claim's gate for a keyed delivery
 *   (see libs/deliveries/src/store/claim-due.ts). It takes a transaction
 *   advisory lock on the (webhook, key) first and only then reads the key's
 *   other deliveries, with a fresh snapshot (plpgsql, VOLATILE: each
 *   statement inside takes its own), so a claim of the same key committed
 *   by another relay after the claim statement began is seen, and one still
 *   in progress holds the lock: no two deliveries of a key are ever leased at
 *   once. A lock not taken (another relay is claiming that key) answers no.
 */
export class OrderedDelivery1764750000000 implements MigrationInterface {
  name = 'OrderedDelivery1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subscribers ADD COLUMN ordered boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE events ADD COLUMN IF NOT EXISTS ordering_key text`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS ordering_key text`);
    await q.query(
      `CREATE INDEX deliveries_ordering_idx ON deliveries (subscriber_id, ordering_key) WHERE status = 'pending' AND ordering_key IS NOT NULL`,
    );
    // Replays (next_trigger = 'manual') neither wait nor block; a sibling blocks when it comes first in
    // (occurred_at, event id, delivery id), or when it holds a live lease (a late event must not overtake one in flight).
    await q.query(`
      CREATE FUNCTION tidings_ordered_claimable(delivery uuid, subscriber uuid, key text, event uuid, lease_ms double precision)
        RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        occurred timestamptz;
      BEGIN
        IF NOT coalesce((SELECT s.ordered FROM subscribers s WHERE s.id = subscriber), false) THEN
          RETURN true;
        END IF;
        IF NOT pg_try_advisory_xact_lock(hashtext(current_schema() || '.ordered_delivery'), hashtext(subscriber::text || '/' || key)) THEN
          RETURN false;
        END IF;
        occurred := coalesce((SELECT e.occurred_at FROM events e WHERE e.id = event), '-infinity');
        RETURN NOT EXISTS (
          SELECT FROM deliveries p LEFT JOIN events pe ON pe.id = p.event_id
           WHERE p.subscriber_id = subscriber AND p.ordering_key = key AND p.status = 'pending'
             AND p.next_trigger = 'auto' AND p.id <> delivery
             AND ((coalesce(pe.occurred_at, '-infinity'), p.event_id, p.id) < (occurred, event, delivery)
                  OR p.claimed_at >= now() - make_interval(secs => lease_ms / 1000)));
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS tidings_ordered_claimable(uuid, uuid, text, uuid, double precision)`);
    await q.query(`DROP INDEX IF EXISTS deliveries_ordering_idx`);
    await q.query(`ALTER TABLE subscribers DROP COLUMN ordered`);
  }
}
