import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IngestError } from '../ingest-error';
import { GetScheduleViews, ScheduleView } from './schedules/get-schedule-views';

export const LATEST_MESSAGES = 10;

interface LogCounts {
  error: number;
  warning: number;
  info: number;
}

export interface ObservedRunSummary {
  pipeline: { key: string; name: string | null };
  run: { key: string; name: string | null; status: string; started_at: Date; ended_at: Date | null; duration_ms: number | null };
  tasks: { key: string; name: string | null; status: string; started_at: Date; ended_at: Date | null; logs: LogCounts }[];
  task_counts: { total: number; running: number; completed: number; completed_with_warnings: number; failed: number };
  running_tasks: string[];
  failed_tasks: string[];
  logs: LogCounts & { latest: { level: string; message: string; task_key: string | null; timestamp: Date }[] };
  tests: {
    total: number;
    passed: number;
    failed: number;
    warning: number;
    /** The tests whose latest outcome is FAILED, then WARNING. */
    not_passed: TestView[];
  };
  metrics: { key: string; task_key: string | null; value: number; reported_at: Date; samples: number; min: number; max: number }[];
  /** The pipeline's expected-run schedule and its state; null when it has none. */
  schedule: ScheduleView | null;
}

interface TestView {
  name: string;
  task_key: string | null;
  status: string;
  description: string | null;
  metric_value: number | null;
  min_threshold: number | null;
  max_threshold: number | null;
  reported_at: Date;
}

/**
 * `GET /v1/observability/pipelines/:pipeline_key/runs/:run_key`: what a
 * pipeline owner asks of a run — when it started and ended, which tasks are
 * running, finished or failed, how many error and warning messages (and the
 * latest ones), which tests did not pass, and the metrics logged.
 */
@Injectable()
export class GetObservedRunSummary {
  constructor(
    private readonly db: DataSource,
    private readonly schedules: GetScheduleViews,
  ) {}

  async execute(pipelineKey: string, runKey: string): Promise<ObservedRunSummary> {
    const [run] = await this.db.query(`SELECT * FROM observed_runs WHERE pipeline_key = $1 AND run_key = $2`, [pipelineKey, runKey]);
    if (!run) throw new IngestError('not_found', `No run ${runKey} of pipeline ${pipelineKey}`);
    const [tasks, tests, metrics, latest, schedule] = await Promise.all([
      this.db.query(`SELECT * FROM observed_run_tasks WHERE run_id = $1 ORDER BY started_at, task_key`, [run.id]),
      this.db.query(`SELECT * FROM observed_run_tests WHERE run_id = $1 ORDER BY task_key, name`, [run.id]),
      this.db.query(`SELECT * FROM observed_run_metrics WHERE run_id = $1 ORDER BY task_key, metric_key`, [run.id]),
      this.db.query(
        `SELECT data->'log'->>'level' AS level, data->'log'->>'message' AS message, task_key, occurred_at
           FROM events
          WHERE pipeline_key = $1 AND run_key = $2 AND type = 'observability:message-log'
          ORDER BY occurred_at DESC, id DESC
          LIMIT ${LATEST_MESSAGES}`,
        [pipelineKey, runKey],
      ),
      this.schedules.one(pipelineKey),
    ]);
    const tasksWith = (status: string) => tasks.filter((t: any) => t.status === status);
    const testsWith = (status: string) => tests.filter((t: any) => t.status === status);
    return {
      pipeline: { key: run.pipeline_key, name: run.pipeline_name },
      run: {
        key: run.run_key,
        name: run.run_name,
        status: run.status,
        started_at: run.started_at,
        ended_at: run.ended_at,
        duration_ms: run.ended_at ? new Date(run.ended_at).getTime() - new Date(run.started_at).getTime() : null,
      },
      tasks: tasks.map((t: any) => ({
        key: t.task_key,
        name: t.task_name,
        status: t.status,
        started_at: t.started_at,
        ended_at: t.ended_at,
        logs: counts(t),
      })),
      task_counts: {
        total: tasks.length,
        running: tasksWith('RUNNING').length,
        completed: tasksWith('COMPLETED').length,
        completed_with_warnings: tasksWith('COMPLETED_WITH_WARNINGS').length,
        failed: tasksWith('FAILED').length,
      },
      running_tasks: tasksWith('RUNNING').map((t: any) => t.task_key),
      failed_tasks: tasksWith('FAILED').map((t: any) => t.task_key),
      logs: {
        ...counts(run),
        latest: latest.map((m: any) => ({ level: m.level, message: m.message, task_key: m.task_key, timestamp: m.occurred_at })),
      },
      tests: {
        total: tests.length,
        passed: testsWith('PASSED').length,
        failed: testsWith('FAILED').length,
        warning: testsWith('WARNING').length,
        not_passed: [...testsWith('FAILED'), ...testsWith('WARNING')].map((t: any): TestView => ({
          name: t.name,
          task_key: t.task_key || null,
          status: t.status,
          description: t.description,
          metric_value: t.metric_value,
          min_threshold: t.min_threshold,
          max_threshold: t.max_threshold,
          reported_at: t.reported_at,
        })),
      },
      metrics: metrics.map((m: any) => ({
        key: m.metric_key,
        task_key: m.task_key || null,
        value: m.value,
        reported_at: m.reported_at,
        samples: m.sample_count,
        min: m.min_value,
        max: m.max_value,
      })),
      schedule: schedule ?? null,
    };
  }
}

function counts(row: { error_count: number; warning_count: number; info_count: number }): LogCounts {
  return { error: row.error_count, warning: row.warning_count, info: row.info_count };
}
