import { preparedStatement } from '@tidings/common';
import { LineageRunState, OpenLineageEventType } from '@tidings/events';
import { EntityManager } from 'typeorm';
import { LineageRunRecord, nextLineageRun } from './lineage-run-state';

export interface LineageRunEvent {
  runId: string;
  namespace: string;
  jobName: string;
  eventType: OpenLineageEventType;
  at: Date;
  parent?: { runId: string; namespace: string; name: string };
}

const COLUMNS = `state, last_event_type, started_at, ended_at, state_changed_at, last_event_at`;

/** One run's events of a batch, folded: the row they make and the state after each. */
interface RunFold {
  runId: string;
  first: LineageRunEvent;
  indexes: number[];
  record: LineageRunRecord;
  /** The newest parent named, in the order given (a later event's parent facet wins, as one at a time). */
  parent?: LineageRunEvent['parent'];
}

/**
 * Applies RunEvents to `lineage_runs` inside the caller's transaction and
 * returns each run's state after each event, in the order given (events of
 * one run apply in that order). Set-based, whatever the number of events:
 *
 * 1. one INSERT of every run as if new, each folded over its events of the
 *    batch (ON CONFLICT DO NOTHING: the runs that existed are left alone);
 * 2. for those that existed, one SELECT … FOR UPDATE (so concurrent batches
 *    touching one run apply one at a time), the fold continued from the row,
 *    and one UPDATE.
 *
 * Both statements take rows in run id order, so concurrent batches lock
 * shared runs in the same order.
 */
export async function applyLineageRunEvents(tx: EntityManager, events: readonly LineageRunEvent[]): Promise<LineageRunState[]> {
  const states: LineageRunState[] = new Array(events.length);
  if (events.length === 0) return states;
  const runs = new Map<string, number[]>();
  events.forEach((event, index) => {
    const indexes = runs.get(event.runId);
    if (indexes) indexes.push(index);
    else runs.set(event.runId, [index]);
  });
  const fold = (runId: string, start: LineageRunRecord | null): RunFold => {
    const indexes = runs.get(runId)!;
    let record = start;
    let parent: LineageRunEvent['parent'];
    for (const index of indexes) {
      const event = events[index];
      record = nextLineageRun(record, event.eventType, event.at);
      states[index] = record.state;
      parent = event.parent ?? parent;
    }
    return { runId, first: events[indexes[0]], indexes, record: record!, parent };
  };
  const asNew = [...runs.keys()].sort().map((runId) => fold(runId, null));
  const inserted: { run_id: string }[] = await tx.query(
    preparedStatement(
      'tidings_lineage_runs_insert',
      `INSERT INTO lineage_runs (run_id, namespace, job_name, ${COLUMNS}, parent_run_id, parent_job_namespace, parent_job_name, event_count)
     SELECT run_id, namespace, job_name, ${COLUMNS}, parent_run_id, parent_job_namespace, parent_job_name, event_count
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[],
                   $9::timestamptz[], $10::uuid[], $11::text[], $12::text[], $13::int[])
            WITH ORDINALITY AS u(run_id, namespace, job_name, ${COLUMNS}, parent_run_id, parent_job_namespace, parent_job_name, event_count, n)
      ORDER BY n
     ON CONFLICT (run_id) DO NOTHING
     RETURNING run_id`,
    ),
    [
      asNew.map((r) => r.runId),
      asNew.map((r) => r.first.namespace),
      asNew.map((r) => r.first.jobName),
      ...recordColumns(asNew),
      asNew.map((r) => r.indexes.length),
    ],
  );
  if (inserted.length === asNew.length) return states;

  const fresh = new Set(inserted.map((r) => r.run_id));
  const existing = asNew.filter((r) => !fresh.has(r.runId)).map((r) => r.runId);
  const rows: Record<string, any>[] = await tx.query(
    preparedStatement(
      'tidings_lineage_runs_lock',
      `SELECT run_id, ${COLUMNS} FROM lineage_runs WHERE run_id = ANY($1::uuid[]) ORDER BY run_id FOR UPDATE`,
    ),
    [existing],
  );
  const folded = rows.map((row) => fold(row.run_id, toRecord(row)));
  await tx.query(
    preparedStatement(
      'tidings_lineage_runs_update',
      `UPDATE lineage_runs r
        SET state = u.state, last_event_type = u.last_event_type, started_at = u.started_at, ended_at = u.ended_at,
            state_changed_at = u.state_changed_at, last_event_at = u.last_event_at,
            parent_run_id = coalesce(u.parent_run_id, r.parent_run_id),
            parent_job_namespace = CASE WHEN u.parent_run_id IS NULL THEN r.parent_job_namespace ELSE u.parent_job_namespace END,
            parent_job_name = CASE WHEN u.parent_run_id IS NULL THEN r.parent_job_name ELSE u.parent_job_name END,
            event_count = r.event_count + u.events, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
                   $8::uuid[], $9::text[], $10::text[], $11::int[])
            AS u(run_id, ${COLUMNS}, parent_run_id, parent_job_namespace, parent_job_name, events)
      WHERE r.run_id = u.run_id`,
    ),
    [folded.map((r) => r.runId), ...recordColumns(folded), folded.map((r) => r.indexes.length)],
  );
  return states;
}

/** The state columns and the parent columns of folded runs, one array each, in COLUMNS order. */
function recordColumns(runs: RunFold[]): unknown[][] {
  return [
    runs.map((r) => r.record.state),
    runs.map((r) => r.record.lastEventType),
    runs.map((r) => r.record.startedAt),
    runs.map((r) => r.record.endedAt),
    runs.map((r) => r.record.stateChangedAt),
    runs.map((r) => r.record.lastEventAt),
    runs.map((r) => r.parent?.runId ?? null),
    runs.map((r) => r.parent?.namespace ?? null),
    runs.map((r) => r.parent?.name ?? null),
  ];
}

function toRecord(row: Record<string, any>): LineageRunRecord {
  return {
    state: row.state,
    lastEventType: row.last_event_type,
    startedAt: new Date(row.started_at),
    endedAt: row.ended_at ? new Date(row.ended_at) : null,
    stateChangedAt: new Date(row.state_changed_at),
    lastEventAt: new Date(row.last_event_at),
  };
}
