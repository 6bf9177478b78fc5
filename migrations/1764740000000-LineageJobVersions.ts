import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lineage as Marquez users expect it (DESIGN §7.1, issue 15):
 *
 * - `lineage_jobs`: every job an OpenLineage RunEvent or JobEvent named, so a
 *   job whose runs carried no datasets is known (200, empty neighbourhood)
 *   rather than unknown (404); `current_version_at` is the eventTime of the
 *   newest report that defined the job's inputs and outputs (a COMPLETE run
 *   event, a RUNNING event of a streaming job, a JobEvent). An edge is part
 *   of the current version when that report carried it: its `last_seen_at`
 *   equals the job's `current_version_at`. Older edges stay, as history.
 *   Keyed like `lineage_edges` (SHA-256 of the JSON pair [namespace, name]).
 * - `lineage_edges.last_run_id` becomes nullable: a JobEvent's edges have no run.
 *
 * Existing data: each job's newest COMPLETE is its current version, and the
 * jobs of `lineage_runs` become known. to_json() escapes text as
 * JSON.stringify does, so the keys match those the api computes.
 */
export class LineageJobVersions1764740000000 implements MigrationInterface {
  name = 'LineageJobVersions1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lineage_jobs (
        job_key            text PRIMARY KEY,
        namespace          text NOT NULL,
        name               text NOT NULL,
        -- eventTime of the report that defined the current inputs and outputs; null while none did.
        current_version_at timestamptz,
        created_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE lineage_edges ALTER COLUMN last_run_id DROP NOT NULL`);
    await q.query(`
      INSERT INTO lineage_jobs (job_key, namespace, name, current_version_at)
      SELECT job_key, min(job_namespace), min(job_name), max(last_seen_at) FROM lineage_edges GROUP BY job_key`);
    await q.query(`
      INSERT INTO lineage_jobs (job_key, namespace, name)
      SELECT DISTINCT encode(sha256(convert_to('[' || to_json(namespace)::text || ',' || to_json(job_name)::text || ']', 'UTF8')), 'hex'),
             namespace, job_name
        FROM lineage_runs
      ON CONFLICT (job_key) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS lineage_jobs`);
    // JobEvent edges have no run: they cannot stay under NOT NULL.
    await q.query(`DELETE FROM lineage_edges WHERE last_run_id IS NULL`);
    await q.query(`ALTER TABLE lineage_edges ALTER COLUMN last_run_id SET NOT NULL`);
  }
}
