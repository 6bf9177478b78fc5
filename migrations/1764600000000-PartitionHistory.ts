import { MigrationInterface, QueryRunner } from 'typeorm';
import { DAY_MS, ensurePartitions, HISTORY_TABLES, HistoryTable, installPartitions, startOfUtcDay } from '../libs/common/src/history-partitions';
import { msOfUuidV7 } from '../libs/common/src/uuid-time';

/**
 * The history tables become range-partitioned by time through their UUIDv7
 * keys (DESIGN §3), so that retention drops whole days instead of deleting
 * rows one by one (each delete a dead tuple; 4 M rows took ~80 minutes).
 *
 * Each existing table is attached as it is as the first partition
 * (`<table>_p0`, up to the end of the day of its newest row): no row is copied, ids and pending
 * deliveries stay as they are; attaching scans it once to check the bound.
 * Then today and DAYS_AHEAD days get their own partitions, and a default
 * partition catches rows no range covers yet.
 *
 * What a partitioned table cannot keep, and what replaces it:
 * - the unique index on `events.idempotency_key` (a unique index must hold
 *   the partition key): keys move to `event_idempotency`, one row per
 *   (producer, key) for the idempotency window;
 * - foreign keys between history tables (a dropped partition would have to
 *   cascade into another table's rows): retention keeps what refers to what
 *   it keeps (PurgeHistory);
 * - `delivery_attempts` keys on (delivery_id, number) and is partitioned on
 *   `delivery_id`, so attempts stay in their delivery's day: the key is the
 *   unique attempt number per delivery, and one index instead of two;
 * - `deliveries_settled_idx` served only the row-by-row purge.
 */
export class PartitionHistory1764600000000 implements MigrationInterface {
  name = 'PartitionHistory1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_idempotency (
        producer   text NOT NULL,
        key        text NOT NULL,
        event_id   uuid NOT NULL,
        body_hash  text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (producer, key))`);
    // Purged by age (PurgeHistory).
    await q.query(`CREATE INDEX event_idempotency_created_idx ON event_idempotency (created_at)`);
    await q.query(
      `INSERT INTO event_idempotency (producer, key, event_id, body_hash, created_at)
       SELECT source, idempotency_key, id, md5(data::text), recorded_at FROM events WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`DROP INDEX events_idempotency_key_uq`);
    // Attempts recorded twice under one number (a stalled job re-run, before the start guard) are numbered in the order they started.
    await q.query(`
      WITH twice AS (SELECT DISTINCT delivery_id FROM delivery_attempts GROUP BY delivery_id, number HAVING count(*) > 1),
      renumbered AS (
        SELECT a.id, row_number() OVER (PARTITION BY a.delivery_id ORDER BY a.number, a.started_at, a.id)::int AS number
          FROM delivery_attempts a JOIN twice USING (delivery_id))
      UPDATE delivery_attempts a SET number = r.number FROM renumbered r WHERE a.id = r.id AND a.number <> r.number`);
    await q.query(`
      UPDATE deliveries d SET attempt_count = m.number
        FROM (SELECT delivery_id, max(number) AS number FROM delivery_attempts GROUP BY delivery_id) m
       WHERE d.id = m.delivery_id AND d.attempt_count < m.number`);
    await q.query(`DROP INDEX deliveries_settled_idx`);
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_id_fkey`);
    await q.query(`ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_delivery_id_fkey`);
    await q.query(`ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey`);
    await q.query(`DROP INDEX delivery_attempts_delivery_idx`);

    // The first partition holds every existing row: it ends with today, or with the day of the newest id (a clock ahead).
    const [{ newest }] = await q.query(`SELECT greatest((SELECT id FROM events ORDER BY id DESC LIMIT 1), (SELECT id FROM deliveries ORDER BY id DESC LIMIT 1))::text AS newest`);
    const today = startOfUtcDay(Date.now());
    const firstDay = newest === null ? today : Math.max(today, startOfUtcDay(msOfUuidV7(newest)) + DAY_MS);
    const primaryKeys: Record<HistoryTable, string> = { events: 'id', deliveries: 'id', delivery_attempts: 'delivery_id, number' };
    for (const table of Object.keys(HISTORY_TABLES) as HistoryTable[]) {
      await partition(q, table, primaryKeys[table], firstDay);
    }
    await ensurePartitions(q);
  }

  async down(q: QueryRunner): Promise<void> {
    // One plain table per history table again, rows copied back; the dropped constraints and indexes return.
    for (const table of Object.keys(HISTORY_TABLES) as HistoryTable[]) {
      await q.query(`CREATE TABLE "${table}_flat" (LIKE "${table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
      await q.query(`INSERT INTO "${table}_flat" SELECT * FROM "${table}"`);
      await q.query(`DROP TABLE "${table}" CASCADE`);
      await q.query(`ALTER TABLE "${table}_flat" RENAME TO "${table}"`);
    }
    await q.query(`ALTER TABLE events ADD FOREIGN KEY (type) REFERENCES event_types(name)`);
    await q.query(`ALTER TABLE deliveries ADD FOREIGN KEY (subscriber_id) REFERENCES subscribers(id)`);
    await q.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES events(id) ON DELETE SET NULL`);
    await q.query(
      `ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES deliveries(id) ON DELETE CASCADE`,
    );
    await q.query(`CREATE UNIQUE INDEX events_idempotency_key_uq ON events (idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX deliveries_settled_idx ON deliveries (updated_at) WHERE status IN ('delivered', 'cancelled')`);
    await q.query(`DROP TABLE event_idempotency`);
  }
}

/**
 * Turns `table` into a partitioned table with the same columns, checks,
 * indexes and foreign keys (to tables outside the history), whose first
 * partition is the table as it was.
 */
async function partition(q: QueryRunner, table: HistoryTable, primaryKey: string, firstDay: number): Promise<void> {
  const first = `${table}_p0`;
  const indexes: { name: string; def: string; primary: boolean }[] = await q.query(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, x.indisprimary AS primary
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = to_regclass($1)`,
    [table],
  );
  const foreignKeys: { name: string; def: string }[] = await q.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'f'`,
    [table],
  );
  await q.query(`ALTER TABLE "${table}" RENAME TO "${first}"`);
  // Index names are per schema: the parent's indexes take the names, the first partition's get its prefix.
  for (const { name } of indexes) await q.query(`ALTER INDEX "${name}" RENAME TO "${first}${name.slice(table.length)}"`);
  await q.query(
    `CREATE TABLE "${table}" (LIKE "${first}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (${HISTORY_TABLES[table].key})`,
  );
  await q.query(`ALTER TABLE "${table}" ADD PRIMARY KEY (${primaryKey})`);
  for (const { name, def, primary } of indexes) {
    if (primary) continue;
    await q.query(`CREATE INDEX "${name}" ON "${table}" ${def.slice(def.indexOf(' USING ') + 1)}`);
  }
  for (const { name, def } of foreignKeys) await q.query(`ALTER TABLE "${table}" ADD CONSTRAINT "${name}" ${def}`);
  await installPartitions(q, table, firstDay);
}
