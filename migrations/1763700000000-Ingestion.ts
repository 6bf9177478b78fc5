import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * State kept by the OpenLineage and observability ingestion (DESIGN §3, §7.1,
 * §7.2), beside the typed events they record:
 *
 * - `lineage_runs`: one row per OpenLineage runId, its state and parent run.
 * - `lineage_edges`: job → dataset edges from COMPLETE run events.
 * - `observed_runs`, `observed_run_tasks`: observability runs and tasks with
 *   their status and times, and per-level log counters.
 * - `observed_run_tests`, `observed_run_metrics`: the latest outcome of each
 *   test and the latest value of each metric, per run and task.
 *
 * The run summary reads these small tables (one row per run, task, test or
 * metric) instead of scanning the events of a run, so it stays cheap however
 * many events a run sends and does not depend on event retention. Only the
 * latest log messages are read from `events`, through the index added here.
 */
export class Ingestion1763700000000 implements MigrationInterface {
  name = 'Ingestion1763700000000';

  async up(q: QueryRunner): Promise<void> {
    // The parent run of a lineage:run:* event, beside its own run id (DESIGN §4.3 scoping columns).
    await q.query(`ALTER TABLE events ADD COLUMN lineage_parent_run_id uuid`);
    // Latest log messages of an observed run; lineage events of a run.
    await q.query(
      `CREATE INDEX events_observed_run_idx ON events (pipeline_key, run_key, occurred_at DESC, id DESC) WHERE pipeline_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX events_lineage_run_idx ON events (lineage_run_id, occurred_at DESC) WHERE lineage_run_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE lineage_runs (
        run_id               uuid PRIMARY KEY,
        namespace            text NOT NULL,
        job_name             text NOT NULL,
        state                text NOT NULL CHECK (state IN ('RUNNING','COMPLETED','FAILED','ABORTED')),
        last_event_type      text NOT NULL CHECK (last_event_type IN ('START','RUNNING','COMPLETE','ABORT','FAIL','OTHER')),
        parent_run_id        uuid,
        parent_job_namespace text,
        parent_job_name      text,
        started_at           timestamptz NOT NULL,
        ended_at             timestamptz,
        -- eventTime of the event that set the current state: an older event never overrides it.
        state_changed_at     timestamptz NOT NULL,
        last_event_at        timestamptz NOT NULL,
        event_count          integer NOT NULL DEFAULT 1,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX lineage_runs_parent_idx ON lineage_runs (parent_run_id) WHERE parent_run_id IS NOT NULL`);

    // Names may be long (paths, URIs): rows are keyed by a SHA-256 of (namespace, name), which always fits a btree.
    await q.query(`
      CREATE TABLE lineage_edges (
        job_key           text NOT NULL,
        dataset_key       text NOT NULL,
        direction         text NOT NULL CHECK (direction IN ('input','output')),
        job_namespace     text NOT NULL,
        job_name          text NOT NULL,
        dataset_namespace text NOT NULL,
        dataset_name      text NOT NULL,
        first_seen_at     timestamptz NOT NULL,
        last_seen_at      timestamptz NOT NULL,
        last_run_id       uuid NOT NULL,
        PRIMARY KEY (job_key, dataset_key, direction)
      )`);
    await q.query(`CREATE INDEX lineage_edges_dataset_idx ON lineage_edges (dataset_key, direction)`);

    await q.query(`
      CREATE TABLE observed_runs (
        id             uuid PRIMARY KEY,
        pipeline_key   text NOT NULL,
        run_key        text NOT NULL,
        pipeline_name  text,
        run_name       text,
        status         text NOT NULL CHECK (status IN ('RUNNING','COMPLETED','COMPLETED_WITH_WARNINGS','FAILED')),
        started_at     timestamptz NOT NULL,
        ended_at       timestamptz,
        -- When a RUNNING newer than the end reopened it: older end statuses arriving later do not close it again.
        reopened_at    timestamptz,
        error_count    integer NOT NULL DEFAULT 0,
        warning_count  integer NOT NULL DEFAULT 0,
        info_count     integer NOT NULL DEFAULT 0,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (pipeline_key, run_key)
      )`);
    await q.query(`CREATE INDEX observed_runs_pipeline_idx ON observed_runs (pipeline_key, started_at DESC)`);

    await q.query(`
      CREATE TABLE observed_run_tasks (
        id             uuid PRIMARY KEY,
        run_id         uuid NOT NULL REFERENCES observed_runs(id) ON DELETE CASCADE,
        task_key       text NOT NULL,
        task_name      text,
        status         text NOT NULL CHECK (status IN ('RUNNING','COMPLETED','COMPLETED_WITH_WARNINGS','FAILED')),
        started_at     timestamptz NOT NULL,
        ended_at       timestamptz,
        reopened_at    timestamptz,
        error_count    integer NOT NULL DEFAULT 0,
        warning_count  integer NOT NULL DEFAULT 0,
        info_count     integer NOT NULL DEFAULT 0,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (run_id, task_key)
      )`);

    // task_key '' = reported for the run itself (NOT NULL so the primary key can include it).
    await q.query(`
      CREATE TABLE observed_run_tests (
        run_id         uuid NOT NULL REFERENCES observed_runs(id) ON DELETE CASCADE,
        task_key       text NOT NULL DEFAULT '',
        name           text NOT NULL,
        status         text NOT NULL CHECK (status IN ('PASSED','FAILED','WARNING')),
        description    text,
        metric_value   double precision,
        min_threshold  double precision,
        max_threshold  double precision,
        start_time     timestamptz,
        end_time       timestamptz,
        reported_at    timestamptz NOT NULL,
        PRIMARY KEY (run_id, task_key, name)
      )`);

    await q.query(`
      CREATE TABLE observed_run_metrics (
        run_id         uuid NOT NULL REFERENCES observed_runs(id) ON DELETE CASCADE,
        task_key       text NOT NULL DEFAULT '',
        metric_key     text NOT NULL,
        value          double precision NOT NULL,
        reported_at    timestamptz NOT NULL,
        sample_count   integer NOT NULL DEFAULT 1,
        min_value      double precision NOT NULL,
        max_value      double precision NOT NULL,
        PRIMARY KEY (run_id, task_key, metric_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'observed_run_metrics',
      'observed_run_tests',
      'observed_run_tasks',
      'observed_runs',
      'lineage_edges',
      'lineage_runs',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP INDEX IF EXISTS events_lineage_run_idx`);
    await q.query(`DROP INDEX IF EXISTS events_observed_run_idx`);
    await q.query(`ALTER TABLE events DROP COLUMN IF EXISTS lineage_parent_run_id`);
  }
}
