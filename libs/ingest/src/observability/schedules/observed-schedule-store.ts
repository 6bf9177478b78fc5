import { Injectable } from '@nestjs/common';
import { queryRows } from '@tidings/common';
import { DataSource, EntityManager } from 'typeorm';
import { ExpectedRunKind, ScheduledRun } from './expected-ticks';
import { ExpectedRunSchedule } from './schedule-input';

/** A stored schedule: the definition and since when its ticks are judged. */
export interface StoredSchedule extends ExpectedRunSchedule {
  effectiveFrom: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** The last tick recorded as missing or late, with its event. */
export interface RecordedTick {
  tick: Date;
  event_id: string | null;
  run_key: string | null;
}

const COLUMNS = `pipeline_key, cron, timezone, start_within_s, finish_within_s, effective_from, created_at, updated_at`;

function toSchedule(row: any): StoredSchedule {
  return {
    pipelineKey: row.pipeline_key,
    cron: row.cron,
    timezone: row.timezone,
    startWithinS: row.start_within_s,
    finishWithinS: row.finish_within_s,
    effectiveFrom: row.effective_from,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The only writer of `observed_schedules` and `observed_schedule_ticks`
 * (DESIGN §7.2). A tick's claim is taken in the transaction that records its
 * event, so the primary key makes "once per tick across replicas" hold.
 */
@Injectable()
export class ObservedScheduleStore {
  constructor(private readonly db: DataSource) {}

  /**
   * Creates or replaces a pipeline's schedule. A new or changed schedule is
   * judged from now on (not against its past); saving the same one again
   * (a deploy re-applying its configuration) keeps judging where it was.
   */
  async put(schedule: ExpectedRunSchedule): Promise<{ schedule: StoredSchedule; created: boolean }> {
    const [row] = await queryRows(
      this.db,
      `INSERT INTO observed_schedules (pipeline_key, cron, timezone, start_within_s, finish_within_s)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (pipeline_key) DO UPDATE
          SET cron = EXCLUDED.cron, timezone = EXCLUDED.timezone, start_within_s = EXCLUDED.start_within_s,
              finish_within_s = EXCLUDED.finish_within_s, updated_at = now(),
              effective_from = CASE
                WHEN (observed_schedules.cron, observed_schedules.timezone, observed_schedules.start_within_s, observed_schedules.finish_within_s)
                     IS DISTINCT FROM (EXCLUDED.cron, EXCLUDED.timezone, EXCLUDED.start_within_s, EXCLUDED.finish_within_s)
                THEN now() ELSE observed_schedules.effective_from END
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [schedule.pipelineKey, schedule.cron, schedule.timezone, schedule.startWithinS, schedule.finishWithinS],
    );
    return { schedule: toSchedule(row), created: row.created };
  }

  async getMany(pipelineKeys: readonly string[]): Promise<StoredSchedule[]> {
    return (await this.db.query(`SELECT ${COLUMNS} FROM observed_schedules WHERE pipeline_key = ANY($1)`, [pipelineKeys])).map(toSchedule);
  }

  /** Deletes the schedule and its recorded ticks (the events stay in the log); false if there was none. */
  async delete(pipelineKey: string): Promise<boolean> {
    const rows = await queryRows(this.db, `DELETE FROM observed_schedules WHERE pipeline_key = $1 RETURNING 1`, [pipelineKey]);
    return rows.length > 0;
  }

  async list(): Promise<StoredSchedule[]> {
    return (await this.db.query(`SELECT ${COLUMNS} FROM observed_schedules ORDER BY pipeline_key`)).map(toSchedule);
  }

  /** The pipeline's runs that started in [from, until], in start order (observed_runs_pipeline_idx). */
  async runsStartedBetween(pipelineKey: string, from: Date, until: Date): Promise<ScheduledRun[]> {
    const rows = await this.db.query(
      `SELECT run_key, run_name, pipeline_name, status, started_at, ended_at
         FROM observed_runs
        WHERE pipeline_key = $1 AND started_at BETWEEN $2 AND $3
        ORDER BY started_at, run_key`,
      [pipelineKey, from, until],
    );
    return rows.map((row: any) => ({
      ...row,
      started_at: new Date(row.started_at),
      ended_at: row.ended_at ? new Date(row.ended_at) : null,
    }));
  }

  /** The name the pipeline's latest run reported, for a missing-run event that has no run of its own. */
  async pipelineName(pipelineKey: string): Promise<string | null> {
    const [row] = await this.db.query(
      `SELECT pipeline_name FROM observed_runs WHERE pipeline_key = $1 AND pipeline_name IS NOT NULL ORDER BY started_at DESC LIMIT 1`,
      [pipelineKey],
    );
    return row?.pipeline_name ?? null;
  }

  /** The ticks from `since` on already recorded, as `kind@epoch-ms` keys. */
  async recordedSince(pipelineKey: string, since: Date): Promise<Set<string>> {
    const rows = await this.db.query(`SELECT kind, tick FROM observed_schedule_ticks WHERE pipeline_key = $1 AND tick >= $2`, [
      pipelineKey,
      since,
    ]);
    return new Set(rows.map((row: any) => tickKey(row.kind, new Date(row.tick))));
  }

  /**
   * Claims (pipeline, tick, kind) in `tx`; false when another worker already
   * did (its insert committed first, or this one waited on it and found it
   * taken), and then nothing may be recorded.
   */
  async claim(tx: EntityManager, pipelineKey: string, kind: ExpectedRunKind, tick: Date, runKey: string | null): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `INSERT INTO observed_schedule_ticks (pipeline_key, tick, kind, run_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [pipelineKey, tick, kind, runKey],
    );
    return rows.length > 0;
  }

  /** Notes the event recorded for a claimed tick (same transaction as the claim). */
  async attachEvent(tx: EntityManager, pipelineKey: string, kind: ExpectedRunKind, tick: Date, eventId: string): Promise<void> {
    await tx.query(`UPDATE observed_schedule_ticks SET event_id = $4 WHERE pipeline_key = $1 AND tick = $2 AND kind = $3`, [
      pipelineKey,
      tick,
      kind,
      eventId,
    ]);
  }

  /** The latest missing and late tick recorded for each of `pipelineKeys`. */
  async lastRecorded(pipelineKeys: readonly string[]): Promise<Map<string, Partial<Record<ExpectedRunKind, RecordedTick>>>> {
    const rows = await this.db.query(
      `SELECT DISTINCT ON (pipeline_key, kind) pipeline_key, kind, tick, event_id, run_key
         FROM observed_schedule_ticks
        WHERE pipeline_key = ANY($1)
        ORDER BY pipeline_key, kind, tick DESC`,
      [pipelineKeys],
    );
    const last = new Map<string, Partial<Record<ExpectedRunKind, RecordedTick>>>();
    for (const row of rows) {
      const entry = last.get(row.pipeline_key) ?? {};
      entry[row.kind as ExpectedRunKind] = { tick: row.tick, event_id: row.event_id, run_key: row.run_key };
      last.set(row.pipeline_key, entry);
    }
    return last;
  }

  /** Forgets recorded ticks older than `before` (the events stay in the log); returns how many. */
  async pruneTicks(before: Date): Promise<number> {
    const rows = await queryRows(this.db, `DELETE FROM observed_schedule_ticks WHERE tick < $1 RETURNING 1`, [before]);
    return rows.length;
  }
}

export function tickKey(kind: ExpectedRunKind, tick: Date): string {
  return `${kind}@${tick.getTime()}`;
}
