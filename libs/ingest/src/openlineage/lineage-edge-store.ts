import { preparedStatement } from '@tidings/common';
import { hash } from 'node:crypto';
import { EntityManager } from 'typeorm';

export interface LineageNodeRef {
  namespace: string;
  name: string;
}

/**
 * A job's or dataset's key in `lineage_edges` and `lineage_jobs`: SHA-256 of
 * (namespace, name). Names can be long paths or URIs; a fixed-size key always
 * fits the index, and JSON-encoding the pair keeps ("a/b", "c") and ("a",
 * "b/c") apart.
 */
export function nodeKey(node: LineageNodeRef): string {
  // The one-shot hash: a Hash object per key cost five times as much, for a few hundred keys per batch.
  return hash('sha256', JSON.stringify([node.namespace, node.name]), 'hex');
}

/**
 * The values of `rows` in the order of their keys: the lineage stores write
 * rows in key order so that concurrent transactions lock shared rows in the
 * same order (no deadlock).
 */
export function inKeyOrder<T>(rows: Map<string, T>): T[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/**
 * One report of a job's inputs and outputs (DESIGN §7.1): a COMPLETE run
 * event, a RUNNING event of a streaming job, or a JobEvent (no run). The
 * newest report of a job, by eventTime, is its current version.
 */
export interface LineageVersionReport {
  job: LineageNodeRef;
  runId: string | null;
  at: Date;
  inputs: LineageNodeRef[];
  outputs: LineageNodeRef[];
}

interface EdgeRow {
  jobKey: string;
  datasetKey: string;
  direction: 'input' | 'output';
  job: LineageNodeRef;
  dataset: LineageNodeRef;
  at: Date;
  runId: string | null;
}

/**
 * Adds (or refreshes) the edges the reports carry, in one statement however
 * many reports: input datasets → job and job → output datasets.
 * `first_seen_at`/`last_seen_at` track the eventTimes of the reports that
 * carried each edge, so an edge is current when its `last_seen_at` is its
 * job's `current_version_at` (lineage-job-store). Rows are deduplicated (a
 * dataset listed twice, or by two reports of a batch: the newest report
 * wins) and written in key order, so concurrent batches lock shared rows in
 * the same order. New edges are inserted (ON CONFLICT DO NOTHING, which locks
 * nothing); known ones are updated only when a report moves their times, so
 * a report seen before (a replay, a second run of an unchanged job at the
 * same time) neither writes nor locks, and batches reporting the same jobs
 * do not wait for each other.
 */
export async function recordLineageEdges(tx: EntityManager, reports: readonly LineageVersionReport[]): Promise<number> {
  const rows = new Map<string, EdgeRow>();
  for (const report of reports) {
    const jobKey = nodeKey(report.job);
    for (const [direction, datasets] of [
      ['input', report.inputs],
      ['output', report.outputs],
    ] as const) {
      for (const dataset of datasets) {
        const datasetKey = nodeKey(dataset);
        const key = `${jobKey}:${datasetKey}:${direction}`;
        const seen = rows.get(key);
        if (seen && seen.at > report.at) continue;
        rows.set(key, { jobKey, datasetKey, direction, job: report.job, dataset, at: report.at, runId: report.runId });
      }
    }
  }
  if (rows.size === 0) return 0;
  const sorted = inKeyOrder(rows);
  const inserted: { job_key: string; dataset_key: string; direction: string }[] = await tx.query(
    preparedStatement(
      'tidings_lineage_edges_insert',
      `INSERT INTO lineage_edges (job_key, dataset_key, direction, job_namespace, job_name, dataset_namespace, dataset_name,
                                first_seen_at, last_seen_at, last_run_id)
     SELECT e.job_key, e.dataset_key, e.direction, e.job_namespace, e.job_name, e.namespace, e.name, e.at, e.at, e.run_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::uuid[])
            WITH ORDINALITY AS e(job_key, dataset_key, direction, job_namespace, job_name, namespace, name, at, run_id, n)
      ORDER BY e.n
     ON CONFLICT (job_key, dataset_key, direction) DO NOTHING
     RETURNING job_key, dataset_key, direction`,
    ),
    [
      sorted.map((r) => r.jobKey),
      sorted.map((r) => r.datasetKey),
      sorted.map((r) => r.direction),
      sorted.map((r) => r.job.namespace),
      sorted.map((r) => r.job.name),
      sorted.map((r) => r.dataset.namespace),
      sorted.map((r) => r.dataset.name),
      sorted.map((r) => r.at),
      sorted.map((r) => r.runId),
    ],
  );
  const isNew = new Set(inserted.map((r) => `${r.job_key}:${r.dataset_key}:${r.direction}`));
  const known = sorted.filter((r) => !isNew.has(`${r.jobKey}:${r.datasetKey}:${r.direction}`));
  if (known.length === 0) return sorted.length;
  // A statement of its own, so that it sees edges another transaction inserted meanwhile. Only the edges a report
  // moves (newer than their last report, or older than their first) are locked, in key order, and written.
  await tx.query(
    preparedStatement(
      'tidings_lineage_edges_update',
      `WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::uuid[]) AS u(job_key, dataset_key, direction, at, run_id)),
          moved AS (
            SELECT e.job_key, e.dataset_key, e.direction, u.at, u.run_id
              FROM lineage_edges e JOIN u USING (job_key, dataset_key, direction)
             WHERE u.at > e.last_seen_at OR u.at < e.first_seen_at
             ORDER BY e.job_key, e.dataset_key, e.direction
               FOR UPDATE OF e)
     UPDATE lineage_edges e
        SET first_seen_at = least(e.first_seen_at, m.at),
            last_seen_at = greatest(e.last_seen_at, m.at),
            last_run_id = CASE WHEN m.at >= e.last_seen_at THEN m.run_id ELSE e.last_run_id END
       FROM moved m
      WHERE (e.job_key, e.dataset_key, e.direction) = (m.job_key, m.dataset_key, m.direction)`,
    ),
    [
      known.map((r) => r.jobKey),
      known.map((r) => r.datasetKey),
      known.map((r) => r.direction),
      known.map((r) => r.at),
      known.map((r) => r.runId),
    ],
  );
  return sorted.length;
}
