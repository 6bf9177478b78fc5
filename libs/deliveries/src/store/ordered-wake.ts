import { OUTBOX_CHANNEL } from '@tidings/events';

/**
 * SQL (a scalar expression for a statement's final SELECT): for each ordered
 * key that `left` (a relation of (subscriber_id, ordering_key), the keyed
 * deliveries the statement took out of `pending`) names, makes the key's
 * next delivery due if the claim had parked it (tidings_ordered_wake,
 * migration 1764750000000), in the statement's transaction; then, if any key
 * has a next delivery, wakes the relays (NOTIFY, heard on commit) rather than
 * leaving them to their next poll. The keys are taken in one order, so two
 * statements waking the same keys never wait for each other crosswise.
 */
export function wakeNextOfKeysSql(left: string): string {
  return `(SELECT count(*) FROM (
     SELECT pg_notify('${OUTBOX_CHANNEL}', '')
       FROM (SELECT bool_or(tidings_ordered_wake(k.subscriber_id, k.ordering_key)) AS next
               FROM (SELECT DISTINCT subscriber_id, ordering_key FROM ${left} l WHERE ordering_key IS NOT NULL ORDER BY 1, 2) k) w
      WHERE w.next) n)`;
}
