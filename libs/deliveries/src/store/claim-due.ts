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
 * Ordered delivery (DESIGN §6, docs/ordered-delivery.md): a delivery with an
 * `ordering_key` (set only for an ordered webhook's deliveries) of a webhook
 * still ordered is judged by tidings_ordered_verdict (migration
 * 1764750000000), which locks the key before reading it again, so relays
 * claiming at once never lease two deliveries of one key. Its key's head
 * (nothing pending before it, nothing of the key in flight) is claimed; one
 * behind an earlier pending delivery of its key is *parked*: its
 * `next_attempt_at` becomes 'infinity', out of the due range, until the
 * settle of the delivery before it wakes it (tidings_ordered_wake). So a
 * waiting delivery is met by one claim, not by every pass. A failing head
 * waits for its retry, still pending, so its key waits and nothing else. A
 * replay (`next_trigger = 'manual'`) neither waits nor blocks. A delivery
 * without a key, the rows of every unordered webhook, never reaches the
 * function; a parked row answers its job as `parked` and is not enqueued.
 */
const CLAIM_SQL = `
  UPDATE deliveries d
     SET claimed_at = CASE WHEN due.park THEN d.claimed_at ELSE now() END,
         next_attempt_at = CASE WHEN due.park THEN 'infinity' ELSE d.next_attempt_at END
    FROM (SELECT c.id, v.verdict = 'park' AS park
            FROM (SELECT c.id, c.subscriber_id, c.ordering_key, c.next_trigger, c.occurred_at, c.event_id FROM deliveries c
                   WHERE c.status = 'pending' AND c.next_attempt_at <= now()
                     AND (c.claimed_at IS NULL OR c.claimed_at < now() - make_interval(secs => $2::double precision / 1000))
                   ORDER BY c.next_attempt_at
                   LIMIT $1
                   FOR UPDATE SKIP LOCKED) c
           -- Judged after the LIMIT: the function runs for the batch's rows only, whatever plan sorts the due rows.
           CROSS JOIN LATERAL (
             SELECT CASE WHEN c.ordering_key IS NULL OR c.next_trigger = 'manual' THEN 'claim'
                         WHEN NOT (SELECT s.ordered FROM subscribers s WHERE s.id = c.subscriber_id) THEN 'claim'
                         ELSE tidings_ordered_verdict(c.id, c.subscriber_id, c.ordering_key, c.occurred_at, c.event_id, $2::double precision)
                    END AS verdict) v
           WHERE v.verdict <> 'wait') due
   WHERE d.id = due.id
  RETURNING d.id, d.subscriber_id, d.attempt_count, due.park`;

/** What a claim took: the jobs to enqueue, and how many due deliveries it parked behind their key's head instead. */
export interface ClaimedBatch {
  jobs: DeliverWebhookJob[];
  parked: number;
}

export async function claimDue(db: Queryable, limit: number, leaseMs: number): Promise<ClaimedBatch> {
  const rows = await queryRows<{ id: string; subscriber_id: string; attempt_count: number; park: boolean }>(
    db,
    preparedStatement('tidings_claim_due_v6', CLAIM_SQL),
    [limit, leaseMs],
  );
  const jobs = rows.filter((row) => !row.park).map((row) => ({ deliveryId: row.id, subscriberId: row.subscriber_id, attempt: row.attempt_count + 1 }));
  return { jobs, parked: rows.length - jobs.length };
}
