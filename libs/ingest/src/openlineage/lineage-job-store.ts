import { EntityManager } from 'typeorm';
import { inKeyOrder, LineageNodeRef, nodeKey } from './lineage-edge-store';

/** A job an OpenLineage event named; `versionAt` is the eventTime of a report of its inputs and outputs, if the event was one. */
export interface LineageJobSeen {
  job: LineageNodeRef;
  versionAt: Date | null;
}

/**
 * Records the jobs RunEvents and JobEvents named, in one statement: a job is
 * known from its first event on (so the graph answers 200 for a job whose
 * runs carried no datasets), and its `current_version_at` moves to the
 * newest report of its inputs and outputs, never back (events arrive in any
 * order). A job already known with a newer version is not rewritten at all
 * (the ON CONFLICT … WHERE), so most events of a batch write nothing here.
 * Rows go in key order, as the other lineage stores do.
 */
export async function recordLineageJobs(tx: EntityManager, seen: readonly LineageJobSeen[]): Promise<void> {
  const jobs = new Map<string, LineageJobSeen & { key: string }>();
  for (const item of seen) {
    const key = nodeKey(item.job);
    const known = jobs.get(key);
    if (!known || (item.versionAt && (!known.versionAt || item.versionAt > known.versionAt))) jobs.set(key, { ...item, key });
  }
  if (jobs.size === 0) return;
  const sorted = inKeyOrder(jobs);
  await tx.query(
    `INSERT INTO lineage_jobs (job_key, namespace, name, current_version_at)
     SELECT job_key, namespace, name, version_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS j(job_key, namespace, name, version_at, n)
      ORDER BY n
     ON CONFLICT (job_key) DO UPDATE SET current_version_at = EXCLUDED.current_version_at
      WHERE EXCLUDED.current_version_at > coalesce(lineage_jobs.current_version_at, '-infinity')`,
    [sorted.map((j) => j.key), sorted.map((j) => j.job.namespace), sorted.map((j) => j.job.name), sorted.map((j) => j.versionAt)],
  );
}
