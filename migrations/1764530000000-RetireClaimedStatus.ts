import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Nothing sets `status = 'claimed'` any more (a webhook claim is a lease on
 * a pending row, and telemetry has no rows): the index the claim sweeper used
 * goes, and so does the status value. Rows an older version left claimed keep
 * their lease as pending rows.
 */
export class RetireClaimedStatus1764530000000 implements MigrationInterface {
  name = 'RetireClaimedStatus1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE deliveries SET status = 'pending' WHERE status = 'claimed'`);
    await q.query(`DROP INDEX IF EXISTS deliveries_claimed_idx`);
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check`);
    await q.query(
      `ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check`);
    await q.query(
      `ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'claimed', 'delivered', 'failed', 'cancelled'))`,
    );
    await q.query(`CREATE INDEX deliveries_claimed_idx ON deliveries (id) WHERE status = 'claimed'`);
  }
}
