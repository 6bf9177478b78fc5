import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `events.data` compressed with LZ4 instead of pglz (issue 15 item 4). A body
 * above the TOAST threshold (about 2 kB: an OpenLineage event averages 3.7 kB,
 * a typed event is about 600 B and never reaches it) is compressed when its
 * row is inserted; with pglz that took about a fifth of the Postgres CPU of
 * registering a batch of real OpenLineage events (0.05 of 0.26 ms per event);
 * inserting such a body with LZ4 costs a quarter of inserting it with pglz,
 * for 5 % more bytes on disk. Rows already written keep their pglz datums
 * (both are read alike).
 *
 * Set on `events` (which new partitions inherit: PARTITION OF, or LIKE …
 * INCLUDING COMPRESSION in history-partitions.ts) and on each existing
 * partition, since ALTER COLUMN … SET COMPRESSION does not recurse. A server
 * built without LZ4 keeps pglz.
 */
export class EventDataLz41764760000000 implements MigrationInterface {
  name = 'EventDataLz41764760000000';

  async up(q: QueryRunner): Promise<void> {
    await setCompression(q, 'lz4');
  }

  async down(q: QueryRunner): Promise<void> {
    await setCompression(q, 'pglz');
  }
}

async function setCompression(q: QueryRunner, method: 'lz4' | 'pglz'): Promise<void> {
  await q.query(`
    DO $$
    DECLARE
      t regclass;
    BEGIN
      FOR t IN SELECT 'events'::regclass UNION ALL SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'events'::regclass LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN data SET COMPRESSION ${method}', t);
      END LOOP;
    EXCEPTION WHEN feature_not_supported THEN
      RAISE NOTICE 'this server has no ${method} compression: events.data keeps its compression';
    END $$`);
}
