import { MigrationInterface, QueryRunner } from 'typeorm';

/** The id of the HTTP request that recorded an event, so the worker's log lines for its deliveries can name it. */
export class EventRequestId1763900000000 implements MigrationInterface {
  name = 'EventRequestId1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN request_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events DROP COLUMN request_id`);
  }
}
