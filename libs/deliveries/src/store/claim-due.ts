import { preparedStatement, Queryable, queryRows } from '@tidings/common';
import { DeliverWebhookJob } from '@tidings/queue';

/**
 * Claim: takes up to `limit` due webhook deliveries for enqueueing, as a
 * lease. A claimed delivery stays `pending`; its `claimed_at` says since
 * when it is leased. No index holds `claimed_at` or is changed by it, so a
 * claim is a HOT update (no index entries; fillfactor leaves room on the
 * page). A lease that ran out (its worker died, Redis lost its job) makes the
 * delivery claimable again by this same statement: nothing has to return it.
 * Leased rows stay at the front of the due index, so each claim steps over
 * those in flight (bounded by the queue's backpressure and the workers'
 * concurrency). Concurrent relays skip each other's rows.
 *
 * Ordered delivery (DESIGN §6): a delivery with an `ordering_key` (set only
 * for an ordered webhook's deliveries) of a webhook still ordered is
 * claimable only when it is its key's head: no other pending delivery of the same (webhook, key) comes
 * before it in (event occurred_at, event id, delivery id) order or holds a
 * live lease. A failing head waits for its retry, still pending, so it
 * blocks its key and nothing else; delivered, dead-lettered or cancelled, it
 * unblocks. A replay (`next_trigger = 'manual'`) neither waits nor blocks.
 * A delivery behind an earlier one of its key is passed over with one probe
 * of the ordering index; one that looks like its key's head goes to the gate,
 * tidings_ordered_claimable (migration 1764700050000), which locks the key
 * before reading it again, so relays claiming at once never lease two
 * deliveries of one key. A delivery without a key, the rows of every
 * unordered webhook, meets neither.
 */
const CLAIM_SQL = `
  UPDATE deliveries d SET claimed_at = now()
    FROM (SELECT c.id FROM deliveries c
           WHERE c.status = 'pending' AND c.next_attempt_at <= now()
             AND (c.claimed_at IS NULL OR c.claimed_at < now() - make_interval(secs => $2::double precision / 1000))
             AND CASE WHEN c.ordering_key IS NULL OR c.next_trigger = 'manual' THEN true
                      WHEN NOT (SELECT s.ordered FROM subscribers s WHERE s.id = c.subscriber_id) THEN true
                      -- Behind an earlier delivery of its key (one probe of the ordering index): not a head, no lock taken.
                      WHEN EXISTS (SELECT FROM deliveries p
                                    WHERE p.subscriber_id = c.subscriber_id AND p.ordering_key = c.ordering_key AND p.status = 'pending'
                                      AND (p.occurred_at, p.event_id, p.id) < (c.occurred_at, c.event_id, c.id)
                                      AND p.next_trigger = 'auto') THEN false
                      ELSE tidings_ordered_claimable(c.id, c.subscriber_id, c.ordering_key, c.occurred_at, c.event_id, $2::double precision) END
           ORDER BY c.next_attempt_at
           LIMIT $1
           FOR UPDATE OF c SKIP LOCKED) due
   WHERE d.id = due.id
  RETURNING d.id, d.subscriber_id, d.attempt_count`;

export async function claimDue(db: Queryable, limit: number, leaseMs: number): Promise<DeliverWebhookJob[]> {
  const rows = await queryRows<{ id: string; subscriber_id: string; attempt_count: number }>(
    db,
    preparedStatement('tidings_claim_due_v4', CLAIM_SQL),
    [limit, leaseMs],
  );
  return rows.map((row) => ({ deliveryId: row.id, subscriberId: row.subscriber_id, attempt: row.attempt_count + 1 }));
}
