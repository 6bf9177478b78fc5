import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GetScheduleViews, ScheduleView } from './schedules/get-schedule-views';

export interface ObservedRunListItem {
  id: string;
  pipeline_key: string;
  pipeline_name: string | null;
  run_key: string;
  run_name: string | null;
  status: string;
  started_at: Date;
  ended_at: Date | null;
  error_count: number;
  warning_count: number;
  tasks: { key: string; name: string | null; status: string; started_at: Date; ended_at: Date | null }[];
  /** The pipeline's expected-run schedule and its state; null when it has none. */
  schedule: ScheduleView | null;
}

/** The most recently created observed runs with their tasks' states: the admin page's run list. Keyset-paginated on the time-ordered id. */
@Injectable()
export class ListObservedRuns {
  constructor(
    private readonly db: DataSource,
    private readonly schedules: GetScheduleViews,
  ) {}

  async execute(limit: number, cursor?: string, pipelineKey?: string): Promise<ObservedRunListItem[]> {
    const runs: Omit<ObservedRunListItem, 'schedule'>[] = await this.db.query(
      `SELECT r.id, r.pipeline_key, r.pipeline_name, r.run_key, r.run_name, r.status, r.started_at, r.ended_at, r.error_count, r.warning_count,
              COALESCE((SELECT json_agg(json_build_object('key', t.task_key, 'name', t.task_name, 'status', t.status,
                                                          'started_at', t.started_at, 'ended_at', t.ended_at) ORDER BY t.started_at, t.task_key)
                          FROM observed_run_tasks t WHERE t.run_id = r.id), '[]') AS tasks
         FROM observed_runs r
        WHERE ($2::uuid IS NULL OR r.id < $2) AND ($3::text IS NULL OR r.pipeline_key = $3)
        ORDER BY r.id DESC LIMIT $1`,
      [limit, cursor ?? null, pipelineKey ?? null],
    );
    const schedules = await this.schedules.execute(runs.map((run) => run.pipeline_key));
    return runs.map((run) => ({ ...run, schedule: schedules.get(run.pipeline_key) ?? null }));
  }
}
