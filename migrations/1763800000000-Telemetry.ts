import { MigrationInterface, QueryRunner } from 'typeorm';

/** The analytics subscriber's fixed id (ANALYTICS_SUBSCRIBER_ID in libs/events); a migration never imports app code. */
const ANALYTICS_SUBSCRIBER_ID = '00000000-0000-4000-8000-0000000a11c5';

/**
 * Telemetry (DESIGN §4.5, §5):
 *
 * - `deliveries.channel` (`webhook` | `analytics`): the two kinds of delivery
 *   are claimed separately, each through its own partial due-index, so the
 *   webhook relay never walks analytics rows (and a backlog of one never slows
 *   the other). Adding a column with a constant default rewrites nothing.
 * - The one analytics subscriber. It has no subscriptions: registration adds
 *   it to every event while telemetry is on.
 * - `installation`: one row with the installation's random `distinct_id`,
 *   generated here once, the only identity telemetry carries.
 */
export class Telemetry1763800000000 implements MigrationInterface {
  name = 'Telemetry1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN channel text NOT NULL DEFAULT 'webhook' CHECK (channel IN ('webhook', 'analytics'))`);
    await q.query(`DROP INDEX deliveries_due_idx`);
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending' AND channel = 'webhook'`);
    await q.query(
      `CREATE INDEX deliveries_analytics_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending' AND channel = 'analytics'`,
    );
    // Retention of analytics dead letters (they are not replayable, unlike a webhook's).
    await q.query(
      `CREATE INDEX deliveries_analytics_failed_idx ON deliveries (updated_at) WHERE status = 'failed' AND channel = 'analytics'`,
    );

    await q.query(
      `INSERT INTO subscribers (id, kind, name, enabled) VALUES ($1, 'analytics', 'analytics', true) ON CONFLICT (id) DO NOTHING`,
      [ANALYTICS_SUBSCRIBER_ID],
    );

    await q.query(`
      CREATE TABLE installation (
        singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        distinct_id uuid NOT NULL DEFAULT gen_random_uuid(),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO installation DEFAULT VALUES`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS installation`);
    await q.query(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE channel = 'analytics')`);
    await q.query(`DELETE FROM deliveries WHERE channel = 'analytics'`);
    await q.query(`DELETE FROM subscribers WHERE id = $1`, [ANALYTICS_SUBSCRIBER_ID]);
    await q.query(`DROP INDEX IF EXISTS deliveries_analytics_failed_idx`);
    await q.query(`DROP INDEX IF EXISTS deliveries_analytics_due_idx`);
    await q.query(`DROP INDEX IF EXISTS deliveries_due_idx`);
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN channel`);
  }
}
