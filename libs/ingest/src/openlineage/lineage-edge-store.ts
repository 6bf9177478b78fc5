import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';

export interface LineageNodeRef {
  namespace: string;
  name: string;
}

/**
 * A job's or dataset's key in `lineage_edges`: SHA-256 of (namespace, name).
 * Names can be long paths or URIs; a fixed-size key always fits the index,
 * and JSON-encoding the pair keeps ("a/b", "c") and ("a", "b/c") apart.
 */
export function nodeKey(node: LineageNodeRef): string {
  return createHash('sha256')
    .update(JSON.stringify([node.namespace, node.name]))
    .digest('hex');
}

/**
 * Adds (or refreshes) the edges of one COMPLETE run: input datasets → job and
 * job → output datasets. `first_seen_at`/`last_seen_at` track the eventTimes
 * that reported each edge. Rows are deduplicated (a dataset listed twice
 * would make ON CONFLICT touch one row twice) and written in key order, so
 * concurrent runs of one job lock shared rows in the same order.
 */
export async function recordLineageEdges(
  tx: EntityManager,
  run: { runId: string; job: LineageNodeRef; inputs: LineageNodeRef[]; outputs: LineageNodeRef[]; at: Date },
): Promise<number> {
  const rows = new Map<string, { dataset: LineageNodeRef; datasetKey: string; direction: 'input' | 'output' }>();
  for (const [direction, datasets] of [
    ['input', run.inputs],
    ['output', run.outputs],
  ] as const) {
    for (const dataset of datasets) {
      const datasetKey = nodeKey(dataset);
      rows.set(`${datasetKey}:${direction}`, { dataset, datasetKey, direction });
    }
  }
  if (rows.size === 0) return 0;
  const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  await tx.query(
    `INSERT INTO lineage_edges (job_key, dataset_key, direction, job_namespace, job_name, dataset_namespace, dataset_name,
                                first_seen_at, last_seen_at, last_run_id)
     SELECT $1, e.dataset_key, e.direction, $2, $3, e.namespace, e.name, $4, $4, $5
       FROM unnest($6::text[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS e(dataset_key, direction, namespace, name, n)
      ORDER BY e.n
     ON CONFLICT (job_key, dataset_key, direction) DO UPDATE
        SET first_seen_at = least(lineage_edges.first_seen_at, EXCLUDED.first_seen_at),
            last_seen_at = greatest(lineage_edges.last_seen_at, EXCLUDED.last_seen_at),
            last_run_id = CASE WHEN EXCLUDED.last_seen_at >= lineage_edges.last_seen_at THEN EXCLUDED.last_run_id ELSE lineage_edges.last_run_id END`,
    [
      nodeKey(run.job),
      run.job.namespace,
      run.job.name,
      run.at,
      run.runId,
      sorted.map((r) => r.datasetKey),
      sorted.map((r) => r.direction),
      sorted.map((r) => r.dataset.namespace),
      sorted.map((r) => r.dataset.name),
    ],
  );
  return sorted.length;
}
