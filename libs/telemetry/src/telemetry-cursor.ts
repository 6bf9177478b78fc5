import { Queryable } from '@tidings/common';
import { COMMITTED_HORIZON } from './committed-horizon';

/** A position in the event log: the last event exported, in (transaction id, event id) order. xid8 travels as text. */
export interface TelemetryCursor {
  xid: string;
  eventId: string;
}

/*
 * The exporter's position (table `telemetry_cursor`, one row). Everything at
 * or before it has been accepted by the analytics backend; everything after
 * it is sent next. See migrations/1764510000000-TelemetryCursor.ts.
 */

/**
 * Creates the cursor at the current position when there is none (telemetry
 * just turned on): events of transactions already finished are not sent,
 * those still running and all later ones are. Resolves to true when it
 * created it.
 */
export async function createTelemetryCursor(db: Queryable): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `INSERT INTO telemetry_cursor (xid, event_id)
     SELECT h.xid, '00000000-0000-0000-0000-000000000000' FROM (${COMMITTED_HORIZON}) h
     ON CONFLICT (singleton) DO NOTHING
     RETURNING xid`,
  );
  return rows.length > 0;
}

/**
 * Locks the cursor for one batch, inside the caller's transaction: the lock
 * is what makes one exporter at a time across workers. `busy` when another
 * replica holds it, `missing` when there is none yet.
 */
export async function lockTelemetryCursor(tx: Queryable): Promise<TelemetryCursor | 'busy' | 'missing'> {
  const [row]: { xid: string | null; event_id: string | null; cursors: number }[] = await tx.query(
    `SELECT l.xid::text AS xid, l.event_id, (SELECT count(*) FROM telemetry_cursor)::int AS cursors
       FROM (SELECT 1) one
       LEFT JOIN (SELECT xid, event_id FROM telemetry_cursor FOR UPDATE SKIP LOCKED) l ON true`,
  );
  if (row.xid !== null && row.event_id !== null) return { xid: row.xid, eventId: row.event_id };
  return row.cursors === 0 ? 'missing' : 'busy';
}

/** Moves the locked cursor to the last event of a batch the backend accepted. */
export async function advanceTelemetryCursor(tx: Queryable, to: TelemetryCursor): Promise<void> {
  await tx.query(`UPDATE telemetry_cursor SET xid = $1::xid8, event_id = $2::uuid, updated_at = now()`, [to.xid, to.eventId]);
}

/**
 * Forgets the position (telemetry is off): when it is turned on again the
 * cursor starts at that moment, so events recorded while it was off are never sent.
 */
export async function dropTelemetryCursor(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM telemetry_cursor`);
}
