import { MigrationInterface, QueryRunner } from 'typeorm';
import { TYPES_PER_STATEMENT } from './1764785000000-LeanerRegistration';
import { editRegisterEventsTrusted, reversed } from './data/edit-register-events-trusted';

/**
 * `events.type` loses its foreign key to `event_types`; `register_events_trusted`
 * checks the types instead, once per distinct type of a call.
 *
 * Why: the foreign key cost one probe of `event_types` per event row, and a
 * FOR KEY SHARE lock of its type's row (a WAL record, and a MultiXact when
 * concurrent transactions register events of one type, which is the common
 * case). On a freshly migrated database it was 8.8 of 74 buffer pages per
 * event, since the catalogue syncs leave dead row versions that every probe
 * walks past until VACUUM (docs/benchmark.md).
 *
 * Why that is safe: every events row is written by `register_events_trusted`
 * (the api, in-process register(), `register_event(s)` all end there), which
 * already looked each distinct type up for its patterns and ordering-key path
 * (LeanerRegistration1764785000000). It now refuses a type it did not find
 * with the same SQLSTATE as the foreign key did (23503), before writing
 * anything. And the other half of the foreign key, refusing to delete a type
 * events refer to, guarded nothing: types are never deleted, only deprecated
 * (migrations/data/sync-event-types.ts).
 */
const CHECKED_BEFORE = `WITH types AS MATERIALIZED (
          SELECT * FROM jsonb_to_recordset(known_types) AS x(name text, subscription_patterns text[], ordering_key_path text[])),`;

const BEGIN = `      BEGIN
        RETURN QUERY`;

const BEGIN_CHECKED = `      DECLARE
        known_types jsonb;
        unknown_type text;
      BEGIN
        -- One probe per distinct type of the call (OFFSET 0: a primary-key probe each, not a scan of the table to
        -- hash-join with the types it guesses); events.type has no foreign key, this refuses an unknown type instead.
        SELECT COALESCE(jsonb_agg(to_jsonb(x)) FILTER (WHERE x.name IS NOT NULL), '[]'), min(r.type) FILTER (WHERE x.name IS NULL)
          INTO known_types, unknown_type
          FROM (SELECT DISTINCT r.type FROM jsonb_to_recordset(records) AS r(type text)) r
          LEFT JOIN LATERAL (SELECT x.name, x.subscription_patterns, x.ordering_key_path FROM event_types x
                              WHERE x.name = r.type OFFSET 0) x ON true;
        IF unknown_type IS NOT NULL THEN
          RAISE EXCEPTION 'unknown event type %', unknown_type USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN QUERY`;

const EDITS = [
  [BEGIN, BEGIN_CHECKED],
  [TYPES_PER_STATEMENT, CHECKED_BEFORE],
] as const;

export class EventTypeCheckedPerStatement1764785100000 implements MigrationInterface {
  name = 'EventTypeCheckedPerStatement1764785100000';

  async up(q: QueryRunner): Promise<void> {
    await editRegisterEventsTrusted(q, EDITS);
    await q.query(`ALTER TABLE events DROP CONSTRAINT events_type_fkey`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD CONSTRAINT events_type_fkey FOREIGN KEY (type) REFERENCES event_types(name)`);
    await editRegisterEventsTrusted(q, reversed(EDITS));
  }
}
