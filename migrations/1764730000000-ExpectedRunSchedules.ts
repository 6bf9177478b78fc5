import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expected-run schedules (DESIGN §7.2).
 *
 * - `observed_schedules`: one schedule per pipeline key (cron, IANA time zone,
 *   how long after a tick a run must start and may take to finish). Ticks
 *   before `effective_from` (when it was last saved) are never judged.
 * - `observed_schedule_ticks`: one row per (pipeline, tick, kind) the worker
 *   recorded an event for. Its primary key is the once-per-tick guarantee:
 *   the row is inserted in the transaction that records the event, so of two
 *   workers judging the same tick one inserts and records, the other waits on
 *   the key and then finds it taken. It is also where the schedule state
 *   reads the last missing and late tick.
 */
export class ExpectedRunSchedules1764730000000 implements MigrationInterface {
  name = 'ExpectedRunSchedules1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE observed_schedules (
        pipeline_key     text PRIMARY KEY CHECK (length(pipeline_key) BETWEEN 1 AND 255),
        cron             text NOT NULL,
        timezone         text NOT NULL DEFAULT 'UTC',
        start_within_s   integer NOT NULL CHECK (start_within_s > 0),
        finish_within_s  integer CHECK (finish_within_s >= start_within_s),
        effective_from   timestamptz NOT NULL DEFAULT now(),
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE observed_schedule_ticks (
        pipeline_key  text NOT NULL REFERENCES observed_schedules(pipeline_key) ON DELETE CASCADE,
        tick          timestamptz NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('missing', 'late')),
        run_key       text,
        event_id      uuid,
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (pipeline_key, tick, kind)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE observed_schedule_ticks`);
    await q.query(`DROP TABLE observed_schedules`);
  }
}
