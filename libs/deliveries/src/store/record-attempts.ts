import { preparedStatement, Queryable, retryOnDeadlock } from '@tidings/common';
import { SendResult } from '@tidings/webhooks';
import { v7 as uuidv7 } from 'uuid';
import { AttemptTrigger } from '../delivery.entity';
import { addToAttemptStatsSql } from './attempt-stats';
import { BY_ID_PENDING } from './by-id-pending';
import { wakeNextOfKeysSql } from './ordered-wake';

/** A finished attempt that was delivered or gets a retry. */
export interface AttemptToRecord {
  deliveryId: string;
  subscriberId: string;
  number: number;
  trigger: AttemptTrigger;
  result: SendResult;
  status: 'delivered' | 'pending';
  lastError: string | null;
  /** For a retry: how long until the next attempt. */
  delayMs: number | null;
}

export interface RecordedAttempts {
  /** Deliveries moved on. One missing had changed meanwhile (a cancel, a lease that ran out): its attempt is recorded, its status left. */
  settled: Set<string>;
  /** Webhooks that are failing after this write, and since when: the row as written, never a value read before another worker's write. */
  failingSince: Map<string, Date>;
}

/**
 * Settle: records a group of attempts in one statement: every attempt row,
 * every delivery moved on from attempt N (guarded by status, claim and
 * count, so a cancel or a later attempt that got there first wins), and each webhook's
 * failure streak: cleared by a success, started by a failure (the first
 * failure after the group's last success; an earlier-started failure
 * recorded later moves the start back).
 *
 * The streak is answered from the UPDATE's own RETURNING. Every webhook
 * with a failure in the group is written, even when its value stays the
 * same: when another worker's write to the same row commits first, Postgres
 * re-reads the row and works the new value out from it, so the answer is the
 * streak as it now stands.
 *
 * A delivered delivery of an ordered key makes the key's next one due (the
 * claim had parked it) and wakes the relays; see wakeNextOfKeysSql. (A retry
 * scheduled unblocks nothing.)
 */
const RECORD_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[], $6::int[], $7::int[],
                         $8::jsonb[], $9::text[], $10::text[], $11::text[], $12::text[], $13::float8[], $14::uuid[])
      AS i(attempt_id, delivery_id, number, trigger, started_at, duration_ms, response_status,
           response_headers, response_body, error, status, last_error, delay_ms, subscriber_id)),
  attempts AS (
    INSERT INTO delivery_attempts (id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error)
    SELECT attempt_id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error FROM input
    -- An attempt recorded again (its first record committed, but the answer was lost with the connection) is the same attempt.
    ON CONFLICT (delivery_id, number) DO NOTHING
    RETURNING delivery_id, number),
  stats AS (${addToAttemptStatsSql(`(
    SELECT i.subscriber_id, i.started_at, i.duration_ms, i.status = 'delivered' AS ok FROM attempts JOIN input i USING (delivery_id, number))`)}),
  settled AS (
    UPDATE deliveries d
       SET status = i.status, next_trigger = 'auto',
           next_attempt_at = CASE WHEN i.status = 'pending' THEN now() + make_interval(secs => i.delay_ms / 1000) END,
           claimed_at = NULL, last_attempt_at = i.started_at, last_response_status = i.response_status, last_error = i.last_error,
           delivered_at = CASE WHEN i.status = 'delivered' THEN now() ELSE d.delivered_at END, updated_at = now()
      FROM input i
     WHERE d.id = i.delivery_id AND d.attempt_count = i.number AND ${BY_ID_PENDING} AND d.claimed_at IS NOT NULL
    RETURNING d.id, d.subscriber_id, d.ordering_key, d.status),
  last_ok AS (
    SELECT subscriber_id, max(started_at) FILTER (WHERE status = 'delivered') AS at FROM input GROUP BY subscriber_id),
  streak AS (
    SELECT o.subscriber_id, o.at IS NULL AS only_failures,
           (SELECT min(i.started_at) FROM input i
             WHERE i.subscriber_id = o.subscriber_id AND i.status = 'pending' AND (o.at IS NULL OR i.started_at > o.at)) AS failing_from
      FROM last_ok o),
  marked AS (
    UPDATE subscribers s
       SET failing_since = CASE WHEN t.only_failures THEN LEAST(s.failing_since, t.failing_from) ELSE t.failing_from END
      FROM streak t
     WHERE s.id = t.subscriber_id AND (t.failing_from IS NOT NULL OR s.failing_since IS NOT NULL)
    RETURNING s.id, s.failing_since)
  SELECT (SELECT coalesce(array_agg(id), '{}') FROM settled) AS settled,
         (SELECT coalesce(json_agg(json_build_object('id', id, 'failing_since', failing_since)), '[]')
            FROM marked WHERE failing_since IS NOT NULL) AS failing,
         ${wakeNextOfKeysSql(`(SELECT subscriber_id, ordering_key FROM settled WHERE status = 'delivered')`)} AS notified`;

export async function recordAttempts(db: Queryable, group: AttemptToRecord[]): Promise<RecordedAttempts> {
  const column = <T>(pick: (a: AttemptToRecord) => T) => group.map(pick);
  const [row]: { settled: string[]; failing: { id: string; failing_since: string }[] }[] = await retryOnDeadlock(() =>
    db.query(preparedStatement('tidings_record_attempts_v8', RECORD_SQL), [
      column(() => uuidv7()),
      column((a) => a.deliveryId),
      column((a) => a.number),
      column((a) => a.trigger),
      column((a) => a.result.startedAt),
      column((a) => a.result.durationMs),
      column((a) => a.result.status ?? null),
      column((a) => (a.result.headers ? JSON.stringify(a.result.headers) : null)),
      column((a) => a.result.body ?? null),
      column((a) => a.result.error ?? null),
      column((a) => a.status),
      column((a) => a.lastError),
      column((a) => a.delayMs),
      column((a) => a.subscriberId),
    ]),
  );
  return {
    settled: new Set(row.settled),
    failingSince: new Map(row.failing.map((f) => [f.id, new Date(f.failing_since)])),
  };
}
