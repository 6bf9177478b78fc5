import { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets the worker find settled deliveries past RETENTION_DAYS without scanning the table. */
export class DeliveryRetention1763650000000 implements MigrationInterface {
  name = 'DeliveryRetention1763650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deliveries_settled_idx ON deliveries (updated_at) WHERE status IN ('delivered', 'cancelled')`);
    await q.query(`CREATE INDEX subscribers_failing_idx ON subscribers (failing_since) WHERE enabled AND failing_since IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS subscribers_failing_idx`);
    await q.query(`DROP INDEX IF EXISTS deliveries_settled_idx`);
  }
}
