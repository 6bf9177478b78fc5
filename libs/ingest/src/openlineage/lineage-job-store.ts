import { preparedStatement } from '@tidings/common';
import { EntityManager } from 'typeorm';
import { inKeyOrder, LineageNodeRef, nodeKey } from './lineage-edge-store';

/** A job an OpenLineage event named; `versionAt` is the eventTime of a report of its inputs and outputs, if the event was one. */
export interface LineageJobSeen {
  job: LineageNodeRef;
  versionAt: Date | null;
}

/**
 * Records the jobs RunEvents and JobEvents named: a job is known from its
 * first event on (so the graph answers 200 for a job whose runs carried no
 * datasets), and its `current_version_at` moves to the newest report of its
 * inputs and outputs, never back (events arrive in any order). New jobs are
 * inserted (ON CONFLICT DO NOTHING locks nothing); a known job is locked and
 * written only when a report moves its version forward, so most events of a
 * batch neither write nor wait here. Rows go in key order, as the other
 * lineage stores do.
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
  const inserted: { job_key: string }[] = await tx.query(
    preparedStatement(
      'tidings_lineage_jobs_insert',
      `INSERT INTO lineage_jobs (job_key, namespace, name, current_version_at)
     SELECT job_key, namespace, name, version_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS j(job_key, namespace, name, version_at, n)
      ORDER BY n
     ON CONFLICT (job_key) DO NOTHING
     RETURNING job_key`,
    ),
    [sorted.map((j) => j.key), sorted.map((j) => j.job.namespace), sorted.map((j) => j.job.name), sorted.map((j) => j.versionAt)],
  );
  const isNew = new Set(inserted.map((r) => r.job_key));
  const reported = sorted.filter((j) => j.versionAt && !isNew.has(j.key));
  if (reported.length === 0) return;
  // A statement of its own (it sees jobs another transaction inserted meanwhile); only jobs whose version moves
  // forward are locked, in key order, and written.
  await tx.query(
    preparedStatement(
      'tidings_lineage_jobs_update',
      `WITH moved AS (
       SELECT j.job_key, u.version_at
         FROM lineage_jobs j JOIN unnest($1::text[], $2::timestamptz[]) AS u(job_key, version_at) USING (job_key)
        WHERE u.version_at > coalesce(j.current_version_at, '-infinity')
        ORDER BY j.job_key
          FOR UPDATE OF j)
     UPDATE lineage_jobs j SET current_version_at = greatest(j.current_version_at, m.version_at)
       FROM moved m
      WHERE j.job_key = m.job_key`,
    ),
    [reported.map((j) => j.key), reported.map((j) => j.versionAt)],
  );
}
