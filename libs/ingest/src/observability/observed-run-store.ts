import { queryRows } from '@tidings/common';
import { LogLevel } from '@tidings/events';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ObservedTarget, ObservedTestOutcome } from './observability-input';
import { ObservedState } from './observed-state';

export interface ObservedRunRow extends ObservedState {
  id: string;
  pipelineKey: string;
  runKey: string;
  pipelineName: string | null;
  runName: string | null;
}

export interface ObservedTaskRow extends ObservedState {
  id: string;
  taskKey: string;
  taskName: string | null;
}

type Change = (current: ObservedState | null) => ObservedState;

const STATE = `status, started_at, ended_at, reopened_at`;

/*
 * All writes for one event run inside the caller's transaction, and the run
 * row is locked first (FOR UPDATE) by every event of that run: its tasks,
 * tests and metrics are only written under that lock, so events of one run
 * apply one at a time and in one lock order (no deadlocks), while different
 * runs proceed in parallel.
 */

/**
 * Creates the run if this is the first event naming it (INSERT … ON CONFLICT
 * DO NOTHING: two first events at once still make one run), otherwise locks
 * it and applies `change`. Names given by the event replace stored ones.
 */
export async function upsertObservedRun(tx: EntityManager, target: ObservedTarget, change: Change): Promise<ObservedRunRow> {
  const fresh = change(null);
  const inserted = await tx.query(
    `INSERT INTO observed_runs (id, pipeline_key, run_key, pipeline_name, run_name, ${STATE})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (pipeline_key, run_key) DO NOTHING
     RETURNING id, pipeline_name, run_name`,
    [uuidv7(), target.pipelineKey, target.runKey, target.pipelineName ?? null, target.runName ?? null, ...stateValues(fresh)],
  );
  if (inserted.length > 0)
    return {
      ...fresh,
      id: inserted[0].id,
      pipelineKey: target.pipelineKey,
      runKey: target.runKey,
      pipelineName: inserted[0].pipeline_name,
      runName: inserted[0].run_name,
    };

  const [row] = await tx.query(`SELECT id, ${STATE} FROM observed_runs WHERE pipeline_key = $1 AND run_key = $2 FOR UPDATE`, [
    target.pipelineKey,
    target.runKey,
  ]);
  const next = change(toState(row));
  const [updated] = await queryRows(
    tx,
    `UPDATE observed_runs
        SET status = $2, started_at = $3, ended_at = $4, reopened_at = $5,
            pipeline_name = coalesce($6, pipeline_name), run_name = coalesce($7, run_name), updated_at = now()
      WHERE id = $1
      RETURNING pipeline_name, run_name`,
    [row.id, ...stateValues(next), target.pipelineName ?? null, target.runName ?? null],
  );
  return {
    ...next,
    id: row.id,
    pipelineKey: target.pipelineKey,
    runKey: target.runKey,
    pipelineName: updated.pipeline_name,
    runName: updated.run_name,
  };
}

/** The same for a task of a locked run. */
export async function upsertObservedTask(
  tx: EntityManager,
  runId: string,
  taskKey: string,
  taskName: string | undefined,
  change: Change,
): Promise<ObservedTaskRow> {
  const fresh = change(null);
  const inserted = await tx.query(
    `INSERT INTO observed_run_tasks (id, run_id, task_key, task_name, ${STATE})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (run_id, task_key) DO NOTHING
     RETURNING id, task_name`,
    [uuidv7(), runId, taskKey, taskName ?? null, ...stateValues(fresh)],
  );
  if (inserted.length > 0) return { ...fresh, id: inserted[0].id, taskKey, taskName: inserted[0].task_name };

  const [row] = await tx.query(`SELECT id, ${STATE} FROM observed_run_tasks WHERE run_id = $1 AND task_key = $2 FOR UPDATE`, [
    runId,
    taskKey,
  ]);
  const next = change(toState(row));
  const [updated] = await queryRows(
    tx,
    `UPDATE observed_run_tasks
        SET status = $2, started_at = $3, ended_at = $4, reopened_at = $5, task_name = coalesce($6, task_name), updated_at = now()
      WHERE id = $1
      RETURNING task_name`,
    [row.id, ...stateValues(next), taskName ?? null],
  );
  return { ...next, id: row.id, taskKey, taskName: updated.task_name };
}

