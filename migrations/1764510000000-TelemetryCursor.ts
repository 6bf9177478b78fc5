import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The telemetry exporter's position in the event log (DESIGN §5).
 *
 * - `events.xid` (xid8, default `pg_current_xact_id()`): the top-level
 *   transaction that wrote the event. The exporter reads only rows whose
 *   transaction is below every transaction still in progress that may write
 *   here (the snapshot's in-progress xids, less those of other databases: see
 *   libs/telemetry/src/committed-horizon.ts), in (xid, id) order, so an
 *   event committed after one with a later id is never skipped. Why a column
 *   and not the row's xmin: xmin is 32-bit (wraps around, cannot be ordered
 *   across epochs) and changes if the row is ever updated; an xid8 does
 *   neither. It costs 8 bytes per event and no round trip: the inserting
 *   transaction already has its id.
 * - `events_xid_idx (xid, id)`: the export query is a range scan past the
 *   cursor in that order; without it every export would scan and sort the
 *   whole log. Partial (`xid IS NOT NULL`): events written before this
 *   migration have no xid (adding the column rewrites nothing), so on an
 *   upgraded database the index starts empty and builds at once. It grows at
 *   its right edge, like the primary key.
 * - `telemetry_cursor`: one row, the last (xid, event_id) exported. The
 *   exporter locks it (FOR UPDATE SKIP LOCKED) for the batch it sends, so
 *   one replica exports at a time. The exporter creates it at the current
 *   position when telemetry is on and there is none (see the README).
 */
export class TelemetryCursor1764510000000 implements MigrationInterface {
  name = 'TelemetryCursor1764510000000';

  async up(q: QueryRunner): Promise<void> {
    // Two steps: a default given with ADD COLUMN would be stored for every existing row (one xid for the whole history).
    await q.query(`ALTER TABLE events ADD COLUMN xid xid8`);
    await q.query(`ALTER TABLE events ALTER COLUMN xid SET DEFAULT pg_current_xact_id()`);
    await q.query(`CREATE INDEX events_xid_idx ON events (xid, id) WHERE xid IS NOT NULL`);
    await q.query(`
      CREATE TABLE telemetry_cursor (
        singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        xid        xid8 NOT NULL,
        event_id   uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS telemetry_cursor`);
    await q.query(`DROP INDEX IF EXISTS events_xid_idx`);
    await q.query(`ALTER TABLE events DROP COLUMN IF EXISTS xid`);
  }
}
