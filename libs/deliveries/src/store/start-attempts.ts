import { preparedStatement, Queryable, queryRows, retryOnDeadlock } from '@tidings/common';
import { DeliverWebhookJob } from '@tidings/queue';
import { StoredSecret } from '@tidings/webhooks';
import { AttemptTrigger } from '../delivery.entity';
import { BY_ID_PENDING } from './by-id-pending';
import { wakeNextOfKeysSql } from './ordered-wake';

/** A delivery whose attempt this worker has started, with what is needed to send it. */
export interface StartedAttempt {
  id: string;
  created_at: Date;
  /** The HTTP request that recorded the event, carried into the worker's log lines. */
  request_id: string | null;
  event_id: string | null;
  event_type: string;
  subscriber_id: string;
  /** The body stored by an older version (or null: render it from `event`). */
  payload: Record<string, unknown> | null;
  /** The event row, as JSON (for rendering), when no body is stored. */
  event: Record<string, unknown> | null;
  /** The number of the attempt started (the job's). */
  attempt_count: number;
  next_trigger: AttemptTrigger;
  name: string;
  format: 'standard' | 'slack' | 'discord' | 'teams';
  url: string;
  secrets: StoredSecret[];
  content_type: string;
  verify_tls: boolean;
  headers: Record<string, string>;
}

/**
 * Start: claimed → attempt N started, for a whole job in one statement. The
 * attempt count moves to N before anything is sent, guarded by the count
 * the job expects (N − 1), so of two runs of one job (a stalled BullMQ job
 * re-run by another worker, a duplicate) only the first starts the attempt:
 * a delivery is never sent twice under one number, and is sent again only
 * after its claim's lease ran out (its worker died). Only a delivery whose
 * webhook is enabled and not deleted starts (see settleUnsendable). The
 * lease is renewed: it runs from the start of the attempt. Neither column is
 * indexed, so this is a HOT update. The rows are found by primary key, one
 * probe per job pruned to its partition, whatever the statistics say (see
 * BY_ID_PENDING).
 */
const START_SQL = `
  WITH started AS (
    UPDATE deliveries d
       SET attempt_count = job.attempt, claimed_at = now()
      FROM unnest($1::uuid[], $2::int[]) AS job(id, attempt)
     WHERE d.id = job.id AND d.attempt_count = job.attempt - 1
       AND ${BY_ID_PENDING} AND d.claimed_at IS NOT NULL
       AND (SELECT s.enabled AND s.deleted_at IS NULL FROM subscribers s WHERE s.id = d.subscriber_id)
    RETURNING d.id, d.event_id, d.event_type, d.subscriber_id, d.payload, d.attempt_count, d.next_trigger, d.created_at)
  SELECT started.*, s.name, s.format, s.url, s.secrets, s.content_type, s.verify_tls, s.headers, e.request_id,
         CASE WHEN started.payload IS NULL THEN to_jsonb(e) END AS event
    FROM started JOIN subscribers s ON s.id = started.subscriber_id LEFT JOIN events e ON e.id = started.event_id`;

export function startAttempts(db: Queryable, jobs: DeliverWebhookJob[]): Promise<StartedAttempt[]> {
  if (jobs.length === 0) return Promise.resolve([]);
  return retryOnDeadlock(() =>
    queryRows<StartedAttempt>(db, preparedStatement('tidings_start_attempts_v6', START_SQL), [
      jobs.map((j) => j.deliveryId),
      jobs.map((j) => j.attempt),
    ]),
  );
}

/**
 * A claimed delivery whose webhook was deleted is cancelled, one whose
 * webhook is disabled is failed; no attempt is made. Guarded like start, so
 * a delivery another worker has started is left alone. Answers each
 * delivery settled so, with its new status. An ordered key's next delivery
 * is made due (wakeNextOfKeysSql): a disabled webhook's deliveries fail one
 * after another, in order, as before.
 */
export function settleUnsendable(db: Queryable, jobs: DeliverWebhookJob[]): Promise<{ id: string; status: 'cancelled' | 'failed' }[]> {
  if (jobs.length === 0) return Promise.resolve([]);
  return queryRows(
    db,
    `WITH settled AS (
     UPDATE deliveries d
        SET status = CASE WHEN s.deleted_at IS NOT NULL THEN 'cancelled' ELSE 'failed' END,
            last_error = CASE WHEN s.deleted_at IS NOT NULL THEN 'webhook deleted'
                              ELSE 'webhook disabled: ' || coalesce(s.disabled_reason, 'no reason given') END,
            claimed_at = NULL, next_attempt_at = NULL, updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS job(id, attempt), subscribers s
      WHERE d.id = ANY($1::uuid[]) AND d.id = job.id AND d.attempt_count = job.attempt - 1 AND d.status = 'pending' AND d.claimed_at IS NOT NULL
        AND s.id = d.subscriber_id AND NOT (s.enabled AND s.deleted_at IS NULL)
  RETURNING d.id, d.status, d.subscriber_id, d.ordering_key)
     SELECT id, status FROM settled WHERE ${wakeNextOfKeysSql('settled')} >= 0`,
    [jobs.map((j) => j.deliveryId), jobs.map((j) => j.attempt)],
  );
}
