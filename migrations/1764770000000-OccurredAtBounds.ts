import { MigrationInterface, QueryRunner } from 'typeorm';
import { EVENT_RECORD_V1 } from './1764700100000-SqlEntryPoint';

/** Where event_record, having listed a body's schema errors, reports them: the bounds are checked just before. */
const ERRORS_REPORTED = `        IF errors IS NOT NULL THEN
          SELECT string_agg(f, ', ' ORDER BY o) INTO fields`;

/**
 * A producer's occurred_at must lie within the configured bounds of the
 * clock: at most OCCURRED_AT_MAX_FUTURE ahead, OCCURRED_AT_MAX_PAST behind
 * (issue 13 finding 7; docs/ingest-limits.md), on the SQL entry point as on
 * POST /v1/events, with the same [{field, message}].
 *
 * - `ingest_settings`: one row holding the bounds in ms (null: unbounded).
 *   The api writes its configuration there at every start
 *   (PublishIngestSettings), so the environment stays the one source; the
 *   values below are the defaults until an api has started.
 * - `occurred_at_skew(at)`: why `at` is out of bounds, worded as
 *   occurredAtSkew() words it (libs/events/src/occurred-at-bounds.ts), or
 *   null. Measured against clock_timestamp(), not now(): a long transaction
 *   must not make a current event look ahead of its start.
 * - `event_record` checks a valid occurred_at with it and lists the problem
 *   after the schema's, as the api does.
 */
export class OccurredAtBounds1764770000000 implements MigrationInterface {
  name = 'OccurredAtBounds1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_settings (
        only_row                  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        occurred_at_max_future_ms bigint CHECK (occurred_at_max_future_ms >= 0),
        occurred_at_max_past_ms   bigint CHECK (occurred_at_max_past_ms >= 0),
        updated_at                timestamptz NOT NULL DEFAULT now())`);
    await q.query(`INSERT INTO ingest_settings (occurred_at_max_future_ms, occurred_at_max_past_ms) VALUES (300000, 315360000000)`);

    // formatDuration (libs/config/src/duration.ts): the largest whole unit.
    await q.query(`
      CREATE FUNCTION duration_text(ms bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT COALESCE(
          (SELECT ($1 / u.size) || u.unit FROM (VALUES (1, 'd', 86400000::bigint), (2, 'h', 3600000), (3, 'm', 60000), (4, 's', 1000)) AS u(o, unit, size)
            WHERE $1 >= u.size AND $1 % u.size = 0 ORDER BY u.o LIMIT 1),
          $1 || 'ms')
      $$`);
    await q.query(`
      CREATE FUNCTION occurred_at_skew(at timestamptz) RETURNS text LANGUAGE sql VOLATILE AS $$
        SELECT CASE
          WHEN s.occurred_at_max_future_ms IS NOT NULL AND ahead > s.occurred_at_max_future_ms
            THEN 'must be at most ' || duration_text(s.occurred_at_max_future_ms) || ' in the future (OCCURRED_AT_MAX_FUTURE)'
          WHEN s.occurred_at_max_past_ms IS NOT NULL AND -ahead > s.occurred_at_max_past_ms
            THEN 'must be at most ' || duration_text(s.occurred_at_max_past_ms) || ' in the past (OCCURRED_AT_MAX_PAST)'
        END
        FROM ingest_settings s, (SELECT (extract(epoch FROM $1) - extract(epoch FROM clock_timestamp())) * 1000 AS ahead) a
      $$`);
    if (!EVENT_RECORD_V1.includes(ERRORS_REPORTED)) throw new Error('event_record is not the function this migration extends');
    await q.query(
      EVENT_RECORD_V1.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION').replace(
        ERRORS_REPORTED,
        `        IF jsonb_typeof(body->'occurred_at') = 'string' AND NOT COALESCE(errors @> '[{"field": "occurred_at"}]', false) THEN
          reason := occurred_at_skew(event_instant(body->>'occurred_at'));
          IF reason IS NOT NULL THEN
            errors := COALESCE(errors, '[]') || jsonb_build_array(jsonb_build_object('field', 'occurred_at', 'message', 'occurred_at ' || reason));
          END IF;
        END IF;
${ERRORS_REPORTED}`,
      ),
    );
    for (const fn of ['duration_text(bigint)', 'occurred_at_skew(timestamptz)']) await q.query(`REVOKE EXECUTE ON FUNCTION ${fn} FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(EVENT_RECORD_V1.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
    await q.query(`DROP FUNCTION occurred_at_skew(timestamptz)`);
    await q.query(`DROP FUNCTION duration_text(bigint)`);
    await q.query(`DROP TABLE ingest_settings`);
  }
}
