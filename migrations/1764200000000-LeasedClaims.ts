import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook claim becomes a lease on a pending row (`claimed_at`), and the
 * start of an attempt only moves `attempt_count`: neither column is in any
 * index any more, so both are HOT updates, and only creation and settling
 * write index entries. Deliveries are updated in place twice between those,
 * so pages keep a fifth free for the new row versions (fillfactor applies to
 * pages filled from now on).
 */
export class LeasedClaims1764200000000 implements MigrationInterface {
  name = 'LeasedClaims1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // Claims of the previous version keep their lease and come back when it runs out.
    await q.query(`UPDATE deliveries SET status = 'pending' WHERE status = 'claimed' AND channel = 'webhook'`);
    // The analytics sweep finds its claimed rows through this index; it must not hold claimed_at (that would block HOT).
    await q.query(`DROP INDEX deliveries_claimed_idx`);
    await q.query(`CREATE INDEX deliveries_claimed_idx ON deliveries (id) WHERE status = 'claimed'`);
    await q.query(`ALTER TABLE deliveries SET (fillfactor = 80)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries RESET (fillfactor)`);
    await q.query(`DROP INDEX deliveries_claimed_idx`);
    await q.query(`CREATE INDEX deliveries_claimed_idx ON deliveries (claimed_at) WHERE status = 'claimed'`);
    await q.query(`UPDATE deliveries SET status = 'claimed' WHERE status = 'pending' AND claimed_at IS NOT NULL AND channel = 'webhook'`);
  }
}
