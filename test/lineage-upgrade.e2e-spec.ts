import { parseConfig } from '@tidings/config';
import { dataSourceOptions, migrateDatabase } from '@tidings/database';
import { nodeKey } from '@tidings/ingest';
import { MIGRATIONS } from '@tidings/migrations';
import { createEmptyTestDatabase, TEST_REDIS_URL, TestDatabase } from '@tidings/testing';
import { Client } from 'pg';
import { Harness, startTidings } from './support/tidings-harness';

/** Every migration before lineage_jobs: edges from COMPLETE runs only, no job table. */
const BEFORE_JOB_VERSIONS = MIGRATIONS.slice(
  0,
  MIGRATIONS.findIndex((m) => m.name.startsWith('LineageJobVersions')),
);

/*
 * An installation with lineage runs and edges is migrated: every job of its
 * runs becomes known (with the key the api computes, odd characters
 * included), each job's newest edges are its current version, older ones
 * history, and the graph reads them so.
 */
describe('upgrade to lineage job versions', () => {
  let database: TestDatabase;
  let t: Harness | undefined;

  beforeAll(async () => {
    database = await createEmptyTestDatabase();
  });
  afterAll(async () => {
    await t?.stop(); // drops the database
    if (!t) await database?.drop();
  });

  it('knows the jobs of existing runs and marks each job’s newest edges current', async () => {
    const config = parseConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL });
    await migrateDatabase({ ...dataSourceOptions(config, 'before-job-versions'), migrations: BEFORE_JOB_VERSIONS });
    const loader = { namespace: 'spark-prod', name: 'load "orders"\\ naïve\ttab' };
    const bare = { namespace: 'airflow', name: 'dag' };
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${config.databaseSchema}`);
      const runs = [
        ['0193689a-0000-7000-8000-000000000001', loader],
        ['0193689a-0000-7000-8000-000000000002', loader],
        ['0193689a-0000-7000-8000-000000000003', bare],
      ] as const;
      for (const [runId, job] of runs) {
        await client.query(
          `INSERT INTO lineage_runs (run_id, namespace, job_name, state, last_event_type, started_at, ended_at, state_changed_at, last_event_at)
           VALUES ($1, $2, $3, 'COMPLETED', 'COMPLETE', now(), now(), now(), now())`,
          [runId, job.namespace, job.name],
        );
      }
      // The first run read "old", the second "new"; both wrote "out".
      for (const [dataset, direction, at, runId] of [
        ['old', 'input', '2026-11-20T10:00:00Z', runs[0][0]],
        ['new', 'input', '2026-11-20T11:00:00Z', runs[1][0]],
        ['out', 'output', '2026-11-20T11:00:00Z', runs[1][0]],
      ]) {
        await client.query(
          `INSERT INTO lineage_edges (job_key, dataset_key, direction, job_namespace, job_name, dataset_namespace, dataset_name,
                                      first_seen_at, last_seen_at, last_run_id)
           VALUES ($1, $2, $3, $4, $5, 'warehouse', $6, $7, $7, $8)`,
          [
            nodeKey(loader),
            nodeKey({ namespace: 'warehouse', name: dataset }),
            direction,
            loader.namespace,
            loader.name,
            dataset,
            at,
            runId,
          ],
        );
      }

      await migrateDatabase(dataSourceOptions(config, 'job-versions'));

      const { rows } = await client.query(`SELECT job_key, namespace, name, current_version_at FROM lineage_jobs ORDER BY name`);
      expect(rows).toEqual([
        { job_key: nodeKey(bare), ...bare, current_version_at: null },
        { job_key: nodeKey(loader), ...loader, current_version_at: new Date('2026-11-20T11:00:00Z') },
      ]);
    } finally {
      await client.end();
    }

    t = await startTidings({ database, worker: false });
    const graph = (job: { namespace: string; name: string }, extra = '') =>
      t!.http('GET', `/v1/lineage/graph?${new URLSearchParams({ ...job, depth: '1' })}${extra}`);
    const current = await graph(loader);
    expect(current.status).toBe(200);
    expect(current.body.upstream.datasets.map((d: any) => d.name)).toEqual(['new']);
    expect(current.body.downstream.datasets.map((d: any) => d.name)).toEqual(['out']);
    const history = await graph(loader, '&include=history');
    expect(history.body.upstream.datasets.map((d: any) => d.name).sort()).toEqual(['new', 'old']);
    const known = await graph(bare);
    expect(known.status).toBe(200);
    expect(known.body.edges).toEqual([]);
  });
});
