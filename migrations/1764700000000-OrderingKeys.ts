import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events and deliveries carry their ordering key (DESIGN §3/§4): the body's
 * `ordering_key`, else the type's default from `event_types.ordering_key_path`,
 * filled when an event is registered. Deliveries copy it so that ordered
 * delivery can pick the head of each key without joining events. Events also
 * record their `producer` (the API key or database role whose idempotency
 * keys they share), and `sql` joins the sources. Partitioned tables: the
 * parent's ALTER reaches every partition.
 */
export class OrderingKeys1764700000000 implements MigrationInterface {
  name = 'OrderingKeys1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN producer text, ADD COLUMN ordering_key text`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN ordering_key text`);
    await q.query(`ALTER TABLE events DROP CONSTRAINT events_source_check`);
    await q.query(
      `ALTER TABLE events ADD CONSTRAINT events_source_check CHECK (source IN ('internal','api','sql','openlineage','observability','client'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events DROP CONSTRAINT events_source_check`);
    // NOT VALID: events registered through SQL stay, as the audit log they are.
    await q.query(
      `ALTER TABLE events ADD CONSTRAINT events_source_check CHECK (source IN ('internal','api','openlineage','observability','client')) NOT VALID`,
    );
    await q.query(`ALTER TABLE deliveries DROP COLUMN ordering_key`);
    await q.query(`ALTER TABLE events DROP COLUMN producer, DROP COLUMN ordering_key`);
  }
}
