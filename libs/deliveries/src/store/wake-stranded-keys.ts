import { Queryable, queryRows } from '@tidings/common';

/**
 * The safety net of parking (see claim-due.ts): makes due every parked
 * delivery that no settle will wake: the first pending delivery of its key
 * (its head left without a wake: a bug, a hand-edited row) or one of a webhook
 * no longer ordered. Run by maintenance, so a lost wake delays a key by at
 * most MAINTENANCE_INTERVAL. Waking is always safe (the claim judges the row
 * again), so no lock is taken; rows locked by a settle or a cancel are left
 * to it. One probe of the ordering index per key (a skip scan over the
 * distinct keys), then one per key for its first delivery. Answers how many
 * it woke.
 */
export async function wakeStrandedKeys(db: Queryable): Promise<number> {
  const [{ woken }] = await queryRows<{ woken: number }>(
    db,
    `WITH RECURSIVE keys AS (
       (SELECT subscriber_id, ordering_key FROM deliveries
         WHERE status = 'pending' AND ordering_key IS NOT NULL ORDER BY subscriber_id, ordering_key LIMIT 1)
       UNION ALL
       SELECT n.subscriber_id, n.ordering_key FROM keys k CROSS JOIN LATERAL (
         SELECT subscriber_id, ordering_key FROM deliveries
          WHERE status = 'pending' AND ordering_key IS NOT NULL AND (subscriber_id, ordering_key) > (k.subscriber_id, k.ordering_key)
          ORDER BY subscriber_id, ordering_key LIMIT 1) n),
     stranded AS (
       SELECT f.id FROM keys k CROSS JOIN LATERAL (
         SELECT p.id, p.next_attempt_at FROM deliveries p
          WHERE p.subscriber_id = k.subscriber_id AND p.ordering_key = k.ordering_key AND p.status = 'pending' AND p.next_trigger = 'auto'
          ORDER BY p.occurred_at, p.event_id, p.id LIMIT 1) f
        WHERE f.next_attempt_at = 'infinity'
       UNION
       SELECT p.id FROM subscribers s JOIN deliveries p ON p.subscriber_id = s.id
        WHERE NOT s.ordered AND p.status = 'pending' AND p.ordering_key IS NOT NULL AND p.next_attempt_at = 'infinity'),
     woken AS (
       UPDATE deliveries d SET next_attempt_at = now()
        WHERE d.id IN (SELECT w.id FROM deliveries w JOIN stranded USING (id)
                        WHERE w.status = 'pending' AND w.next_attempt_at = 'infinity' FOR UPDATE OF w SKIP LOCKED)
       RETURNING 1)
     SELECT count(*)::int AS woken FROM woken`,
  );
  return woken;
}