const COUNTER: Record<LogLevel, string> = { ERROR: 'error_count', WARNING: 'warning_count', INFO: 'info_count' };

/** One more message of `level` for the run and, when given, its task. */
export async function countLogMessage(tx: EntityManager, runId: string, taskId: string | undefined, level: LogLevel): Promise<void> {
  const column = COUNTER[level];
  await tx.query(`UPDATE observed_runs SET ${column} = ${column} + 1 WHERE id = $1`, [runId]);
  if (taskId) await tx.query(`UPDATE observed_run_tasks SET ${column} = ${column} + 1 WHERE id = $1`, [taskId]);
}

/**
 * Keeps the latest outcome of each test (by run, task and name): a report
 * older than the stored one changes nothing. Within one event a repeated name
 * keeps its last outcome.
 */
export async function recordTestOutcomes(
  tx: EntityManager,
  runId: string,
  taskKey: string | undefined,
  outcomes: ObservedTestOutcome[],
  at: Date,
): Promise<void> {
  const byName = new Map(outcomes.map((o) => [o.name, o]));
  const rows = [...byName.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((o) => ({
      name: o.name,
      status: o.status,
      description: o.description ?? null,
      metric_value: o.metric_value ?? null,
      min_threshold: o.min_threshold ?? null,
      max_threshold: o.max_threshold ?? null,
      start_time: o.start_time ?? null,
      end_time: o.end_time ?? null,
    }));
  await tx.query(
    `INSERT INTO observed_run_tests (run_id, task_key, name, status, description, metric_value, min_threshold, max_threshold, start_time, end_time, reported_at)
     SELECT $1, $2, t.name, t.status, t.description, t.metric_value, t.min_threshold, t.max_threshold, t.start_time, t.end_time, $4
       FROM jsonb_to_recordset($3::jsonb) AS t(name text, status text, description text, metric_value float8, min_threshold float8,
                                                max_threshold float8, start_time timestamptz, end_time timestamptz)
     ON CONFLICT (run_id, task_key, name) DO UPDATE
        SET status = EXCLUDED.status, description = EXCLUDED.description, metric_value = EXCLUDED.metric_value,
            min_threshold = EXCLUDED.min_threshold, max_threshold = EXCLUDED.max_threshold,
            start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, reported_at = EXCLUDED.reported_at
      WHERE EXCLUDED.reported_at >= observed_run_tests.reported_at`,
    [runId, taskKey ?? '', JSON.stringify(rows), at],
  );
}

/** The latest value of a metric (by event time), with how many were logged and their range. */
export async function recordMetric(
  tx: EntityManager,
  runId: string,
  taskKey: string | undefined,
  key: string,
  value: number,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO observed_run_metrics (run_id, task_key, metric_key, value, reported_at, sample_count, min_value, max_value)
     VALUES ($1, $2, $3, $4, $5, 1, $4, $4)
     ON CONFLICT (run_id, task_key, metric_key) DO UPDATE
        SET value = CASE WHEN EXCLUDED.reported_at >= observed_run_metrics.reported_at THEN EXCLUDED.value ELSE observed_run_metrics.value END,
            reported_at = greatest(observed_run_metrics.reported_at, EXCLUDED.reported_at),
            sample_count = observed_run_metrics.sample_count + 1,
            min_value = least(observed_run_metrics.min_value, EXCLUDED.min_value),
            max_value = greatest(observed_run_metrics.max_value, EXCLUDED.max_value)`,
    [runId, taskKey ?? '', key, value, at],
  );
}

function stateValues(state: ObservedState): unknown[] {
  return [state.status, state.startedAt, state.endedAt, state.reopenedAt];
}

function toState(row: Record<string, any>): ObservedState {
  return {
    status: row.status,
    startedAt: new Date(row.started_at),
    endedAt: row.ended_at ? new Date(row.ended_at) : null,
    reopenedAt: row.reopened_at ? new Date(row.reopened_at) : null,
  };
}
