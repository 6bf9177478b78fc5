import { MigrationInterface, QueryRunner } from 'typeorm';
import catalogue from './data/event-catalogue-v2.json';
import { EventTypeSnapshotRow, syncEventTypes } from './data/sync-event-types';

/**
 * `event_types` gains what the event registry says of each type (DESIGN §3,
 * §4): `schema`, the JSON Schema of its input body, and `ordering_key_path`,
 * the dotted body paths of its default ordering key. Rows come from the
 * registry's snapshot v2 (scripts/event-catalogue-snapshot.js); names, groups
 * and descriptions are the same as v1's.
 */
export class EventTypeSchemas1764620000000 implements MigrationInterface {
  name = 'EventTypeSchemas1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_types ADD COLUMN schema jsonb, ADD COLUMN ordering_key_path text[] NOT NULL DEFAULT '{}'`);
    // Null only for a type the registry no longer defines (deprecated, kept for the events that name it).
    await syncEventTypes(q, catalogue as EventTypeSnapshotRow[]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_types DROP COLUMN schema, DROP COLUMN ordering_key_path`);
  }
}
