import { QueryRunner } from 'typeorm';

/** A row of a frozen catalogue snapshot (migrations/data/event-catalogue-v*.json). */
export interface EventTypeSnapshotRow {
  name: string;
  group: string;
  description: string;
  schema: object;
  ordering_key_path: string[];
}

/**
 * Makes `event_types` hold exactly `rows`: each row inserted or updated (and
 * undeprecated), and every type the snapshot no longer lists deprecated, not
 * deleted (events keep referring to it). Frozen like the snapshots: a change
 * of behaviour is a new helper, never an edit here.
 */
export async function syncEventTypes(q: QueryRunner, rows: readonly EventTypeSnapshotRow[]): Promise<void> {
  await q.query(
    `INSERT INTO event_types (name, "group", description, schema, ordering_key_path, deprecated_at)
     SELECT r.name, r."group", r.description, r.schema, r.ordering_key_path, NULL
       FROM jsonb_to_recordset($1::jsonb) AS r(name text, "group" text, description text, schema jsonb, ordering_key_path text[])
     ON CONFLICT (name) DO UPDATE
       SET "group" = EXCLUDED."group", description = EXCLUDED.description, schema = EXCLUDED.schema,
           ordering_key_path = EXCLUDED.ordering_key_path, deprecated_at = NULL`,
    [JSON.stringify(rows)],
  );
  await q.query(`UPDATE event_types SET deprecated_at = now() WHERE deprecated_at IS NULL AND NOT (name = ANY($1::text[]))`, [
    rows.map((row) => row.name),
  ]);
}
