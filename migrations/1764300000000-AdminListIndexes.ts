import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin lists sort by id (newest first, keyset pages on id), and ids are
 * UUIDv7, so a time window is an id range: every list index ends in `id`, and
 * the indexes on created_at / recorded_at go (two fewer entries per insert).
 * Each remaining one serves a filter of GET /v1/deliveries or /v1/events on a
 * large table (plans in docs/admin-queries.md):
 * - deliveries (subscriber_id, id): `webhook_id`.
 * - deliveries (event_type text_pattern_ops, id): `event_type`, exact or a
 *   `prefix:*` wildcard (text_pattern_ops lets LIKE 'prefix%' use it); a type
 *   nobody sent is answered from the index at once.
 * - deliveries (id, subscriber_id) WHERE failed: the failed list, with or
 *   without a webhook, and recover. The webhook is checked inside the index
 *   (no heap visit for another webhook's rows); with a separate (subscriber_id,
 *   id) index the planner misjudged a healthy webhook as having failures and
 *   walked every failed row on the heap (0.6 s on 10 M rows). Only failed rows,
 *   so settling a delivery `delivered` never touches it.
 * - events (type text_pattern_ops, id), (project_uuid, id), (job_uuid, id),
 *   (pipeline_run_uuid, id): the event list's filters; events are immutable, so
 *   these cost an entry at insert only.
 * None holds a column that claim or start change, so those stay HOT updates.
 */
export class AdminListIndexes1764300000000 implements MigrationInterface {
  name = 'AdminListIndexes1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_created_idx`);
    await q.query(`DROP INDEX deliveries_subscriber_idx`);
    await q.query(`CREATE INDEX deliveries_subscriber_idx ON deliveries (subscriber_id, id)`);
    await q.query(`CREATE INDEX deliveries_type_idx ON deliveries (event_type text_pattern_ops, id)`);
    await q.query(`DROP INDEX deliveries_failed_idx`);
    await q.query(`CREATE INDEX deliveries_failed_idx ON deliveries (id, subscriber_id) WHERE status = 'failed'`);

    await q.query(`DROP INDEX events_recorded_idx`);
    await q.query(`DROP INDEX events_type_recorded_idx`);
    await q.query(`CREATE INDEX events_type_idx ON events (type text_pattern_ops, id)`);
    await q.query(`DROP INDEX events_project_idx`);
    await q.query(`CREATE INDEX events_project_idx ON events (project_uuid, id) WHERE project_uuid IS NOT NULL`);
    await q.query(`DROP INDEX events_job_idx`);
    await q.query(`CREATE INDEX events_job_idx ON events (job_uuid, id) WHERE job_uuid IS NOT NULL`);
    await q.query(`CREATE INDEX events_pipeline_run_idx ON events (pipeline_run_uuid, id) WHERE pipeline_run_uuid IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_pipeline_run_idx`);
    await q.query(`DROP INDEX events_job_idx`);
    await q.query(`CREATE INDEX events_job_idx ON events (job_uuid, recorded_at DESC) WHERE job_uuid IS NOT NULL`);
    await q.query(`DROP INDEX events_project_idx`);
    await q.query(`CREATE INDEX events_project_idx ON events (project_uuid, recorded_at DESC) WHERE project_uuid IS NOT NULL`);
    await q.query(`DROP INDEX events_type_idx`);
    await q.query(`CREATE INDEX events_type_recorded_idx ON events (type, recorded_at DESC, id DESC)`);
    await q.query(`CREATE INDEX events_recorded_idx ON events (recorded_at DESC, id DESC)`);

    await q.query(`DROP INDEX deliveries_failed_idx`);
    await q.query(`CREATE INDEX deliveries_failed_idx ON deliveries (subscriber_id, created_at) WHERE status = 'failed'`);
    await q.query(`DROP INDEX deliveries_type_idx`);
    await q.query(`DROP INDEX deliveries_subscriber_idx`);
    await q.query(`CREATE INDEX deliveries_subscriber_idx ON deliveries (subscriber_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX deliveries_created_idx ON deliveries (created_at DESC, id DESC)`);
  }
}
