import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordered delivery without a scan of the waiting (issue 14): a delivery
 * waiting behind its key's head is *parked*, `next_attempt_at = 'infinity'`,
 * so it is out of the due range the claim scans (the due index is on
 * `next_attempt_at`; an index scan up to now() never reaches it). Before,
 * every claim pass stepped over every waiting row (21 per key over 1,000 keys:
 * 29.5 ms of Postgres CPU per ordered delivery).
 *
 * - `tidings_ordered_verdict(...)` replaces the claim's gate: under the key's
 *   advisory lock (tried, as before) and with a fresh snapshot it answers
 *   `claim` (the key's head, nothing in flight), `park` (an earlier delivery
 *   of the key is pending: the claim parks this one) or `wait` (the lock is
 *   another relay's, or a later delivery is in flight: left due, as before).
 *   A row is parked by the first claim that meets it, not at registration:
 *   registering stays as it was (no lock there, so an application's open
 *   transaction never holds up a worker's settle).
 * - `tidings_ordered_wake(subscriber, key)`: called by every statement that
 *   takes a keyed delivery out of `pending` (delivered, dead letter, cancel,
 *   unsendable). It takes the same key's lock (waiting for it) and, with a
 *   fresh snapshot, makes the key's first pending delivery due if it is
 *   parked (due since it was created, so it is claimed before deliveries
 *   created after it, not behind the whole backlog), in the settle's
 *   transaction. Parking and waking of one key are
 *   thereby serialised and each sees the other's commit: a claim parks only
 *   behind a delivery it saw pending after taking the lock, and that
 *   delivery's settle, taking the lock after the claim committed, sees the
 *   parked row. A row locked by someone else is left (only a cancel of it, which wakes its own
 *   successor, or the sweep lock parked rows). Answers whether the key has a
 *   next delivery (the caller then wakes the relays).
 *
 * `tidings_ordered_claimable` stays for workers of the previous version
 * during a rolling upgrade (they never park, so they need no wake).
 */
export class OrderedParking1764750000000 implements MigrationInterface {
  name = 'OrderedParking1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION tidings_ordered_verdict(
        delivery uuid, subscriber uuid, key text, occurred timestamptz, event uuid, lease_ms double precision)
        RETURNS text LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF NOT pg_try_advisory_xact_lock(hashtext(current_schema() || '.ordered_delivery'), hashtext(subscriber::text || '/' || key)) THEN
          RETURN 'wait';
        END IF;
        -- Each probe in the ordering index's order with LIMIT 1, so that index is the plan even without statistics
        -- (EXISTS was planned on the webhook's pending index, scanning every pending delivery of the webhook).
        PERFORM FROM deliveries p
          WHERE p.subscriber_id = subscriber AND p.ordering_key = key AND p.status = 'pending' AND p.next_trigger = 'auto'
            AND (p.occurred_at, p.event_id, p.id) < (occurred, event, delivery)
          ORDER BY p.occurred_at, p.event_id, p.id LIMIT 1;
        IF FOUND THEN
          RETURN 'park';
        END IF;
        -- First of its key, but a late event's successor may be in flight: it goes after that one settles.
        PERFORM FROM deliveries p
          WHERE p.subscriber_id = subscriber AND p.ordering_key = key AND p.status = 'pending' AND p.next_trigger = 'auto'
            AND p.id <> delivery AND p.claimed_at >= now() - make_interval(secs => lease_ms / 1000)
          ORDER BY p.occurred_at, p.event_id, p.id LIMIT 1;
        IF FOUND THEN
          RETURN 'wait';
        END IF;
        RETURN 'claim';
      END
      $$`);
    await q.query(`
      CREATE FUNCTION tidings_ordered_wake(subscriber uuid, key text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        next_id uuid;
        next_at timestamptz;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '.ordered_delivery'), hashtext(subscriber::text || '/' || key));
        SELECT p.id, p.next_attempt_at INTO next_id, next_at
          FROM deliveries p
         WHERE p.subscriber_id = subscriber AND p.ordering_key = key AND p.status = 'pending' AND p.next_trigger = 'auto'
         ORDER BY p.occurred_at, p.event_id, p.id
         LIMIT 1;
        IF next_id IS NULL THEN
          RETURN false;
        END IF;
        IF next_at = 'infinity' THEN
          -- Due since it was created: it goes before deliveries created after it, not behind the whole backlog.
          UPDATE deliveries SET next_attempt_at = least(created_at, now())
           WHERE id = (SELECT id FROM deliveries WHERE id = next_id AND status = 'pending' AND next_attempt_at = 'infinity'
                          FOR UPDATE SKIP LOCKED);
        END IF;
        RETURN true;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE deliveries SET next_attempt_at = now() WHERE status = 'pending' AND next_attempt_at = 'infinity'`);
    await q.query(`DROP FUNCTION tidings_ordered_wake(uuid, text)`);
    await q.query(`DROP FUNCTION tidings_ordered_verdict(uuid, uuid, text, timestamptz, uuid, double precision)`);
  }
}
