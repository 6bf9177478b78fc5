import { queryRows } from '@tidings/common';
import { OpenLineageEventType } from '@tidings/events';
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

/**
 * Applies one RunEvent to `lineage_runs` inside the caller's transaction and
 * returns the run as it now stands. The row is locked (FOR UPDATE) while the
 * next state is computed, so concurrent events of one run apply one at a
 * time; a run's first event inserts it (ON CONFLICT: two first events at once
 * still make one row).
 */
export async function applyLineageRunEvent(tx: EntityManager, event: LineageRunEvent): Promise<LineageRunRecord> {
  const fresh = nextLineageRun(null, event.eventType, event.at);
  const inserted = await tx.query(
    `INSERT INTO lineage_runs (run_id, namespace, job_name, ${COLUMNS}, parent_run_id, parent_job_namespace, parent_job_name)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (run_id) DO NOTHING
     RETURNING run_id`,
    [
      event.runId,
      event.namespace,
      event.jobName,
      fresh.state,
      fresh.lastEventType,
      fresh.startedAt,
      fresh.endedAt,
      fresh.stateChangedAt,
      fresh.lastEventAt,
      event.parent?.runId ?? null,
      event.parent?.namespace ?? null,
      event.parent?.name ?? null,
    ],
  );
  if (inserted.length > 0) return fresh;

  const [row] = await tx.query(`SELECT ${COLUMNS} FROM lineage_runs WHERE run_id = $1 FOR UPDATE`, [event.runId]);
  const next = nextLineageRun(toRecord(row), event.eventType, event.at);
  await queryRows(
    tx,
    `UPDATE lineage_runs
        SET state = $2, last_event_type = $3, started_at = $4, ended_at = $5, state_changed_at = $6, last_event_at = $7,
            parent_run_id = coalesce($8, parent_run_id),
            parent_job_namespace = CASE WHEN $8::uuid IS NULL THEN parent_job_namespace ELSE $9 END,
            parent_job_name = CASE WHEN $8::uuid IS NULL THEN parent_job_name ELSE $10 END,
            event_count = event_count + 1, updated_at = now()
      WHERE run_id = $1
      RETURNING run_id`,
    [
      event.runId,
      next.state,
      next.lastEventType,
      next.startedAt,
      next.endedAt,
      next.stateChangedAt,
      next.lastEventAt,
      event.parent?.runId ?? null,
      event.parent?.namespace ?? null,
      event.parent?.name ?? null,
    ],
  );
  return next;
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
