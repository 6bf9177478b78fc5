import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IngestError } from '../ingest-error';

export interface LineageRunView {
  run_id: string;
  namespace: string;
  job: string;
  state: string;
  last_event_type: string;
  started_at: Date;
  ended_at: Date | null;
  last_event_at: Date;
  event_count: number;
  parent: { run_id: string; namespace: string | null; job: string | null; state: string | null } | null;
  /** Runs whose parent facet names this run (at most 200, newest first). */
  children: { run_id: string; namespace: string; job: string; state: string; started_at: Date; ended_at: Date | null }[];
}

/** `GET /v1/lineage/runs/:run_id`: one OpenLineage run's state, its parent and its child runs. */
@Injectable()
export class GetLineageRun {
  constructor(private readonly db: DataSource) {}

  async execute(runId: string): Promise<LineageRunView> {
    const [run] = await this.db.query(
      `SELECT r.*, p.state AS parent_state FROM lineage_runs r LEFT JOIN lineage_runs p ON p.run_id = r.parent_run_id WHERE r.run_id = $1`,
      [runId],
    );
    if (!run) throw new IngestError('not_found', `No lineage run ${runId}`);
    const children = await this.db.query(
      `SELECT run_id, namespace, job_name AS job, state, started_at, ended_at
         FROM lineage_runs WHERE parent_run_id = $1 ORDER BY started_at DESC, run_id LIMIT 200`,
      [runId],
    );
    return {
      run_id: run.run_id,
      namespace: run.namespace,
      job: run.job_name,
      state: run.state,
      last_event_type: run.last_event_type,
      started_at: run.started_at,
      ended_at: run.ended_at,
      last_event_at: run.last_event_at,
      event_count: run.event_count,
      parent: run.parent_run_id
        ? { run_id: run.parent_run_id, namespace: run.parent_job_namespace, job: run.parent_job_name, state: run.parent_state ?? null }
        : null,
      children,
    };
  }
}
