import { MigrationInterface, QueryRunner } from 'typeorm';

/** The v1 analytics subscriber's fixed id (see 1763800000000-Telemetry); a migration never imports app code. */
const ANALYTICS_SUBSCRIBER_ID = '00000000-0000-4000-8000-0000000a11c5';

/**
 * Telemetry is exported from the event log (1764510000000-TelemetryCursor),
 * so the second outbox goes: analytics deliveries, the analytics subscriber,
 * `deliveries.channel` and the analytics-only indexes.
 *
 * An upgraded database's pending analytics deliveries are not lost: their
 * events are stamped with this migration's transaction id (events written
 * before the xid column have none) and the cursor is set before every
 * stamped event, so the exporter sends them once it runs. The cursor is set
 * likewise whenever analytics deliveries exist at all (telemetry was on), so
 * events recorded between this migration and the first export are not
 * skipped. Then the rows go (their attempts by cascade).
 */
export class DropAnalyticsOutbox1764520000000 implements MigrationInterface {
  name = 'DropAnalyticsOutbox1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE events SET xid = pg_current_xact_id()
       WHERE id IN (SELECT event_id FROM deliveries
                     WHERE channel = 'analytics' AND status IN ('pending', 'claimed') AND event_id IS NOT NULL)`);
    await q.query(`
      INSERT INTO telemetry_cursor (xid, event_id)
      SELECT '0'::xid8, '00000000-0000-0000-0000-000000000000'
       WHERE EXISTS (SELECT 1 FROM deliveries WHERE channel = 'analytics')
      ON CONFLICT (singleton) DO NOTHING`);

    await q.query(`DELETE FROM deliveries WHERE channel = 'analytics'`);
    await q.query(`DELETE FROM subscribers WHERE id = $1 OR kind = 'analytics'`, [ANALYTICS_SUBSCRIBER_ID]);
    await q.query(`ALTER TABLE subscribers DROP CONSTRAINT IF EXISTS subscribers_kind_check`);
    await q.query(`ALTER TABLE subscribers ADD CONSTRAINT subscribers_kind_check CHECK (kind = 'webhook')`);

    await q.query(`DROP INDEX IF EXISTS deliveries_analytics_due_idx`);
    await q.query(`DROP INDEX IF EXISTS deliveries_analytics_failed_idx`);
    await q.query(`DROP INDEX IF EXISTS deliveries_due_idx`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN channel`);
    // The relay's claim walks this partial index only: its size is the due backlog, not the table.
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The previous shape; telemetry not yet exported is not turned back into deliveries.
    await q.query(`DROP INDEX IF EXISTS deliveries_due_idx`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN channel text NOT NULL DEFAULT 'webhook' CHECK (channel IN ('webhook', 'analytics'))`);
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending' AND channel = 'webhook'`);
    await q.query(
      `CREATE INDEX deliveries_analytics_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending' AND channel = 'analytics'`,
    );
    await q.query(
      `CREATE INDEX deliveries_analytics_failed_idx ON deliveries (updated_at) WHERE status = 'failed' AND channel = 'analytics'`,
    );
    await q.query(`ALTER TABLE subscribers DROP CONSTRAINT IF EXISTS subscribers_kind_check`);
    await q.query(`ALTER TABLE subscribers ADD CONSTRAINT subscribers_kind_check CHECK (kind IN ('webhook', 'analytics'))`);
    await q.query(
      `INSERT INTO subscribers (id, kind, name, enabled) VALUES ($1, 'analytics', 'analytics', true) ON CONFLICT (id) DO NOTHING`,
      [ANALYTICS_SUBSCRIBER_ID],
    );
  }
}
