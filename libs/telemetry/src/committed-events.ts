import { Queryable } from '@tidings/common';
import { COMMITTED_HORIZON } from './committed-horizon';
import { TelemetryCursor } from './telemetry-cursor';

/** An event row past the cursor; `xid` (xid8) arrives as text, as the next position needs it. */
export type CommittedEventRow = Record<string, any> & { id: string; type: string; xid: string };

/**
 * The next events past `cursor` in commit order, at most `limit`. Only
 * transactions below the horizon are read: the oldest transaction still in
 * progress that may have written to this database (see COMMITTED_HORIZON).
 * Every transaction below it has committed or aborted, so no event can still
 * appear before the last one returned: a transaction that commits later than
 * an event with a later id is waited for, never skipped. Ordered by (xid, id)
 * through events_xid_idx.
 */
export async function readCommittedEvents(db: Queryable, cursor: TelemetryCursor, limit: number): Promise<CommittedEventRow[]> {
  return db.query(
    // The horizon as a scalar subquery, so it bounds the index scan (a join would only filter it, walking every row past the horizon).
    `SELECT e.*
       FROM events e
      WHERE e.xid IS NOT NULL
        AND (e.xid, e.id) > ($1::xid8, $2::uuid)
        AND e.xid < (${COMMITTED_HORIZON})
      ORDER BY e.xid, e.id
      LIMIT $3`,
    [cursor.xid, cursor.eventId, limit],
  );
}

/** Counted up to this many: a backlog metric that stays cheap however long the backend is down. */
export const BACKLOG_COUNT_CAP = 100_000;

/**
 * Events past the cursor (committed or not), counted through events_xid_idx
 * up to BACKLOG_COUNT_CAP; 0 when there is no cursor (telemetry never on).
 */
export async function countTelemetryBacklog(db: Queryable): Promise<number> {
  const [row]: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM telemetry_cursor c
         JOIN events e ON e.xid IS NOT NULL AND (e.xid, e.id) > (c.xid, c.event_id)
        LIMIT $1) backlog`,
    [BACKLOG_COUNT_CAP],
  );
  return row.n;
}
