import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time-ordered ids generated inside Postgres (15 has no uuidv7()), so that
 * register() can create delivery rows in the same statement as their event
 * while keeping ids sortable by time (lists paginate on them). Layout per
 * RFC 9562: 48-bit Unix milliseconds, version 7, random bits.
 */
export class UuidV7Function1764000000000 implements MigrationInterface {
  name = 'UuidV7Function1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION tidings_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
        SELECT encode(
          set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
          'hex')::uuid
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS tidings_uuid_v7()`);
  }
}
