import { QueryRunner } from 'typeorm';
import { EventTypeSnapshotRow, syncEventTypes } from './sync-event-types';

/** A catalogue snapshot row from v3 on: also what the SQL entry point needs to register the type. */
export interface EventTypeRulesSnapshotRow extends EventTypeSnapshotRow {
  scope_paths: { column: string; path: string[] }[];
  subscription_patterns: string[];
  producer_registrable: boolean;
}

/** A string format as the SQL validator reads it (migrations/data/event-formats-v*.json). */
export interface EventFormatSnapshotRow {
  name: string;
  pattern: string;
  flags: string;
  message: string;
}

/**
 * syncEventTypes, then the SQL entry point's columns of each row (scope
 * paths, subscription patterns, whether producers may register it) and the
 * formats table. Frozen like the snapshots: a change of behaviour is a new
 * helper, never an edit here.
 */
export async function syncEventTypeRules(
  q: QueryRunner,
  rows: readonly EventTypeRulesSnapshotRow[],
  formats: readonly EventFormatSnapshotRow[],
): Promise<void> {
  await syncEventTypes(q, rows);
  await q.query(
    `UPDATE event_types t
        SET scope_paths = r.scope_paths, subscription_patterns = r.subscription_patterns, producer_registrable = r.producer_registrable
       FROM jsonb_to_recordset($1::jsonb) AS r(name text, scope_paths jsonb, subscription_patterns text[], producer_registrable boolean)
      WHERE t.name = r.name`,
    [JSON.stringify(rows)],
  );
  await q.query(
    `INSERT INTO event_formats (name, pattern, flags, message)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(name text, pattern text, flags text, message text)
     ON CONFLICT (name) DO UPDATE SET pattern = EXCLUDED.pattern, flags = EXCLUDED.flags, message = EXCLUDED.message`,
    [JSON.stringify(formats)],
  );
}
